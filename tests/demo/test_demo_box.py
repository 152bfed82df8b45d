"""The demo stays in its box (issue 21 points 1 and 2): nothing under the real HOME changes, a
second shell joins it by the printed line, and its Lab terminals find ``jupyter``.

Slow (a real JupyterLab, a kernel and a terminal): one demo session for all of it.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

from tornado.websocket import websocket_connect

from jupyter_repoconnect.demo import DEMO_CLOUD_TOKEN
from jupyter_repoconnect.testing.processes import stop


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


async def _terminal_says(base: str, token: str, name: str, command: str, marker: str) -> str:
    ws_url = base.replace("http", "ws", 1) + f"/terminals/websocket/{name}?token={token}"
    conn = await websocket_connect(ws_url)
    out = ""
    try:
        conn.write_message(json.dumps(["stdin", command + "\r"]))
        while marker not in out:
            msg = await asyncio.wait_for(conn.read_message(), timeout=60)
            assert msg is not None, out
            kind, *rest = json.loads(msg)
            if kind == "stdout":
                out += rest[0]
    finally:
        conn.close()
    return out


def test_demo_session_leaves_the_real_home_as_it_was(cli, cli_env, home: Path, tmp_path: Path):
    (home / ".condarc").write_text("channels: [conda-forge]\n")
    (home / ".bashrc").write_text("# the user's own\n")
    before = _files(home)
    box = tmp_path / "box"
    proc = subprocess.Popen(
        [*cli.command, "demo", "--no-browser", "--home", str(box)],
        env=cli_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("JupyterLab: "):
                break
        assert lines and lines[-1].startswith("JupyterLab: "), "".join(lines)
        base, rest = lines[-1].split(" ", 1)[1].strip().split("/lab", 1)
        token = rest.split("?token=", 1)[1]
        join = next(ln.strip() for ln in lines if ln.strip().startswith('eval "$('))

        def call(path: str, method: str = "GET", body: bytes | None = None) -> object:
            req = urllib.request.Request(f"{base}/{path}?token={token}", data=body, method=method)
            with urllib.request.urlopen(req, timeout=60) as resp:
                data = resp.read()
            return json.loads(data) if data else None

        # A second shell joins by the printed line; what it does, the panel sees.
        shell_env = {k: v for k, v in cli_env.items() if k not in ("CONDARC",)}
        shell_env["PATH"] = "/usr/bin:/bin"  # an ordinary new shell: no venv activated
        script = f'{join}\njupyter repoconnect login cloud --token-stdin <<< "$T"\n'
        joined = subprocess.run(
            ["bash", "-c", script], env={**shell_env, "T": DEMO_CLOUD_TOKEN},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert joined.returncode == 0, joined.stderr
        status = call("repoconnect/status")
        assert isinstance(status, dict) and status["connected"] is True, status
        assert status["condarc_path"] == str(box / ".condarc")

        # The Cloud account sign-in of that shell (anaconda-auth's keyring file), approved on
        # the sandbox's device page as a person would.
        login = subprocess.Popen(
            ["bash", "-c", f"{join}\nexec jupyter repoconnect account login"], env=shell_env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert login.stdout is not None
            first = login.stdout.readline()
            assert first.startswith("Open "), first + login.stderr.read()
            link = first.split()[1]
            code = link.split("user_code=")[1]
            form = urllib.parse.urlencode({"user_code": code, "action": "approve"}).encode()
            urllib.request.urlopen(link.split("?")[0], data=form, timeout=30).close()
            out, err = login.communicate(timeout=60)
        finally:
            stop(login, 10)
        assert login.returncode == 0, err
        assert (box / ".anaconda" / "keyring").is_file()

        # A kernel starts and stops (its runtime files).
        kernel = call("api/kernels", "POST", b"{}")
        assert isinstance(kernel, dict)
        call(f"api/kernels/{kernel['id']}", "DELETE")

        # A Lab terminal finds `jupyter` and acts in the box.
        term = call("api/terminals", "POST", b"{}")
        assert isinstance(term, dict)
        out = asyncio.run(
            _terminal_says(
                base, token, term["name"],
                "command -v jupyter && jupyter repoconnect status; echo DONE-$((40+2))", "DONE-42",
            )
        )  # fmt: skip
        assert "command not found" not in out, out
        assert "Connected" in out or "connected" in out, out
        call(f"api/terminals/{term['name']}", "DELETE")

        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    finally:
        stop(proc, 30)
    assert proc.returncode == 0
    after = _files(home)
    assert sorted(after) == sorted(before), sorted(set(after) ^ set(before))
    assert after == before
    assert not (box / "demo-env.json").exists()  # no shell joins a stopped demo
