"""Shared by the hub tests: file snapshots, reading as another user, a kernel through the hub."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .conftest import HubSetup
from .harness import Hub
from .localusers import HubUser, iter_files

# What a sign-in may change in the signed-in user's own home (relative paths).
OWN_FILES = (".condarc", ".config/binstar/", ".config/jupyter_repoconnect/")
SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")  # shared folders every user may write to

Snapshot = dict[str, tuple[str, int, int, int]]


def snapshot(
    roots: Iterable[Path], skip: Iterable[Path] = (), light: Iterable[Path] = ()
) -> Snapshot:
    """Every file under `roots`: sha256, mode, owner, group. Folders: mode and owner.

    Nothing under `skip`; under `light` (big trees) size and mtime instead of a checksum.
    """
    skipped = {str(s) for s in skip}
    lights = tuple(str(s) + os.sep for s in light)
    files: Snapshot = {}
    for root in roots:
        if not root.exists():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) not in skipped]
            for name in ["", *dirnames, *filenames]:
                path = os.path.join(dirpath, name) if name else dirpath
                info = os.lstat(path)
                if stat.S_ISDIR(info.st_mode):
                    digest = "<dir>"
                elif not stat.S_ISREG(info.st_mode):
                    digest = f"<{stat.S_IFMT(info.st_mode):o}>"
                elif path.startswith(lights):
                    digest = f"<{info.st_size} {info.st_mtime_ns}>"
                else:
                    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
                files[path] = (digest, info.st_mode, info.st_uid, info.st_gid)
    return files


def changed(before: Snapshot, after: Snapshot) -> list[str]:
    """Paths added, removed or altered between two snapshots."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def data_changes(before: Snapshot, after: Snapshot) -> list[str]:
    """Like `changed`, without folders and lock files: what a refused request may leave."""
    return [
        p
        for p in changed(before, after)
        if not p.endswith(".lock")
        and "<dir>" not in (before.get(p, ("",))[0], after.get(p, ("",))[0])
    ]


def owned_outside(user: HubUser, skip: Path, roots: Iterable[str] = SCRATCH) -> set[str]:
    """Files and folders of `user` in the shared scratch folders, except under `skip`."""
    found: set[str] = set()
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            if dirpath == str(skip.parent):
                dirnames[:] = [d for d in dirnames if d != skip.name]
            for name in dirnames + filenames:
                path = os.path.join(dirpath, name)
                try:
                    if os.lstat(path).st_uid == user.uid:
                        found.add(path)
                except FileNotFoundError:
                    continue
    return found


def own_changes_only(user: HubUser, paths: list[str]) -> list[str]:
    """The changed paths that are not the user's `.condarc`, token store or state."""
    allowed = [str(user.home / p) for p in OWN_FILES]
    parents = {str(user.home / ".config"), str(user.home)}
    return [
        p
        for p in paths
        if p not in parents and not any(p == a.rstrip("/") or p.startswith(a) for a in allowed)
    ]


def readable_by(reader: HubUser, root: Path, env: dict[str, str]) -> dict[str, str]:
    """Every file under `root` that `reader` can open, with its text, read as `reader`."""
    code = (
        "import json, os, sys\n"
        "out = {}\n"
        "for d, _, fs in os.walk(sys.argv[1]):\n"
        "    for f in fs:\n"
        "        p = os.path.join(d, f)\n"
        "        try:\n"
        "            out[p] = open(p, 'rb').read().decode('utf-8', 'replace')\n"
        "        except OSError:\n"
        "            pass\n"
        "print(json.dumps(out))\n"
    )
    result = reader.run(["python3", "-c", code, str(root)], env=env)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def token_files(user: HubUser) -> list[Path]:
    return list(iter_files(user.home / ".config" / "binstar"))


def state_files(user: HubUser) -> list[Path]:
    return list(iter_files(user.home / ".config" / "jupyter_repoconnect"))


def sign_in(setup: HubSetup, user: HubUser) -> dict[str, Any]:
    status, body = setup.hub.user_api(
        user, "POST", "connect", {"service": "server", "username": user.name,
                                  "password": user.repo_password},
    )  # fmt: skip
    assert status == 200, (user.name, status, body)
    return dict(body)


class Kernel:
    """A kernel started by the user's server through the hub, driven over its websocket."""

    def __init__(self, hub: Hub, user: HubUser) -> None:
        import websocket

        status, body = hub.request("POST", f"user/{user.name}/api/kernels", user.token, {})
        assert status == 201, (status, body)
        self.hub, self.user, self.id = hub, user, body["id"]
        url = hub.url.replace("http://", "ws://") + f"user/{user.name}/api/kernels/{self.id}"
        self.ws = websocket.create_connection(
            url + "/channels", header=[f"Authorization: token {user.token}"], timeout=120
        )
        self.session = uuid.uuid4().hex

    def execute(self, code: str) -> tuple[str, list[str]]:
        """Run `code`; returns (text of every output, error lines) once the kernel is idle."""
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session,
                  "username": self.user.name, "version": "5.3", "date": ""}  # fmt: skip
        self.ws.send(json.dumps({
            "header": header, "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        }))  # fmt: skip
        text: list[str] = []
        errors: list[str] = []
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                text.append(content["text"])
            elif kind in ("display_data", "execute_result"):
                text.append(content["data"].get("text/plain", ""))
            elif kind == "error":
                errors.extend(content["traceback"])
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(text), errors

    def close(self) -> None:
        self.ws.close()
        self.hub.request("DELETE", f"user/{self.user.name}/api/kernels/{self.id}", self.user.token)
