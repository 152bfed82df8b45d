"""A login made with anaconda-auth (the ``anaconda`` CLI of Anaconda Distribution since 2025).

anaconda-auth keeps repository tokens in a keyring — by default its own file,
``~/.anaconda/keyring`` — and conda's ``channel_settings`` (``auth: anaconda-auth``) make conda
take the token from there, before the token store. Such a login is detected so that status is
true and sign-out does not leave the machine signed in.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import FILES
from .files import atomic_write, read_bytes

SERVICE = "Anaconda Cloud"  # anaconda-auth's keyring service name
HANDLER = "anaconda-auth"  # the conda auth handler it registers


def keyring_path() -> Path:
    """anaconda-auth's keyring file (its settings allow ``ANACONDA_AUTH_KEYRING_PATH``)."""
    return Path(os.environ.get("ANACONDA_AUTH_KEYRING_PATH") or "~/.anaconda/keyring").expanduser()


@dataclass(frozen=True)
class AuthLogin:
    """What anaconda-auth holds: its keyring's entries and the channels conda routes to it."""

    keyring: Path
    domains: tuple[str, ...]
    repo_tokens: tuple[str, ...]  # never shown; used to check and to remove
    handled_channels: tuple[str, ...]

    def describe(self) -> str:
        where = ", ".join(self.handled_channels) or "no channel yet"
        return (
            f"anaconda-auth (the 'anaconda' command line) keeps {len(self.repo_tokens)} "
            f"repository token(s) in {self.keyring}, and conda sends them for {where}."
        )


def _entries(raw: bytes | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return {}
    entries = data.get(SERVICE) if isinstance(data, dict) else None
    return entries if isinstance(entries, dict) else {}


def _decode(value: object) -> dict[str, Any]:
    try:
        info = json.loads(base64.b64decode(str(value)))
    except (ValueError, binascii.Error):
        return {}
    return info if isinstance(info, dict) else {}


def _logins(raw: bytes | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The keyring's domains and the repository tokens kept under them."""
    tokens: list[str] = []
    domains: list[str] = []
    for domain, value in _entries(raw).items():
        info = _decode(value)
        domains.append(str(domain))
        for repo in info.get("repo_tokens") or []:
            if isinstance(repo, dict) and isinstance(repo.get("token"), str):
                tokens.append(repo["token"])
    return tuple(domains), tuple(tokens)


def detect(conda_config: Mapping[str, Any] | None = None) -> AuthLogin | None:
    """anaconda-auth's login on this machine, or None. ``conda_config``: conda's merged
    ``channel_settings`` source (a mapping with that key), to name the routed channels."""
    path = keyring_path()
    # status polls this signed out: parsed again only when the file changes (core/cache.py)
    domains, tokens = FILES.get(path, _logins)
    handled = tuple(
        str(entry.get("channel"))
        for entry in (conda_config or {}).get("channel_settings") or []
        if isinstance(entry, dict) and entry.get("auth") == HANDLER
    )
    if not domains and not handled:
        return None
    return AuthLogin(path, domains, tokens, handled)


@dataclass(frozen=True)
class Removal:
    """What :func:`remove_repo_token` did and what anaconda-auth still keeps."""

    removed: int
    other_tokens: int  # of other organisations, still sent by conda
    api_key: bool  # the account sign-in that held the token is still there (its API key)


def remove_repo_token(path: Path, token: str) -> Removal:
    """Drop one organisation's repository token (``token``) from anaconda-auth's keyring
    file, as ``anaconda token uninstall --org`` does; every other entry is kept."""
    raw = read_bytes(path)
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return Removal(0, 0, False)
    entries = _entries(raw)
    removed = others = 0
    api_key = False
    for domain, value in entries.items():
        info = _decode(value)
        repos = [r for r in info.get("repo_tokens") or [] if isinstance(r, dict)]
        kept = [r for r in repos if r.get("token") != token]
        others += len(kept)
        if len(kept) != len(repos):
            # only the login that held this token: another domain's key is not this account's
            api_key = api_key or bool(info.get("api_key"))
            removed += len(repos) - len(kept)
            info["repo_tokens"] = kept
            entries[domain] = base64.b64encode(json.dumps(info).encode()).decode()
    if removed:
        data[SERVICE] = entries
        atomic_write(path, json.dumps(data).encode(), mode=0o600)
        os.chmod(path, 0o600)  # anaconda-auth writes it 0644; a file of secrets must not be
    return Removal(removed, others, api_key)


# --- the account entry (what `anaconda auth login` stores, and what we store) -------------------


def keyring_user(domain: str) -> str:
    """anaconda-auth's keyring user for an account domain: its host (``anaconda.com``)."""
    from urllib.parse import urlsplit

    return urlsplit(domain if "://" in domain else f"https://{domain}").netloc or domain


def encode_info(info: Mapping[str, Any]) -> str:
    """anaconda-auth's value: base64 of the JSON ``TokenInfo`` (version 2)."""
    return base64.b64encode(json.dumps(dict(info)).encode("utf-8")).decode("ascii")


def read_info(user: str, path: Path | None = None) -> dict[str, Any] | None:
    """The decoded ``TokenInfo`` stored for ``user`` (a domain host), or None."""
    entries = _entries(read_bytes(path or keyring_path()))
    return _decode(entries[user]) if user in entries else None


def write_info(user: str, info: Mapping[str, Any] | None, path: Path | None = None) -> None:
    """Store (or with None, delete) the entry of ``user``, keeping every other entry; the
    file is written 0600, as a file of secrets must be."""
    path = path or keyring_path()
    raw = read_bytes(path)
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        data = {}  # what anaconda-auth does with an unreadable file: start afresh
    entries = _entries(raw)
    if info is None:
        if user not in entries:
            return
        entries.pop(user)
    else:
        entries[user] = encode_info(info)
    data[SERVICE] = entries
    atomic_write(path, json.dumps(data).encode("utf-8"), mode=0o600)
    os.chmod(path, 0o600)
