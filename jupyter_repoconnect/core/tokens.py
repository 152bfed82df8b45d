"""conda's and anaconda-client's shared token store: one file per URL, content the bare token."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus, unquote_plus

from .files import atomic_write


def primary_token_dir() -> Path:
    """The folder conda reads (and anaconda-client writes through conda when present)."""
    env = os.environ.get("BINSTAR_CONFIG_DIR")
    if env:
        return Path(env) / "data"
    import platformdirs

    return Path(platformdirs.user_config_dir("binstar", "ContinuumIO"))


def legacy_token_dir() -> Path:
    """anaconda-client's own second location (next to its user config file)."""
    env = os.environ.get("BINSTAR_CONFIG_DIR")
    if env:
        return Path(env) / "data" / "tokens"
    return Path("~/.continuum/anaconda-client/tokens").expanduser()


def anaconda_client_config_path() -> Path:
    env = os.environ.get("BINSTAR_CONFIG_DIR")
    if env:
        return Path(env) / "data" / "config.yaml"
    return Path("~/.continuum/anaconda-client/config.yaml").expanduser()


@dataclass(frozen=True)
class StoredToken:
    url: str
    path: Path


class TokenStore:
    """Read and write tokens where conda and the ``anaconda`` CLI find them."""

    def __init__(self, directory: Path | None = None, legacy: Path | None = None) -> None:
        self.directory = directory or primary_token_dir()
        self.legacy = legacy or legacy_token_dir()

    def _file(self, directory: Path, url: str) -> Path:
        return directory / f"{quote_plus(url)}.token"

    def get(self, url: str) -> str | None:
        for directory in (self.directory, self.legacy):
            path = self._file(directory, url)
            try:
                token = path.read_text().strip()
            except (FileNotFoundError, NotADirectoryError):
                continue
            if token:
                return token
        return None

    def set(self, url: str, token: str) -> None:
        """Store ``token`` for ``url`` (mode 0600), replacing any older one in either location."""
        self.directory.mkdir(parents=True, exist_ok=True)
        legacy = self._file(self.legacy, url)
        if legacy.exists():
            legacy.unlink()
        atomic_write(self._file(self.directory, url), token.encode(), mode=0o600)

    def remove(self, url: str) -> bool:
        removed = False
        for directory in (self.directory, self.legacy):
            path = self._file(directory, url)
            if path.exists():
                path.unlink()
                removed = True
        return removed

    def list(self) -> list[StoredToken]:
        found: dict[str, StoredToken] = {}
        for directory in (self.legacy, self.directory):
            if not directory.is_dir():
                continue
            for path in sorted(directory.glob("*.token")):
                url = unquote_plus(path.name[: -len(".token")])
                found[url] = StoredToken(url, path)
        return list(found.values())

    def snapshot(self, url: str) -> dict[Path, bytes | None]:
        """The raw content of every file that may hold ``url``'s token, to undo a change."""
        snap: dict[Path, bytes | None] = {}
        for directory in (self.directory, self.legacy):
            path = self._file(directory, url)
            snap[path] = path.read_bytes() if path.exists() else None
        return snap

    @staticmethod
    def restore(snap: dict[Path, bytes | None]) -> None:
        for path, content in snap.items():
            if content is None:
                if path.exists():
                    path.unlink()
            else:
                atomic_write(path, content, mode=0o600)
