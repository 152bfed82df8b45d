"""The protocol a package manager's credential sink follows, and the grant it writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..models import Finding


@dataclass(frozen=True)
class Grant:
    """One connection's credential as the connected service expresses it for any client.

    ``channel_root`` is where the service's channels live (``https://srv/api/repo``);
    ``token_root`` is that root with the token where the service takes it
    (``https://srv/api/repo/t/<TOKEN>``). ``token_after_host``: the service takes
    ``/t/<TOKEN>`` right after the host (Cloud), which is where rattler and mamba put a
    ``CondaToken`` by themselves; elsewhere a client needs the ``token_root`` spelled out.
    """

    service: str
    channel_root: str
    token_root: str
    token: str
    token_after_host: bool

    @property
    def host(self) -> str:
        """The host name alone (rattler's credential key)."""
        return urlsplit(self.channel_root).hostname or ""

    @property
    def netloc(self) -> str:
        return urlsplit(self.channel_root).netloc


class CredentialSink:
    """One package manager. Writes happen inside the sign-in's journalled transaction: every
    file :meth:`files` names is snapshot first and put back byte for byte on failure."""

    id: str = ""
    title: str = ""

    def detected(self) -> bool:
        """Whether this package manager is used on this machine (binary or its folder)."""
        return False

    def files(self) -> list[Path]:
        """Every file :meth:`install` or :meth:`remove` may change."""
        return []

    def install(self, grant: Grant) -> None:
        """Write what the client needs for ``grant`` (files holding a token: 0600)."""

    def remove(self, grant: Grant) -> list[str]:
        """Remove what :meth:`install` wrote for ``grant``, keeping everything else; notes."""
        return []

    def holds(self, grant: Grant) -> bool:
        """Whether this client's files hold ``grant`` now (the status; cheap, no request)."""
        return False

    def check(self, grant: Grant, caller: Any, channels: Sequence[str] = ()) -> Finding | None:
        """The doctor's finding: ask the repository the way this client would, for one of
        ``channels`` (the configured channels' full URLs) that lies under the grant's root."""
        return None
