"""Small dataclasses that flow between the core and the surfaces."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


def _to_dict(obj: Any) -> dict[str, Any]:
    return dataclasses.asdict(obj)


@dataclass(frozen=True)
class Change:
    """One key a sign-in changed in ``.condarc`` (core/changes.py), with the words for it."""

    key: str
    before: Any  # a list, a scalar, or None (not set); tokens masked
    after: Any
    text: str


@dataclass(frozen=True)
class Status:
    """What a surface shows as the connection status. Never holds a secret."""

    connected: bool
    service: str | None  # a registry id (core/services/registry.py)
    domain: str | None
    username: str | None
    channels: list[str]
    default_channels: list[str] | None
    source: str | None  # "repoconnect", or "cli" for a sign-in made from a command line
    condarc_path: str
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    channel_alias: str | None = None  # where conda resolves channel names
    service_title: str | None = None
    capabilities: dict[str, bool] | None = None  # what a surface may offer (services/base.py)
    sign_out_note: str | None = None  # what a sign-out will do to .condarc
    package_managers: list[str] = field(default_factory=list)  # core/sinks/ ids holding it
    expires_at: str | None = None  # when the token of our sign-in expires, if the service said
    changes: list[Change] = field(default_factory=list)  # in a connect answer: what it wrote

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

    server_domain: str | None  # the REST API's first keys, kept for its clients
    enterprise_domain: str | None
    allow_domain_change: bool
    allowed_services: list[str]
    domains: dict[str, str | None] = field(default_factory=dict)  # of services with a domain
    services: list[dict[str, Any]] = field(default_factory=list)  # RepositoryService.info()
    default_service: str | None = None
    # the sign-in method a surface offers first, per service (the administrator's choice)
    default_methods: dict[str, str] = field(default_factory=dict)
    # what each package manager id of Status.package_managers means to a person (core/sinks/)
    package_managers: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)


@dataclass(frozen=True)
class SsoStart:
    """A single sign-on waiting for the browser: open ``authorization_url``; the browser then
    lands on ``redirect_uri`` with ``?code=…&state=…`` — the address to finish with."""

    id: str
    authorization_url: str
    redirect_uri: str
    expires_in: int  # seconds the sign-in waits
    listening: bool = False  # a loopback listener takes the redirect on this machine

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)


@dataclass(frozen=True)
class SsoProgress:
    """Where a started single sign-on stands: ``waiting``, ``signed_in`` or ``failed``."""

    state: str
    status: Status | None = None
    error: str | None = None  # the error's code when it failed
    message: str | None = None

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
class Checked:
    """What a diagnosis was computed for: the connection, or a sign-in that was attempted."""

    connected: bool
    service: str | None = None
    domain: str | None = None
    username: str | None = None
    attempt: bool = False  # checks of a sign-in attempted (service + domain), not a connection


@dataclass(frozen=True)
class Diagnosis:
    """The doctor's answer to "I am logged in but cannot interact with the repository"."""

    ok: bool
    findings: list[Finding]
    checked: Checked | None = None  # a result belongs to the state it was computed for

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)
