"""Read the administrator's ``c.RepoConnectSettings.*`` outside a server (CLI, magics).

Searches the same Jupyter config path with the same precedence as the server extension, so an
administrator sets a value once (e.g. in ``/etc/jupyter/jupyter_server_config.py``) and every
surface agrees:

1. ``jupyter_config.{py,json}``
2. ``jupyter_repoconnect_config.{py,json}``
3. ``jupyter_server_config.{py,json}`` (wins over 2, as in the server)
4. ``argv_config`` (e.g. command-line options)

Within one file name, folders earlier in :func:`jupyter_core.paths.jupyter_config_path` (the
user's) win over later ones (the system's); ``.json`` wins over ``.py`` in the same folder.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jupyter_core.paths import jupyter_config_path
from traitlets.config import Config
from traitlets.config.loader import (
    ConfigFileNotFound,
    JSONFileConfigLoader,
    KVArgParseConfigLoader,
    PyFileConfigLoader,
)

from .core.errors import BadInput, Code
from .core.settings import RepoConnectSettings

CONFIG_FILE_NAMES = ("jupyter_config", "jupyter_repoconnect_config", "jupyter_server_config")
LOADERS = ((PyFileConfigLoader, ".py"), (JSONFileConfigLoader, ".json"))  # .json wins

log = logging.getLogger(__name__)


def load_config(
    argv_config: Config | Mapping[str, Any] | Sequence[str] | None = None,
    paths: Iterable[str] | None = None,
) -> Config:
    """Merge the Jupyter config files that may set ``c.RepoConnectSettings``, then argv_config."""
    folders = list(jupyter_config_path() if paths is None else paths)
    merged = Config()
    for name in CONFIG_FILE_NAMES:
        for folder in reversed(folders):  # lowest priority first; later merges win
            for loader_class, suffix in LOADERS:
                loader = loader_class(name + suffix, path=folder, log=log)
                try:
                    merged.merge(loader.load_config())
                except ConfigFileNotFound:
                    continue
                except Exception as error:
                    # Like Jupyter, a broken file is reported, not fatal; its text may hold a
                    # secret (a server token), so the error's text is not logged.
                    log.warning(
                        "Could not load config file %s (%s)",
                        loader.full_filename or name + suffix,
                        type(error).__name__,
                    )
    if argv_config is not None:
        merged.merge(_as_config(argv_config))
    return merged


def load_settings(
    argv_config: Config | Mapping[str, Any] | Sequence[str] | None = None,
    paths: Iterable[str] | None = None,
) -> RepoConnectSettings:
    """The :class:`RepoConnectSettings` an administrator preset, as the server extension sees them.

    ``argv_config`` overrides the files: a traitlets ``Config`` (or a mapping of the same shape)
    or command-line words like ``["--RepoConnectSettings.timeout=5"]``.
    ``paths`` replaces the Jupyter config path (tests).
    A value the settings refuse is a :class:`BadInput` naming the setting, not a traceback.
    """
    from traitlets import TraitError

    config = load_config(argv_config, paths)
    try:
        return RepoConnectSettings(config=config)
    except (TraitError, ValueError, TypeError) as exc:
        raise BadInput(
            f"A RepoConnectSettings value in the Jupyter configuration is invalid: {exc} Fix it "
            "in the jupyter_server_config file that sets it (`jupyter --paths` lists where they "
            "are) or on the command line.",
            code=Code.BAD_SETTING,
        ) from None


def _as_config(argv_config: Config | Mapping[str, Any] | Sequence[str]) -> Config:
    if isinstance(argv_config, Config):
        return argv_config
    if isinstance(argv_config, Mapping):
        return Config(argv_config)
    loader = KVArgParseConfigLoader(list(argv_config), classes=[RepoConnectSettings], log=log)
    return loader.load_config()
