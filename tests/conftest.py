"""pytest-jupyter's server fixtures (jp_fetch, jp_serverapp...) for tests/server.

pytest only accepts ``pytest_plugins`` in the top-level conftest.
"""

pytest_plugins = ("pytest_jupyter.jupyter_server",)
