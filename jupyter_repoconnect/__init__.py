"""Connect Jupyter to your organisation's conda package repository."""


def __getattr__(name: str) -> str:
    # __version__: the installed distribution's (labextension/package.json's, see
    # pyproject.toml), looked up on first use: importlib.metadata costs tens of ms to import.
    if name == "__version__":
        from importlib.metadata import version

        globals()[name] = found = version("jupyter_repoconnect")
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyter-repoconnect"}]


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    from .app import RepoConnectApp

    return [{"module": "jupyter_repoconnect", "app": RepoConnectApp}]


def load_ipython_extension(ipython: object) -> None:
    from .magics import load_ipython_extension as _load

    _load(ipython)
