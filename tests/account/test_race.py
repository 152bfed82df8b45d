"""Issue 22 point 4: "Install token" over REST on one Jupyter server while a second Jupyter
server (same user, same home) makes a Server sign-in, for 20 rounds.

Both are real ``jupyter server`` processes with the extension. Whatever order the lock gives,
a round must never reissue the organisation's token (revoking the one before) and then throw
the new one away: when the organisation's token changed in a round, the new one is the one
installed and it works.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_repoconnect.core.tokens import TokenStore
from jupyter_repoconnect.testing.processes import stop

from .conftest import sign_in

ROUNDS = 20
TOKEN = "race-test-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _call(url: str, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{url}repoconnect/{path}",
        data=data,
        method=method,
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _start(tmp_path: Path, name: str) -> tuple[subprocess.Popen[bytes], str]:
    config, runtime = tmp_path / f"{name}-config", tmp_path / f"{name}-runtime"
    root = tmp_path / f"{name}-root"
    for folder in (config, runtime, root):
        folder.mkdir()
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {"jupyter_repoconnect": True}}})
    )
    port = _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_RUNTIME_DIR": str(runtime)}
    log = (tmp_path / f"{name}.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={TOKEN}",
            "--ServerApp.open_browser=False",
            "--ServerApp.allow_root=True",
            f"--ServerApp.root_dir={root}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, (tmp_path / f"{name}.log").read_text()
        try:
            if _call(url, "GET", "status")[0] == 200:
                return proc, url
        except OSError:
            pass
        time.sleep(0.3)
    stop(proc)
    pytest.fail(f"jupyter server {name} did not start")


@pytest.fixture
def two_servers(account_env: Any, tmp_path: Path) -> Iterator[tuple[str, str]]:
    started = []
    try:
        for name in ("a", "b"):
            started.append(_start(tmp_path, name))
        yield started[0][1], started[1][1]
    finally:
        for proc, _ in started:
            stop(proc)


def _race(first: str, second: str, sandbox: Any, delay: float) -> dict[str, tuple[int, Any]]:
    """Install token on the first server and a Server sign-in on the second, at once."""
    user, password = next(iter(sandbox.users.items()))
    answers: dict[str, tuple[int, Any]] = {}
    go = threading.Barrier(2)

    def install() -> None:
        go.wait()
        answers["install"] = _call(
            first, "POST", "account/token", {"org": "acme", "confirm_reissue": True}
        )

    def server_sign_in() -> None:
        go.wait()
        time.sleep(delay)  # the other order too
        body = {
            "service": "server",
            "domain": sandbox.urls["server"],
            "username": user,
            "password": password,
        }
        answers["connect"] = _call(second, "POST", "connect", body)

    threads = [threading.Thread(target=install), threading.Thread(target=server_sign_in)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    return answers


def test_install_token_and_a_server_sign_in_race_for_20_rounds(
    account_env: Any, account: Any, two_servers: tuple[str, str]
) -> None:
    sandbox = account_env.sandbox
    sign_in(account, sandbox)  # the account in the shared home's keyring
    first, second = two_servers
    outcomes: dict[str, int] = {}
    for round_ in range(ROUNDS):
        before = sandbox.account.org_tokens.get("acme")
        answers = _race(first, second, sandbox, delay=0.02 if round_ % 2 else 0.0)
        installed, connected = answers["install"][0], answers["connect"][0]
        assert installed in (200, 409) and connected in (200, 409), answers
        assert (installed, connected) != (200, 200), "two repository services at once"
        after = sandbox.account.org_tokens.get("acme")
        if after != before:  # reissued this round: it must be the installed, working token
            assert installed == 200, f"round {round_}: reissued, then thrown away: {answers}"
            token = TokenStore().get(sandbox.urls["cloud"])
            record = sandbox.tokens.find(after)
            assert record is not None and token == record.token
            assert sandbox.tokens.valid(token, "cloud")
        key = f"install {installed}, sign-in {connected}"
        outcomes[key] = outcomes.get(key, 0) + 1
        status, body = _call(first, "POST", "disconnect", {})
        assert status == 200, body
        assert not _call(second, "GET", "status")[1]["connected"]
    assert sum(outcomes.values()) == ROUNDS, outcomes
