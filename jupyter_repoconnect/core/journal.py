"""Crash-safe sign-in and sign-out: a durable journal written before anything changes.

The journal holds the bytes (and mode) of every file the operation may touch — the
``.condarc`` as it was before the sign-in among them — and, for a sign-in, what it created on
the service (the Server token's id and the login session to revoke it with). It is written
atomically and fsynced before the first change and deleted after the last one. Every later
operation, on any surface, first rolls an interrupted one back (``recover``): whatever moment
a process was killed at, the original is never lost and no token is left that nothing records.
"""

from __future__ import annotations

import base64
import json
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import FileProblem
from .files import atomic_write, read_bytes, restore_bytes, unlink

NAME = "transaction.json"
VERSION = 1


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None


@dataclass
class Journal:
    """One interrupted-or-running operation's way back."""

    path: Path
    kind: str
    files: dict[str, tuple[bytes | None, int | None]]
    remote: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def begin(cls, directory: Path, kind: str, paths: Iterable[Path], **remote: Any) -> Journal:
        """Snapshot ``paths`` and make the journal durable; nothing has changed yet."""
        files: dict[str, tuple[bytes | None, int | None]] = {}
        for path in dict.fromkeys(Path(p) for p in paths):
            try:
                files[str(path)] = (read_bytes(path), _mode(path))
            except FileProblem:
                continue  # a folder or FIFO in a file's place: the operation will not touch it
        journal = cls(Path(directory) / NAME, kind, files, dict(remote))
        journal._write()
        return journal

    def note(self, **remote: Any) -> None:
        """Record what the operation just created on the service, before using it."""
        self.remote.update(remote)
        self._write()

    def finish(self) -> None:
        """The operation is complete: forget the way back."""
        unlink(self.path)

    def rollback(self, undo_remote: Callable[[dict[str, Any]], list[str]]) -> list[str]:
        """Put every file back, undo what was created on the service, forget the journal.

        Returns what could not be undone, as messages for the user."""
        for name, (content, mode) in self.files.items():
            path = Path(name)
            if content is None:
                restore_bytes(path, None)
            else:
                atomic_write(path, content, mode=mode)
        notes = undo_remote(self.remote) if self.remote else []
        self.finish()
        return notes

    def _write(self) -> None:
        data = {
            "version": VERSION,
            "kind": self.kind,
            "pid": os.getpid(),
            "files": {
                name: {
                    "data": None if content is None else base64.b64encode(content).decode(),
                    "mode": mode,
                }
                for name, (content, mode) in self.files.items()
            },
            "remote": self.remote,
        }
        atomic_write(self.path, json.dumps(data).encode(), mode=0o600)  # holds secrets

    @classmethod
    def load(cls, directory: Path) -> Journal | None:
        """The journal an interrupted operation left, or None.

        A journal that cannot be read was never complete (it is written atomically), so the
        operation it began had not changed anything yet."""
        path = Path(directory) / NAME
        raw = read_bytes(path)
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            files = {
                name: (
                    None if entry["data"] is None else base64.b64decode(entry["data"]),
                    entry.get("mode"),
                )
                for name, entry in data["files"].items()
            }
            return cls(path, str(data["kind"]), files, dict(data.get("remote") or {}))
        except (ValueError, KeyError, TypeError, AttributeError):
            unlink(path)
            return None
