"""conda's and anaconda-client's shared token store: one file per URL, content the bare token."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus, unquote_plus

from .cache import FILES
from .errors import FileProblem
from .files import atomic_write, ensure_dir, read_bytes, unlink


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
        self.problems: list[str] = []  # token paths sign-out had to skip

    def _file(self, directory: Path, url: str) -> Path:
        return directory / f"{quote_plus(url)}.token"

    def get(self, url: str) -> str | None:
        for directory in (self.directory, self.legacy):
            path = self._file(directory, url)
            try:  # read again only when the file changed (cache.py): status calls this often
                token = FILES.get(
                    path, lambda raw: raw.decode("utf-8", "replace").strip() if raw else ""
                )
            except FileProblem:
                continue  # a folder, a FIFO or an unreadable file holds no usable token
            if token:
                return token
        return None

    def set(self, url: str, token: str) -> None:
        """Store ``token`` for ``url`` (mode 0600), replacing any older one in either location."""
        ensure_dir(self.directory)
        unlink(self._file(self.legacy, url))
        atomic_write(self._file(self.directory, url), token.encode(), mode=0o600)

    def remove(self, url: str) -> bool:
        """Delete ``url``'s token files; one that is not a file is reported in ``problems``."""
        removed = False
        for directory in (self.directory, self.legacy):
            path = self._file(directory, url)
            try:
                removed = unlink(path) or removed
            except FileProblem:
                # sign-out goes on: a folder or a pipe in a token's place holds no token
                self.problems.append(
                    f"{path} is not a token file (a folder or another special file), so it was "
                    "left alone; remove it by hand."
                )
        return removed

    def take_problems(self) -> list[str]:
        """What :meth:`remove` had to skip since the last call (and forget it)."""
        found, self.problems = self.problems, []
        return found

    def list(self) -> list[StoredToken]:
        found: dict[str, StoredToken] = {}
        for directory in (self.legacy, self.directory):
            if not directory.is_dir():
                continue
            for path in sorted(directory.glob("*.token")):
                if not path.is_file():
                    continue
                url = unquote_plus(path.name[: -len(".token")])
                found[url] = StoredToken(url, path)
        return list(found.values())

    def snapshot(self, url: str) -> dict[Path, bytes | None]:
        """The raw content of every file that may hold ``url``'s token, to undo a change."""
        snap: dict[Path, bytes | None] = {}
        for directory in (self.directory, self.legacy):
            path = self._file(directory, url)
            try:
                snap[path] = read_bytes(path)
            except FileProblem:
                continue  # not a file: nothing to put back, and never to be deleted
        return snap

    @staticmethod
    def restore(snap: dict[Path, bytes | None]) -> None:
        for path, content in snap.items():
            if content is None:
                unlink(path)
            else:
                atomic_write(path, content, mode=0o600)
