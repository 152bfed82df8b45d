"""`python -m jupyter_repoconnect.testing.sandbox`: the JSON line, then serve until signalled."""

from __future__ import annotations

import json
import signal
import socket
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
        assert set(info) == {
            "cloud",
            "server",
            "enterprise",
            "account",
            "oidc",
            "users",
            "cloud_tokens",
            "control",
        }
        assert info["users"] == {"alice": "wonder:land"}
        assert info["cloud_tokens"] == ["T1"]
        # the keys stay; the values are the per-service URLs and the control endpoint
        control = info["control"].removesuffix("/_sandbox")
        assert info["control"] == control + "/_sandbox"
        assert info["cloud"].endswith("/repo/") and info["enterprise"].endswith("/api")
        roots = {
            "cloud": info["cloud"].removesuffix("/repo/"),
            "server": info["server"],
            "enterprise": info["enterprise"].removesuffix("/api"),
        }
        assert len({control, *roots.values()}) == 4
        assert all(root.startswith("http://127.0.0.1:") for root in (control, *roots.values()))
        state = httpx.get(info["control"] + "/state").json()
        assert state["channels"] == 20
        hosts = ("cloud", "server", "enterprise", "account", "oidc")
        assert state["urls"] == {k: info[k] for k in hosts}
        cloud_repodata = f"{roots['cloud']}/t/T1/repo/main/noarch/repodata.json"
        assert httpx.head(cloud_repodata).status_code == 200
        assert httpx.get(roots["server"] + "/api/system").status_code == 200
        assert httpx.head(info["enterprise"]).status_code == 200
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


def _free_block(size: int) -> int:
    """A port P with P .. P+size-1 free right now (another process may still take one)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + size > 65535:
            continue
        socks = []
        try:
            for port in range(first, first + size):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    pytest.skip("no block of free loopback ports found")


def test_fixed_port_takes_the_next_three() -> None:
    from jupyter_repoconnect.testing.sandbox import Sandbox

    port = _free_block(4)
    with Sandbox(port=port, channels=1) as sb:
        assert sb.port == port
        ports = [int(sb.root(s).rsplit(":", 1)[1]) for s in ("cloud", "server", "enterprise")]
        assert sorted(ports) == [port + 1, port + 2, port + 3]
        assert httpx.get(sb.urls["server"] + "/api/system").status_code == 200
