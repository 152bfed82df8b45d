"""The composition root: the adapters a use case works with, built once per settings.

Use cases (sign-in, sign-out, the doctor, the account) receive a :class:`Parts`, never the
Connector; nothing below reads the environment for a path again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .condarc import Condarc
from .settings import RepoConnectSettings
from .sinks import registry as sink_registry
from .state import StateStore
from .tokens import TokenStore, anaconda_client_config_path


@dataclass
class Parts:
    settings: RepoConnectSettings
    condarc: Condarc
    store: StateStore
    tokens: TokenStore
    client_config: Path  # anaconda-client's config.yaml (Enterprise 4's URL)
    key: tuple[Any, ...] = field(default=(), compare=False)
    sinks: list[Any] = field(default_factory=list)  # other package managers (core/sinks/)

    @classmethod
    def build(cls, settings: RepoConnectSettings) -> Parts:
        tokens = TokenStore()
        condarc_path = settings.resolved_condarc_path()
        state_dir = settings.resolved_state_dir()
        client_config = anaconda_client_config_path()
        return cls(
            settings,
            Condarc(condarc_path),
            StateStore(state_dir),
            tokens,
            client_config,
            key=parts_key(settings),
            sinks=sink_registry.active(settings.package_managers),
        )

    def client(self, service: Any, domain: str, condarc_settings: Any) -> Any:
        """``service``'s HTTP client for ``domain``, with conda's TLS and proxy settings."""
        from .conda_config import http_settings
        from .http import Caller, make_client

        http = http_settings(self.condarc.path, condarc_settings)
        caller = Caller(make_client(self.settings, http), service.title, domain)
        return service.client(caller, domain)


_PATH_VARIABLES = (
    "CONDARC",
    "JUPYTER_REPOCONNECT_STATE_DIR",
    "BINSTAR_CONFIG_DIR",
    "HOME",
    "XDG_CONFIG_HOME",
    "RATTLER_AUTH_FILE",
    "PIXI_HOME",
)


def parts_key(settings: RepoConnectSettings) -> tuple[Any, ...]:
    """What the adapters are made from, as raw values (status asks on every poll: no path is
    resolved here): when one changes, they are made again."""
    import os

    env = os.environ
    return (
        settings.condarc_path,
        settings.state_dir,
        settings.package_managers and tuple(settings.package_managers),
        *(env.get(name) for name in _PATH_VARIABLES),
    )
