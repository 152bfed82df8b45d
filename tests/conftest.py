"""Plugins of every test directory: pytest-jupyter's server fixtures (jp_fetch, jp_serverapp...)
and our sandbox fixtures (sandbox, repoconnect_env: jupyter_repoconnect/testing/fixtures.py).

pytest only accepts ``pytest_plugins`` in the top-level conftest. Ours is loaded here, not
through a ``pytest11`` entry point, so that installing the package adds nothing to other
projects' pytest sessions.
"""

pytest_plugins = ("pytest_jupyter.jupyter_server", "jupyter_repoconnect.testing.fixtures")
