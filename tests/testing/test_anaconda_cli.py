"""The real `anaconda` CLI (anaconda-client) logs in to the sandbox's Enterprise 4 API."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from jupyter_repoconnect.testing.sandbox import Sandbox

pytestmark = pytest.mark.skipif(shutil.which("anaconda") is None, reason="anaconda-client absent")


@pytest.fixture
def anaconda(tmp_path: Path, sandbox: Sandbox):  # type: ignore[no-untyped-def]
    """Run `anaconda ...` with its config, tokens and home in tmp_path."""
    env = {
        **os.environ,
        "HOME": str(tmp_path / "home"),
        "BINSTAR_CONFIG_DIR": str(tmp_path / "binstar"),
        "OTEL_SDK_DISABLED": "true",
        "ANACONDA_TELEMETRY_ENABLED": "false",
    }
    for name in ("BINSTAR_API_TOKEN", "ANACONDA_API_TOKEN"):
        env.pop(name, None)
    (tmp_path / "home").mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["anaconda", *args],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )

    configured = run("config", "--set", "url", sandbox.urls["enterprise"])
    assert configured.returncode == 0, configured.stderr
    return run


def test_login_whoami_logout(anaconda, sandbox: Sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    login = anaconda("login", "--username", "demo", "--password", "demo-password")
    assert login.returncode == 0, login.stderr
    assert "login successful" in login.stderr
    (record,) = sandbox.enterprise_tokens.values()
    assert record.user == "demo" and record.name.startswith("binstar_client:")
    token_file = tmp_path / "binstar" / "data" / (quote_plus(sandbox.urls["enterprise"]) + ".token")
    assert token_file.read_text().strip() == record.token

    # anaconda-cli-base asks anaconda.com vs anaconda.org unless told (--at)
    whoami = anaconda("whoami", "--at", "anaconda.org")
    assert whoami.returncode == 0, whoami.stderr
    assert "Username: demo" in whoami.stderr

    logout = anaconda("logout", "--at", "anaconda.org")
    assert logout.returncode == 0, logout.stderr
    assert "logout successful" in logout.stderr
    assert record.revoked and not token_file.exists()

    assert {r.service for r in sandbox.request_log} == {"enterprise"}
    calls = [(m, p) for m, p, _ in sandbox.requests("enterprise")]
    assert calls == [
        ("HEAD", "/api"),
        ("GET", "/api/authentication-type"),
        ("POST", "/api/authentications"),
        ("GET", "/api/user"),
        ("DELETE", "/api/authentications"),
    ]
    assert all(status in (200, 201) for _, _, status in sandbox.requests("enterprise"))


def test_wrong_password(anaconda, sandbox: Sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    login = anaconda("login", "--username", "demo", "--password", "wrong")
    assert login.returncode != 0
    assert "Invalid Username password combination" in login.stderr
    assert not sandbox.enterprise_tokens
    assert not list((tmp_path / "binstar").glob("data/*.token"))
