"""Atomic file replacement and the inter-process lock every read-modify-write holds."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data``: temp file in the same folder, fsync, rename.

    The file's mode is kept when it exists, else ``mode`` (default 0644 filtered by umask).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        keep = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        keep = None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        target_mode = mode if mode is not None else keep
        if target_mode is None:
            umask = os.umask(0)
            os.umask(umask)
            target_mode = 0o666 & ~umask
        os.chmod(tmp, target_mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def read_bytes(path: Path) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return None


def restore_bytes(path: Path, data: bytes | None) -> None:
    """Put ``path`` back to ``data`` (``None``: the file did not exist)."""
    if data is None:
        with contextlib.suppress(FileNotFoundError):
            Path(path).unlink()
    else:
        atomic_write(path, data)


_LOCKS: dict[str, Any] = {}


@contextlib.contextmanager
def locked(lock_path: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold the inter-process lock at ``lock_path`` (re-entrant within a thread)."""
    from filelock import FileLock, Timeout

    from .errors import Conflict

    lock_path.parent.mkdir(parents=True, exist_ok=True)
    key = str(lock_path)
    lock = _LOCKS.get(key)
    if lock is None:
        lock = _LOCKS.setdefault(key, FileLock(key, thread_local=True))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise Conflict(
            "Another jupyter_repoconnect operation is still running; try again in a moment.",
            code="busy",
        ) from None
    try:
        yield
    finally:
        lock.release()
