"""What jupyter_repoconnect records about the connection, with Navigator's key names.

An INI file (mode 0600, it holds the Anaconda Server token) in the state folder, plus the
copy of ``.condarc`` saved before a login (and of anaconda-client's config for Enterprise 4).
"""

from __future__ import annotations

import configparser
import io
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .cache import FILES
from .files import atomic_write, ensure_dir, read_bytes, unlink

SECTION = "main"
LEGACY_KEYS = {
    "team_edition_token": "anaconda_server_token",
    "team_edition_token_id": "anaconda_server_token_id",
}
ABSENT_MARK = b"# jupyter_repoconnect: the file did not exist before the login\n"


@dataclass
class RecordedState:
    """The recorded values. ``None`` means unset (written as the reference's ``None``)."""

    logged_api_url: str | None = None
    anaconda_server_token: str | None = None
    anaconda_server_token_id: str | None = None
    anaconda_server_api_url: str | None = None  # preference "Anaconda Server API domain"
    enterprise_4_repo_api_url: str | None = None  # preference "Enterprise 4 Repository API domain"
    service: str | None = None
    username: str | None = None
    condarc_path: str | None = None  # the file the saved copy belongs to
    sign_in_method: str | None = None  # the service's method used (None: its first one)
    token_expires_at: str | None = None  # ISO date or time the service gave, if it gave one

    def signed_out(self) -> RecordedState:
        """The state after sign-out: connection values reset, preferences kept."""
        return RecordedState(
            anaconda_server_api_url=self.anaconda_server_api_url,
            enterprise_4_repo_api_url=self.enterprise_4_repo_api_url,
        )


class StateStore:
    """Reads and writes the recorded state and the saved pre-login files. Callers hold the lock."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.ini = self.directory / "repoconnect.ini"
        self.lock_path = self.directory / "repoconnect.lock"
        self.saved_condarc = self.directory / "condarc.pre-login"
        self.saved_client_config = self.directory / "anaconda-client-config.pre-login"
        # The Server login JWT (minutes long), kept 0600 only to revoke the access token at a
        # sign-out soon after the login, as Navigator keeps its jwt file.
        self.server_session = self.directory / "server-session.jwt"

    def load(self) -> RecordedState:
        """The recorded state; an unchanged file is not parsed again (see ``cache.py``)."""
        return replace(FILES.get(self.ini, _parse)[0])

    def needs_migration(self) -> bool:
        return bool(FILES.get(self.ini, _parse)[1])

    def save(self, state: RecordedState) -> None:
        parser = configparser.ConfigParser(interpolation=None)
        parser[SECTION] = {f.name: _text(getattr(state, f.name)) for f in fields(RecordedState)}
        buf = io.StringIO()
        parser.write(buf)
        ensure_dir(self.directory)
        atomic_write(self.ini, buf.getvalue().encode("utf-8"), mode=0o600)

    # --- saved copies ------------------------------------------------------------------
    def save_copy(self, target: Path, content: bytes | None) -> None:
        atomic_write(target, ABSENT_MARK if content is None else content, mode=0o600)

    def read_copy(self, target: Path) -> tuple[bool, bytes | None]:
        """``(found, content)``; content ``None`` means the original file did not exist."""
        raw = read_bytes(target)
        if raw is None:
            return False, None
        return True, (None if raw == ABSENT_MARK else raw)

    def drop_copy(self, target: Path) -> None:
        unlink(target)


def _parse(raw: bytes | None) -> tuple[RecordedState, bool]:
    """The state in ``raw`` and whether it still uses the legacy ``team_edition_*`` keys."""
    legacy = any(old.encode() in (raw or b"") for old in LEGACY_KEYS)
    parser = configparser.ConfigParser(interpolation=None)
    if raw:
        try:
            parser.read_string(raw.decode("utf-8"))
        except (configparser.Error, UnicodeDecodeError):
            return RecordedState(), legacy  # an unreadable record is treated as empty, never fatal
    values = dict(parser[SECTION]) if parser.has_section(SECTION) else {}
    for old, new in LEGACY_KEYS.items():
        if old in values and _value(values.get(new)) is None:
            values[new] = values[old]
    known = {f.name for f in fields(RecordedState)}
    return RecordedState(**{k: _value(v) for k, v in values.items() if k in known}), legacy


def _value(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return None if text in ("", "None") else text


def _text(value: str | None) -> str:
    return "None" if value is None else value
