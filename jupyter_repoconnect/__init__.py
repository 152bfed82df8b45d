"""Connect Jupyter to your organisation's conda package repository."""

__version__ = "0.1.0"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyter-repoconnect"}]


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    from .app import RepoConnectApp

    return [{"module": "jupyter_repoconnect", "app": RepoConnectApp}]


def load_ipython_extension(ipython: object) -> None:
    from .magics import load_ipython_extension as _load

    _load(ipython)
