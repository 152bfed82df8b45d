"""Atomic file replacement, safe reads and the inter-process lock every read-modify-write holds.

Every failure of the file system becomes a :class:`~.errors.FileProblem` naming the file.
A path that is a folder, a FIFO or a device is refused without opening it for long (a FIFO
would block a plain ``open`` forever). Temp files carry the writer's process id, so a later
run can find and delete the ones a killed process left behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import FileProblem

MAX_FILE_SIZE = 16 * 1024 * 1024  # .condarc, tokens and the state file are a few kB
TEMP_SUFFIX = ".rctmp"
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[^.]+\.rctmp$")
# mkstemp names of earlier versions: ".<name>.<8 random>.tmp" next to the file <name>
_LEGACY_TEMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")
_LEGACY_AGE = 600.0  # seconds after which an old-style temp file cannot belong to a live write


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def problem(path: Path, exc: OSError, doing: str = "use") -> FileProblem:
    """A clear error for an ``OSError`` met while working on ``path``."""
    reason = {
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EISDIR: "it is a folder",
        errno.ENOTDIR: "a part of its path is a file, not a folder",
        errno.ELOOP: "it is a symbolic link loop",
        errno.ENAMETOOLONG: "the path is too long",
    }.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return FileProblem(
        f"Could not {doing} {path}: {reason}. Fix or move that file (or its folder) and try "
        "again; nothing else was changed.",
    )


def write_target(path: Path) -> Path:
    """The file a write to ``path`` must replace: a symbolic link's target, not the link."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_regular(path: Path) -> bool:
    """True if ``path`` is a regular file, False if absent; FileProblem for anything else."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise problem(path, exc, "read") from None
    if not stat.S_ISREG(st.st_mode):
        raise FileProblem(
            f"{path} is {_kind(st.st_mode)}, not a file. Move it away (or replace it with a "
            "file) and try again; nothing was changed."
        )
    return True


def ensure_dir(directory: Path) -> None:
    """Create ``directory`` (and parents) or say clearly why it cannot be."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise FileProblem(
            f"{directory} should be a folder but is a file. Move it away and try again; "
            "nothing was changed."
        ) from None
    except OSError as exc:
        raise problem(directory, exc, "create the folder") from None


def _owner_for(path: Path, existing: os.stat_result | None) -> tuple[int, int] | None:
    """(uid, gid) the rewritten file must have, when that differs from what we would make."""
    if not hasattr(os, "geteuid"):
        return None
    try:
        source = existing or (path.parent.stat() if os.geteuid() == 0 else None)
    except OSError:
        return None
    if source is None or (source.st_uid, source.st_gid) == (os.geteuid(), os.getegid()):
        return None
    return source.st_uid, source.st_gid


def atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data``: temp file in the same folder, fsync, rename.

    A symbolic link is kept: its target is replaced, atomically, in the target's folder.
    The file's mode is kept when it exists, else ``mode`` (default 0644 filtered by umask).
    Its owner and group are kept too; a new file run as root belongs to its folder's owner
    (an administrator's run in a user's home must not leave files the user cannot read).
    """
    path = write_target(Path(path))
    ensure_dir(path.parent)
    existing = path.stat() if check_regular(path) else None
    keep = stat.S_IMODE(existing.st_mode) if existing else None
    owner = _owner_for(path, existing)
    sweep_temps(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}-", suffix=TEMP_SUFFIX, dir=path.parent
        )
    except OSError as exc:
        raise problem(path, exc, "write") from None
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
        if owner is not None:
            # not root: the file becomes ours, as it always did
            with contextlib.suppress(PermissionError):
                os.chown(tmp, *owner)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise problem(path, exc, "write") from None
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def sweep_temps(directory: Path) -> list[Path]:
    """Delete temp files of :func:`atomic_write` whose writer is gone; returns them."""
    removed: list[Path] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        match = _TEMP.match(name)
        path = Path(directory) / name
        if match:
            if _alive(int(match.group("pid"))):
                continue
        elif (legacy := _LEGACY_TEMP.match(name)) and (path.parent / legacy["name"]).exists():
            try:
                if now - path.lstat().st_mtime < _LEGACY_AGE:
                    continue
            except OSError:
                continue
        else:
            continue
        with contextlib.suppress(OSError):
            if path.is_file() and not path.is_symlink():
                path.unlink()
                removed.append(path)
    return removed


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (this one included)."""
    return _alive(pid)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def read_bytes(path: Path, *, max_size: int = MAX_FILE_SIZE) -> bytes | None:
    """The content of ``path``, ``None`` if it does not exist; FileProblem if it is unusable.

    Opened non-blocking and checked with ``fstat`` before reading, so a FIFO never hangs.
    """
    path = Path(path)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise problem(path, exc, "read") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileProblem(
                f"{path} is {_kind(st.st_mode)}, not a file. Move it away (or replace it with a "
                "file) and try again; nothing was changed."
            )
        if st.st_size > max_size:
            raise FileProblem(
                f"{path} is too large ({st.st_size} bytes; at most {max_size}). Check that it is "
                "the right file."
            )
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 16):
            size += len(chunk)
            if size > max_size:
                raise FileProblem(f"{path} is too large (over {max_size} bytes).")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise problem(path, exc, "read") from None
    finally:
        os.close(fd)


def unlink(path: Path) -> bool:
    """Delete the file ``path``; False if it did not exist. FileProblem for a folder and others."""
    path = Path(path)
    try:
        if path.is_symlink():
            path.unlink()
            return True
        if not check_regular(path):
            return False
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise problem(path, exc, "delete") from None
    return True


def restore_bytes(path: Path, data: bytes | None) -> None:
    """Put ``path`` back to ``data`` (``None``: the file did not exist)."""
    if data is None:
        unlink(Path(path))  # a symbolic link made since goes, never the file it points to
    else:
        atomic_write(path, data)


_LOCKS: dict[str, Any] = {}


@contextlib.contextmanager
def locked(lock_path: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold the inter-process lock at ``lock_path`` (re-entrant within a thread)."""
    from filelock import FileLock, Timeout

    from .errors import Conflict

    ensure_dir(lock_path.parent)
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
    except OSError as exc:
        raise problem(lock_path, exc, "lock") from None
    try:
        yield
    finally:
        lock.release()
