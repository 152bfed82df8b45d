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
from .files import MAX_FILE_SIZE, atomic_write, read_bytes, restore_bytes, unlink

NAME = "transaction.json"
VERSION = 1
# base64 copies of .condarc and its saved original (each at most MAX_FILE_SIZE) and a few
# small files: a journal this tool wrote is always smaller
MAX_SIZE = 3 * MAX_FILE_SIZE


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
    # set when the record could not be read: what went wrong, and where it was moved
    damaged: str | None = None

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

    def rollback(
        self,
        undo_remote: Callable[[dict[str, Any]], list[str]],
        may_write: Callable[[Path], bool] = lambda path: True,
    ) -> list[str]:
        """Put every file back, undo what was created on the service, forget the journal.

        ``may_write``: whether a path the record names is one this tool writes — a journal read
        back from disk is input like any other and never decides alone which file is written.
        Returns what could not be undone, as messages for the user."""
        notes: list[str] = []
        failed: dict[str, tuple[bytes | None, int | None]] = {}
        for name, (content, mode) in self.files.items():
            path = Path(name)
            if not may_write(path):
                notes.append(
                    f"The interrupted {self.kind}'s record named {name!r}, which is not a file "
                    "this tool writes with the current settings: it was left alone."
                )
                continue
            try:
                if _unchanged(path, content, mode):
                    continue  # nothing to write: a full disk must not stop the way back
                if content is None:
                    restore_bytes(path, None)
                else:
                    atomic_write(path, content, mode=mode)
            except FileProblem as exc:
                # the other files and the service are still put back; this one is said
                failed[name] = (content, mode)
                reason = exc.message.split(". ", 1)[0].rstrip(".")
                notes.append(
                    f"But not completely: {name} still holds the interrupted {self.kind}'s "
                    f"change ({reason}); the next operation puts it back once that is fixed."
                )
        notes += undo_remote(self.remote) if self.remote else []
        if not failed:
            self.finish()
            return notes
        # What remains is retried by the next operation (the service's part is done).
        original_files, original_remote = self.files, self.remote
        self.files, self.remote = failed, {}
        try:
            self._write()
        except FileProblem:
            self.files, self.remote = dict(original_files), original_remote
            notes.append(
                f"The record of what remains could not be updated either ({self.path}); the "
                "next operation tries again once the problem is fixed."
            )
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
        try:
            raw = read_bytes(path, max_size=MAX_SIZE)
        except FileProblem as exc:
            return cls._set_aside(path, exc.message)
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            files = {
                _text(name): (
                    None if entry["data"] is None else base64.b64decode(_text(entry["data"])),
                    _file_mode(entry.get("mode")),
                )
                for name, entry in data["files"].items()
            }
            remote = data.get("remote") or {}
            if not isinstance(remote, dict) or not isinstance(data["kind"], str):
                raise TypeError("remote must be an object, kind a string")
            return cls(path, data["kind"], files, remote)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            return cls._set_aside(path, f"{path} is not a record this tool wrote ({exc}).")

    @classmethod
    def _set_aside(cls, path: Path, why: str) -> Journal:
        """An unreadable record: moved aside (it may hold the only copy of an original, and
        secrets: it stays 0600) so that every later operation works again, and said."""
        aside = path.with_name(f"{NAME}.damaged")
        try:
            os.replace(path, aside)
        except OSError:
            aside = path
            unlink(path)
        return cls(aside, "operation", {}, damaged=why)


def _unchanged(path: Path, content: bytes | None, mode: int | None) -> bool:
    """Whether ``path`` already holds ``content`` (None: absent) with ``mode``."""
    try:
        if content is None and path.is_symlink():
            return False  # a link made since goes (restore_bytes), even a dangling one
        current = read_bytes(path)
    except (FileProblem, OSError):
        return False
    if current != content:
        return False
    return content is None or mode is None or _mode(path) == mode


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, found {type(value).__name__}")
    return value


def _file_mode(value: Any) -> int | None:
    """A recorded permission mode, without set-uid, set-gid or sticky bits whatever it says."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"unexpected file mode {value!r}")
    return value & 0o777
