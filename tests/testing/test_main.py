"""`python -m jupyter_repoconnect.testing.sandbox`: the JSON line, then serve until signalled."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import httpx
import pytest

from jupyter_repoconnect.testing.sandbox import main


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "jupyter_repoconnect.testing.sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_prints_json_line_and_serves(signum: int) -> None:
    proc = _start("--port", "0", "--channels", "20", "--user", "alice:wonder:land", "--token", "T1")
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert set(info) == {"cloud", "server", "enterprise", "users", "cloud_tokens", "control"}
        assert info["users"] == {"alice": "wonder:land"}
        assert info["cloud_tokens"] == ["T1"]
        base = info["server"].removesuffix("/server")
        assert info["control"] == base + "/_sandbox"
        assert info["cloud"] == base + "/cloud/repo/"
        assert info["enterprise"] == base + "/enterprise/api"
        state = httpx.get(info["control"] + "/state").json()
        assert state["channels"] == 20
        url = f"{base}/t/T1/cloud/repo/main/noarch/repodata.json"
        assert httpx.head(url).status_code == 200
        proc.send_signal(signum)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.stderr is not None and "T1" not in proc.stderr.read()


def test_defaults_printed() -> None:
    proc = _start()
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert info["users"] == {"demo": "demo-password"}
        assert len(info["cloud_tokens"]) == 1
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_bad_arguments() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--user", "no-colon"])
    assert exc.value.code == 2


def test_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    from jupyter_repoconnect.testing.sandbox import Sandbox

    with Sandbox(channels=1) as sb:
        assert main(["--port", str(sb.port)]) == 1
    assert "Cannot start the sandbox" in capsys.readouterr().err
