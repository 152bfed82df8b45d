"""Parsed files kept while they stay unchanged, so an unchanged home costs only ``stat`` calls.

A file is unchanged when its identity (device, inode, size, mtime, ctime) is the same as when it
was read. Two writes within one timestamp tick can keep that identity, so, as git does for its
index, an entry read less than ``RACY_NS`` after the file's last change is confirmed by comparing
bytes until the file is older than that.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .files import read_bytes

T = TypeVar("T")
RACY_NS = 2_000_000_000  # covers 1-2 s timestamp granularity (ext3, HFS+, FAT) and coarse clocks

Identity = tuple[int, int, int, int, int]


@dataclass(frozen=True)
class _Entry:
    identity: Identity | None  # None: the file did not exist
    raw: bytes | None
    value: Any
    checked_ns: int  # wall clock just before ``raw`` was read or confirmed

    def racy(self) -> bool:
        if self.identity is None:
            return False
        changed_ns = max(self.identity[3], self.identity[4])
        return changed_ns + RACY_NS >= self.checked_ns


def _identity(st: os.stat_result) -> Identity:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _read(path: str) -> bytes | None:
    return read_bytes(Path(path))  # a FileProblem for a folder, a FIFO, an unreadable file


class FileCache:
    """One parsed value per path, re-parsed only when the file changes. Thread-safe."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def read(
        self, path: Path | str, parse: Callable[[bytes | None], tuple[Any, Any]]
    ) -> tuple[Any, Any]:
        """``(value, extra)``: ``parse(raw)`` returns both; only ``value`` is kept.

        ``extra`` is ``None`` when the value came from the cache. Anything other than a
        regular file or a missing one is not cached: it is read (and refused) every time.
        """
        key = os.fspath(path)
        try:
            st = os.stat(key)
        except FileNotFoundError:
            identity = None
        except OSError:
            return parse(_read(key))
        else:
            if not stat.S_ISREG(st.st_mode):
                return parse(_read(key))
            identity = _identity(st)
        entry = self._entries.get(key)
        if entry is not None and entry.identity == identity:
            if not entry.racy():
                return entry.value, None
            now = time.time_ns()
            if _read(key) == entry.raw:
                self._store(key, _Entry(identity, entry.raw, entry.value, now))
                return entry.value, None
        now = time.time_ns()
        raw = None if identity is None else _read(key)
        value, extra = parse(raw)
        # The identity seen before reading: a change after it shows as a new identity, or as
        # a racy entry that is checked byte for byte.
        self._store(key, _Entry(identity, raw, value, now))
        return value, extra

    def get(self, path: Path | str, parse: Callable[[bytes | None], T]) -> T:
        """The parsed content of ``path`` (``parse(None)`` when it does not exist)."""
        value: T = self.read(path, lambda raw: (parse(raw), None))[0]
        return value

    def prime(self, path: Path | str, raw: bytes, value: Any, since_ns: int) -> None:
        """Remember ``value`` for ``raw``, written to ``path`` by a write begun at ``since_ns``."""
        key = os.fspath(path)
        try:
            st = os.stat(key)
        except OSError:
            return
        if stat.S_ISREG(st.st_mode) and st.st_size == len(raw):
            # Written by us at or after since_ns, so the entry is racy and confirmed by bytes.
            self._store(key, _Entry(_identity(st), raw, value, since_ns))

    def forget(self, path: Path | str) -> None:
        with self._lock:
            self._entries.pop(os.fspath(path), None)

    def _store(self, key: str, entry: _Entry) -> None:
        with self._lock:
            self._entries[key] = entry


FILES = FileCache()
