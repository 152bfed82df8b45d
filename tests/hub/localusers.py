"""Real local accounts for the hub tests, and a Python those accounts may run.

accounts = SystemUsers(base / "home", ["a", "b"])  # accounts rca<hex>, rcb<hex> (root only)
users = accounts.create()
python = shared_python(base, users[0])  # this interpreter, or a copy they can enter
...
accounts.remove()
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class HubUnavailable(RuntimeError):
    """A prerequisite of the hub tests is missing; the message says what to install or do."""


ACCOUNT_MARK = "jupyter_repoconnect hub test user"  # the GECOS field of the accounts we create


@dataclass
class HubUser:
    """A real local account; the hub user of the same name; its repository credentials."""

    name: str
    uid: int
    gid: int
    home: Path
    repo_password: str = field(default_factory=lambda: secrets.token_hex(8))
    token: str = ""  # the hub API token of this user (access to its own server only)

    def run(
        self, args: Sequence[str], env: Mapping[str, str], **kwargs: Any
    ) -> subprocess.CompletedProcess[str]:
        """Run a command as this user, in their HOME, with exactly `env` (plus HOME, USER)."""
        full_env = {**env, "HOME": str(self.home), "USER": self.name, "LOGNAME": self.name}
        return subprocess.run(
            list(args),
            env=full_env,
            cwd=self.home,
            user=self.uid,
            group=self.gid,
            extra_groups=[],
            capture_output=True,
            text=True,
            timeout=kwargs.pop("timeout", 120),
            **kwargs,
        )


class SystemUsers:
    """Create local accounts named `<label><suffix>` with homes under `base`; remove them again.

    Homes are mode 0755, as many distributions make them: what keeps one user's secrets from
    another must then be the modes of the files themselves.
    """

    def __init__(self, base: Path, labels: Sequence[str]) -> None:
        suffix = secrets.token_hex(2)
        self.base = base
        self.names = [f"rc{label}{suffix}" for label in labels]
        self.users: list[HubUser] = []

    def create(self) -> list[HubUser]:
        sweep_stale_accounts()
        self.base.mkdir(parents=True, exist_ok=True)
        os.chmod(self.base, 0o755)
        try:
            for name in self.names:
                home = self.base / name
                subprocess.run(
                    ["useradd", "--no-create-home", "--home-dir", str(home), "--shell",
                     "/bin/sh", "--user-group", "--comment", ACCOUNT_MARK, name],
                    check=True, capture_output=True, text=True,
                )  # fmt: skip
                entry = pwd.getpwnam(name)
                home.mkdir(mode=0o755)
                os.chown(home, entry.pw_uid, entry.pw_gid)
                self.users.append(HubUser(name, entry.pw_uid, entry.pw_gid, home))
        except BaseException:
            self.remove()
            raise
        return self.users

    def remove(self) -> None:
        """Stop what still runs as these users (by pid), then delete the accounts."""
        for user in self.users:
            kill_processes_of(user.uid)
        for name in self.names:
            subprocess.run(["userdel", name], capture_output=True)
        self.users = []


def sweep_stale_accounts() -> None:
    """Delete test accounts a killed run left behind: marked as ours, their home gone."""
    for entry in pwd.getpwall():
        if entry.pw_gecos == ACCOUNT_MARK and not Path(entry.pw_dir).exists():
            kill_processes_of(entry.pw_uid)
            subprocess.run(["userdel", entry.pw_name], capture_output=True)


def processes_of(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                continue
    return pids


def kill_processes_of(uid: int, timeout: float = 10.0) -> None:
    """SIGTERM every process of `uid` (a test account), then SIGKILL those left."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = processes_of(uid)
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + timeout
        while pids and processes_of(uid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not processes_of(uid):
            return


def rss_kib(pids: Sequence[int]) -> int:
    """Resident memory of these processes together (KiB, from /proc)."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total += int(match.group(1)) if match else 0
    return total


# -- an interpreter every test user may run ---------------------------------------------------


@dataclass
class SharedPython:
    """This interpreter's install, runnable by the test users (maybe a hard-linked copy)."""

    prefix: Path
    env: dict[str, str]  # what the users' processes need (PATH, LD_LIBRARY_PATH)

    @property
    def python(self) -> str:
        return str(self.prefix / "bin" / Path(sys.executable).name)


def shared_python(base: Path, probe: HubUser) -> SharedPython:
    """`sys.prefix` if `probe` can import the packages from it, else a copy under `base`.

    A copy is needed when the install sits in a folder other users cannot enter (a pyenv or a
    venv under /root): hard links make it take seconds and no space; scripts get new
    shebangs, and LD_LIBRARY_PATH lets the interpreter find its libpython despite a RUNPATH
    into the original folder. A venv whose base install is unreadable gets both copied.
    """
    prefix, base_prefix = Path(sys.prefix), Path(sys.base_prefix)
    here = SharedPython(prefix, _path_env(prefix))
    if _can_run(probe, here):
        return here
    copy = base / "python"
    libs = copy / "lib"
    if not copy.exists():
        _link_tree(prefix, copy)
        _rewrite_shebangs(copy / "bin", str(prefix), str(copy))
    if prefix != base_prefix:  # a venv: its base must be readable too
        base_copy = base / "python-base"
        if not base_copy.exists() and not _can_run_base(probe, base_prefix):
            _link_tree(base_prefix, base_copy)
            _repoint_venv(copy, str(base_prefix), str(base_copy))
        libs = base_copy / "lib" if base_copy.exists() else base_prefix / "lib"
    shared = SharedPython(copy, _path_env(copy))
    shared.env["LD_LIBRARY_PATH"] = str(libs)
    if not _can_run(probe, shared):
        raise HubUnavailable(f"the test users cannot run the copy of Python at {copy}")
    return shared


def _path_env(prefix: Path) -> dict[str, str]:
    return {"PATH": f"{prefix / 'bin'}:/usr/local/bin:/usr/bin:/bin"}


def _can_run(user: HubUser, python: SharedPython) -> bool:
    code = "import jupyter_repoconnect, jupyterhub, jupyterlab, ipykernel"
    try:
        result = user.run([python.python, "-c", code], env=python.env, timeout=60)
    except OSError:
        return False
    return result.returncode == 0


def _can_run_base(user: HubUser, base_prefix: Path) -> bool:
    base_python = base_prefix / "bin" / Path(sys.executable).name
    try:
        return user.run([str(base_python), "-c", "pass"], env={}, timeout=60).returncode == 0
    except OSError:
        return False


def _repoint_venv(venv: Path, old: str, new: str) -> None:
    """Make a copied venv use a copied base install: pyvenv.cfg and the bin/ symlinks."""
    cfg = venv / "pyvenv.cfg"
    text = cfg.read_text()
    cfg.unlink()  # a hard link: write a new file
    cfg.write_text(text.replace(old, new))
    for path in (venv / "bin").iterdir():
        if path.is_symlink() and os.readlink(path).startswith(old):
            target = os.readlink(path).replace(old, new, 1)
            path.unlink()
            path.symlink_to(target)


def _link_tree(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    done = subprocess.run(["cp", "-al", str(source), str(partial)], capture_output=True)
    if done.returncode != 0:  # another file system: a real copy
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run(["cp", "-a", str(source), str(partial)], check=True)
    partial.rename(target)


def _rewrite_shebangs(bin_dir: Path, old: str, new: str) -> None:
    """Point console scripts at the copy; new files, so the hard-linked originals stay."""
    for path in bin_dir.iterdir():
        if path.is_symlink() or not path.is_file():
            continue
        with path.open("rb") as f:
            head = f.read(2)
        if head != b"#!":
            continue
        data = path.read_bytes()
        first, _, rest = data.partition(b"\n")
        if old.encode() not in first:
            continue
        mode = path.stat().st_mode
        path.unlink()
        path.write_bytes(first.replace(old.encode(), new.encode()) + b"\n" + rest)
        path.chmod(mode)


def iter_files(root: Path) -> Iterator[Path]:
    """Every regular file under `root` (not following symlinks), sorted."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path
