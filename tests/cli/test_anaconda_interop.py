"""Interoperability with the real ``anaconda`` command (anaconda-client from PyPI).

Both tools share one environment (``BINSTAR_CONFIG_DIR`` and ``HOME``): anaconda-client keeps
its config in ``$BINSTAR_CONFIG_DIR/data/config.yaml`` and its tokens in
``$BINSTAR_CONFIG_DIR/data/<quote_plus(url)>.token`` (and a copy in ``data/tokens/``), which is
where the core reads and writes them.

Notes on anaconda-client 1.16 (with anaconda-cli-base and anaconda-auth installed):
- ``anaconda whoami`` shows an interactive "choose destination" picker (anaconda.com or
  anaconda.org) and fails without a terminal, so the tests call ``anaconda org whoami``.
- ``anaconda login --username U --password P`` picks anaconda.org's legacy password login.
- ``whoami`` exits 0 either way: it prints ``Username: <login>`` when signed in and
  ``Anonymous User`` when not (both on stderr, through its logger).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from .cli_helpers import token_files

pytestmark = pytest.mark.skipif(
    shutil.which("anaconda") is None, reason="the anaconda CLI (anaconda-client) is not installed"
)


@pytest.fixture
def anaconda(cli_env: dict[str, str]):
    env = {**cli_env, "OTEL_SDK_DISABLED": "true"}  # no telemetry attempts from a test

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["anaconda", *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    return run


def _whoami(anaconda) -> str:
    result = anaconda("org", "whoami")
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_anaconda_login_is_detected_and_our_logout_signs_it_out(
    anaconda, jupyter_cli, repoconnect_env, sandbox, credentials
) -> None:
    api = sandbox.urls["enterprise"].rstrip("/")
    user, password = credentials

    configured = anaconda("config", "--set", "url", api)
    assert configured.returncode == 0, configured.stderr
    config = Path(repoconnect_env.binstar_dir) / "data" / "config.yaml"
    assert api in config.read_text()

    login = anaconda("login", "--username", user, "--password", password)
    assert login.returncode == 0, login.stdout + login.stderr
    token_file = Path(repoconnect_env.binstar_dir) / "data" / f"{quote_plus(api)}.token"
    assert token_file.exists()

    status = jupyter_cli("status", "--json")
    assert status.rc == 0, status.err
    st = status.json()
    assert st["connected"] is True
    assert st["service"] == "enterprise"
    assert st["source"] == "cli"
    assert st["domain"] == api
    assert token_file.read_text().strip() not in status.out

    logout = jupyter_cli("logout")
    assert logout.rc == 0, logout.err
    assert token_files(repoconnect_env) == []  # both of anaconda-client's copies are gone

    after = _whoami(anaconda)
    assert "Anonymous User" in after
    assert f"Username: {user}" not in after
    assert jupyter_cli("status", "--json").json()["connected"] is False


def test_our_login_is_seen_by_anaconda(
    anaconda, cli, repoconnect_env, sandbox, credentials
) -> None:
    api = sandbox.urls["enterprise"].rstrip("/")
    user, password = credentials
    config = Path(repoconnect_env.binstar_dir) / "data" / "config.yaml"
    assert not config.exists()

    login = cli(
        "login", "enterprise", "--domain", api, "--username", user, "--password-stdin",
        input=password + "\n",
    )  # fmt: skip
    assert login.rc == 0, login.err
    assert api in config.read_text()  # the core points the anaconda CLI at the same site

    seen = _whoami(anaconda)
    assert f"Username: {user}" in seen
    assert "Anonymous User" not in seen

    # (no whoami after our sign-out: with the site restored to anaconda.org it would go online)
    logout = cli("logout")
    assert logout.rc == 0, logout.err
    assert token_files(repoconnect_env) == []
    assert not config.exists()  # anaconda-client's config is put back as it was
