"""Start-to-ready time of ``jupyter server`` with and without the jupyter_repoconnect extension.

Usage: ``python bench/server_start.py [-n RUNS]``. Each run starts a fresh server on a free port
with its own temporary HOME, config, data and runtime folders, and polls ``/api/status`` until
it answers 200. Runs alternate with/without so machine load affects both alike. Prints both
medians and their ratio. Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from jupyter_repoconnect.testing.processes import stop

EXTENSION = "jupyter_repoconnect"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0  # not listening yet


def start_once(enabled: bool, timeout: float) -> float:
    """Seconds from spawning ``jupyter server`` to its first 200 on /api/status."""
    port, token = free_port(), secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="repoconnect-bench-") as tmp:
        root = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER_")}
        env.update(
            HOME=str(root),
            JUPYTER_CONFIG_DIR=str(root / "config"),
            JUPYTER_DATA_DIR=str(root / "data"),
            JUPYTER_RUNTIME_DIR=str(root / "runtime"),
            CONDARC=str(root / ".condarc"),
        )
        command = [
            sys.executable, "-m", "jupyter_server",
            "--no-browser", "--allow-root", f"--port={port}", "--port-retries=0", "--ip=127.0.0.1",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            f"--ServerApp.jpserver_extensions={EXTENSION}={enabled}",
        ]  # fmt: skip
        base = f"http://127.0.0.1:{port}/"
        began = time.perf_counter()
        server = subprocess.Popen(
            command, env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            while get(base + "api/status", token) != 200:
                if server.poll() is not None:
                    raise RuntimeError(f"jupyter server exited with {server.returncode}")
                if time.perf_counter() - began > timeout:
                    raise TimeoutError(f"jupyter server not ready after {timeout} s")
                time.sleep(0.01)
            ready = time.perf_counter() - began
            # Sanity check: the routes exist exactly when the extension is enabled.
            routes = get(base + "repoconnect/preferences", token)
            if (routes != 404) != enabled:
                raise RuntimeError(f"GET repoconnect/preferences answered {routes}")
            return ready
        finally:
            stop(server, 10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=5, help="runs of each kind")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per start")
    args = parser.parse_args()

    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(args.runs):
        for enabled in (False, True):
            times[enabled].append(start_once(enabled, args.timeout))

    without, with_ = statistics.median(times[False]), statistics.median(times[True])
    print(f"jupyter server start-to-ready, {args.runs} runs each (alternating)")
    for label, enabled, median in (("without", False, without), ("with", True, with_)):
        runs = " ".join(f"{t:.3f}" for t in times[enabled])
        print(f"  {label:>7} {EXTENSION}: median {median:.3f} s   runs: {runs}")
    print(f"  ratio with/without: {with_ / without:.3f}")


if __name__ == "__main__":
    main()
