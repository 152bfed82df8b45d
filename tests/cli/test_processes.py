"""Long-running commands and signals: Ctrl+C during a login, ``sandbox`` and ``demo``."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from jupyter_repoconnect.testing.processes import stop

from .cli_helpers import snapshot


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _ignore_sigint() -> None:
    """As ``&``, ``nohup`` and CI runners start a command: with SIGINT inherited as ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _keep_sigint() -> None:
    """A terminal's start: SIGINT at its default, whatever the test process inherited."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("start", [_keep_sigint, _ignore_sigint], ids=["terminal", "background"])
def test_ctrl_c_during_login_exits_130_and_changes_nothing(
    cli, cli_env, condarc: Path, repoconnect_env, sandbox, credentials, start
) -> None:
    user, password = credentials
    sandbox.inject("latency", service="server", value=10)
    before = snapshot(repoconnect_env)
    domain = sandbox.urls["server"].rstrip("/")
    proc = subprocess.Popen(
        [*cli.command, "login", "server", "--domain", domain, "--username", user,
         "--password-env", "P"],
        env={**cli_env, "P": password},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=start,
    )  # fmt: skip
    try:
        # the core takes its lock right before talking to the (slowed down) service
        state_dir = Path(repoconnect_env.state_dir)
        _wait_for(lambda: any(state_dir.rglob("*.lock")), 30, "the login to start")
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "Interrupted" in err
    assert password not in out + err
    assert snapshot(repoconnect_env) == before


def test_sandbox_prints_its_urls_and_stops_on_ctrl_c(cli, cli_env) -> None:
    proc = subprocess.Popen(
        [*cli.command, "sandbox", "--user", "ann:pw1", "--token", "tok-1", "--channels", "3"],
        env=cli_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ignore_sigint,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert set(info) >= {"cloud", "server", "enterprise", "users", "cloud_tokens"}
        assert info["users"] == {"ann": "pw1"}
        assert info["cloud_tokens"] == ["tok-1"]
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0


def test_demo_starts_jupyterlab_pointed_at_the_sandbox(cli, cli_env, tmp_path: Path) -> None:
    home = tmp_path / "demo"
    proc = subprocess.Popen(
        [*cli.command, "demo", "--no-browser", "--home", str(home)],
        env=cli_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ignore_sigint,  # the harder start: Ctrl+C must still stop the demo
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("JupyterLab: "):
                break
        printed = "".join(lines)
        assert lines and lines[-1].startswith("JupyterLab: "), printed + proc.stderr.read()
        url = lines[-1].split(" ", 1)[1].strip()
        base, rest = url.split("/lab", 1)
        token = rest.split("?token=", 1)[1]
        assert rest.startswith("?token=")
        assert list((home / "lab-workspaces").glob("default-*.jupyterlab-workspace"))
        assert (home / "notebooks" / "repoconnect-demo.ipynb").is_file()
        assert "demo / demo-password" in printed
        server_url = next(ln.split()[1] for ln in lines if ln.strip().startswith("server "))

        def get(path: str) -> dict:
            with urllib.request.urlopen(f"{base}/{path}?token={token}", timeout=20) as resp:
                return json.load(resp)

        prefs = get("repoconnect/preferences")
        assert prefs["server_domain"] == server_url.rstrip("/")
        status = get("repoconnect/status")
        assert status["connected"] is False
        assert status["condarc_path"] == str(home / ".condarc")  # never the user's own file
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    finally:
        stop(proc, 30)  # the demo stops its JupyterLab on SIGTERM; SIGKILL would orphan it
    assert proc.returncode == 0


def test_hidden_prompt_when_stdin_is_a_terminal(
    cli, cli_env, condarc: Path, repoconnect_env, sandbox
) -> None:
    token = sandbox.cloud_tokens[0]
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [*cli.command, "login", "cloud"],
        env=cli_env,
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # no controlling terminal: getpass uses stdin, our pty
    )
    try:
        assert proc.stderr is not None
        prompt = b""
        while not prompt.endswith(b"Token: "):  # typing earlier would be flushed by getpass
            chunk = os.read(proc.stderr.fileno(), 100)
            assert chunk, prompt
            prompt += chunk
        os.write(master, token.encode() + b"\n")
        out_b, err_b = proc.communicate(timeout=60)
        out, err = out_b.decode(), (prompt + err_b).decode()
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(slave)
        os.close(master)
    assert proc.returncode == 0, err
    assert "Signed in to" in out
    assert token not in out + err
    assert cli("status", "--json").json()["service"] == "cloud"
    assert cli("logout").rc == 0
