"""The README's first command on a bare machine: the wheel in a fresh venv, then the demo.

Builds the wheel (the labextension already built in the tree is reused), creates a venv
without system site-packages, checks the one-line message when JupyterLab is missing, installs
the ``demo`` extra, runs ``jupyter repoconnect demo`` and waits until JupyterLab serves the
Repositories panel and the sandbox's 2,000 channels through the REST API.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from jupyter_repoconnect.testing.processes import stop

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
BUILT = REPO / "jupyter_repoconnect" / "labextension" / "static" / "style.js"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(cmd: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _get(url: str, token: str, data: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(
        url,
        data=None if data is None else json.dumps(data).encode(),
        method="GET" if data is None else "POST",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_readme_demo_command_in_a_bare_venv(tmp_path: Path) -> None:
    if not BUILT.exists() and not os.environ.get("CI"):
        pytest.skip("the labextension is not built in the tree (pip install . builds it)")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(
        HOME=str(home),
        CONDARC=str(home / ".condarc"),
        BINSTAR_CONFIG_DIR=str(home / "binstar"),
        JUPYTER_REPOCONNECT_STATE_DIR=str(home / "state"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    started = time.monotonic()

    wheels = tmp_path / "wheels"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        env,
        600,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = wheels.glob("jupyter_repoconnect-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    pip = [str(bindir / "python"), "-m", "pip", "install", "-q"]
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"

    # Without JupyterLab: one clear line that names the fix.
    installed = _run([*pip, str(wheel)], env, 600)
    assert installed.returncode == 0, installed.stderr[-3000:]
    bare = _run([str(bindir / "jupyter-repoconnect"), "demo", "--no-browser"], env, 120)
    assert bare.returncode == 1
    lines = bare.stderr.strip().splitlines()
    assert len(lines) == 1, bare.stderr
    assert "JupyterLab is not installed" in lines[0]
    assert 'pip install "jupyter_repoconnect[demo]"' in lines[0]

    # The README's command: the demo extra, then the demo itself.
    installed = _run([*pip, f"{wheel}[demo]"], env, 900)
    assert installed.returncode == 0, installed.stderr[-3000:]
    installed_at = time.monotonic()

    port = _free_port()
    demo = subprocess.Popen(
        [str(bindir / "jupyter"), "repoconnect", "demo", "--no-browser", f"--port={port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    try:
        url = None
        assert demo.stdout is not None
        for line in demo.stdout:
            output.append(line)
            match = re.match(r"JupyterLab: (http://\S+)", line)
            if match:
                url = match.group(1)
                break
        assert url, "".join(output)
        token = url.split("token=", 1)[1]
        root = url.split("lab?", 1)[0]

        # JupyterLab answers with the panel: the extension is in the page it serves.
        status, page = _get(f"{root}lab", token)
        assert status == 200
        found = re.search(r'id="jupyter-config-data"[^>]*>\s*(\{.*?\})\s*</script>', page, re.S)
        assert found, page[:2000]
        config = json.loads(found.group(1))
        names = [ext["name"] for ext in config.get("federated_extensions", [])]
        assert "jupyter-repoconnect" in names, names

        # ...and its server extension works against the demo sandbox.
        status, body = _get(f"{root}repoconnect/status", token)
        assert status == 200 and json.loads(body)["connected"] is False
        status, body = _get(
            f"{root}repoconnect/connect",
            token,
            {"service": "server", "username": "demo", "password": "demo-password"},
        )
        assert status == 200, body
        assert json.loads(body)["connected"] is True
        status, body = _get(f"{root}repoconnect/channels?q=&offset=0&limit=10", token)
        assert json.loads(body)["total"] >= 1_500  # 2,000 and sub-channels, less private ones
        status, body = _get(f"{root}repoconnect/channels?q=team-geo&offset=0&limit=10", token)
        page_of = json.loads(body)
        assert 0 < page_of["total"] < 2_000 and len(page_of["items"]) == 10
        ready = time.monotonic()
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGINT)
        stop(demo, 30)
    print(
        f"\nbare venv: wheel + install {installed_at - started:.0f} s, "
        f"demo ready {ready - installed_at:.0f} s"
    )
