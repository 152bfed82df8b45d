"""ipywidgets panels over the core Connector: connect, pick channels, status, Configure Conda.

Importing this package is cheap; ipywidgets loads when a panel class is first used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core import Connector, RepoConnectSettings

_PANELS = {
    "ConnectPanel": "connect",
    "ChannelPicker": "channels",
    "StatusPanel": "status",
    "ConfigureCondaPanel": "configure",
    "RepoConnectPanel": "app",
    "PreferencesPanel": "app",
    "DoctorPanel": "app",
}

__all__ = [*_PANELS, "default_connector", "load_settings"]


def load_settings() -> RepoConnectSettings:
    """The administrator's settings from the Jupyter config files."""
    from ..config_files import load_settings as _load

    return _load()


def default_connector() -> Connector:
    """A Connector configured like every other surface of this machine."""
    from ..core import Connector

    return Connector(load_settings())


def __getattr__(name: str) -> Any:
    if name in _PANELS:
        module = import_module(f".{_PANELS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
