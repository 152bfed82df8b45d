"""Small dataclasses that flow between the core and the surfaces."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

Service = Literal["cloud", "server", "enterprise"]
SERVICES: tuple[Service, ...] = ("cloud", "server", "enterprise")

SERVICE_TITLES: dict[str, str] = {
    "cloud": "Anaconda Professional / Package Security Manager (Cloud)",
    "server": "Anaconda Server / Package Security Manager (On-prem)",
    "enterprise": "Anaconda Enterprise 4 Repository",
}

ENTERPRISE_CHANNELS_HINT = (
    "You are signed in to Enterprise 4 Repository. Please add the channels you need to your "
    ".condarc by hand (channels: and default_channels:)."
)


def _to_dict(obj: Any) -> dict[str, Any]:
    return dataclasses.asdict(obj)


@dataclass(frozen=True)
class Status:
    """What a surface shows as the connection status. Never holds a secret."""

    connected: bool
    service: Service | None
    domain: str | None
    username: str | None
    channels: list[str]
    default_channels: list[str] | None
    source: Literal["repoconnect", "cli"] | None
    condarc_path: str
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    channel_alias: str | None = None  # where conda resolves channel names

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)


@dataclass(frozen=True)
class Channel:
    """A channel offered by the connected repository."""

    name: str
    url: str
    privacy: str | None = None
    description: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)


@dataclass(frozen=True)
class ChannelPage:
    """One page of a server-side channel listing."""

    items: list[Channel]
    total: int
    offset: int
    limit: int
    q: str

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)


@dataclass(frozen=True)
class CondarcChannels:
    """The channel lists of the user's ``.condarc`` as shown to a user (token URLs masked)."""

    path: str
    channels: list[str]
    default_channels: list[str] | None
    version: str  # hash of the file's bytes; a client sends it back to detect concurrent edits
    exists: bool

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)


@dataclass(frozen=True)
class Preferences:
    """The two remembered API domains and whether the user may change them."""

    server_domain: str | None
    enterprise_domain: str | None
    allow_domain_change: bool
    allowed_services: list[str]

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)


@dataclass(frozen=True)
class Finding:
    """One line of a diagnosis."""

    check: str
    ok: bool
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class Diagnosis:
    """The doctor's answer to "I am logged in but cannot interact with the repository"."""

    ok: bool
    findings: list[Finding]

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)
