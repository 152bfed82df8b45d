"""`jupyter repoconnect account ...` as a user runs it, against the sandbox's anaconda.com."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import httpx

from ..cli.cli_helpers import CLI, _script


def _cli(account_env: Any) -> CLI:
    env = {**os.environ, **account_env.env}
    for name in ("ANACONDA_AUTH_API_KEY", "JUPYTER_REPOCONNECT_DEBUG"):
        env.pop(name, None)
    return CLI(env)


def _device_login(account_env: Any, approve: bool = True) -> tuple[int, str, str]:
    """Run `account login`, read the link it prints, and approve (or deny) on the device page
    as a person would."""
    cli = _cli(account_env)
    proc = subprocess.Popen(
        [_script(), "account", "login"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli.env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Open "), first
        link = first.split()[1]
        page = httpx.get(link)
        assert page.status_code == 200 and "Approve" in page.text
        code = link.split("user_code=")[1]
        action = "approve" if approve else "deny"
        done = httpx.post(link.split("?")[0], data={"user_code": code, "action": action})
        assert done.status_code == 200
        out, err = proc.communicate(timeout=60)
        return proc.returncode, first + out, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _secrets(sandbox: Any) -> list[str]:
    keys = [k.key for k in sandbox.account.api_keys.values()]
    return keys + [r.token for r in sandbox.cloud_token_records.values() if not r.seeded]


def test_cli_flow_without_a_secret_in_any_output(account_env: Any, keyring: Path) -> None:
    sandbox = account_env.sandbox
    cli = _cli(account_env)
    assert "Not signed in" in cli("account", "status").out
    rc, out, err = _device_login(account_env)
    assert rc == 0, err
    assert "Signed in to your Anaconda Cloud account as demo." in out
    outputs = [out, err]
    st = cli("account", "status", "--json")
    assert st.json()["signed_in"] and st.json()["username"] == "demo"
    orgs = cli("account", "orgs")
    assert "acme" in orgs.out and "starter subscription" in orgs.out
    first = cli("account", "token", "install")  # the only business organisation
    assert first.rc == 0, first.err
    assert "Installed acme's token" in first.out
    assert "Changed in .condarc:" in first.out and "  - default_channels: " in first.out
    again = cli("account", "token", "install", "acme")  # not a terminal: --yes is needed
    assert again.rc == 1 and "revokes it" in again.err and "--yes" in again.err
    reissued = cli("account", "token", "install", "acme", "--yes")
    assert reissued.rc == 0 and "previous token is revoked" in reissued.out
    status = cli("status", "--json").json()
    assert status["connected"] and status["service"] == "cloud"
    removed = cli("account", "token", "remove")
    assert removed.rc == 0 and not cli("status", "--json").json()["connected"]
    logout = cli("account", "logout")
    assert logout.rc == 0 and "Signed out" in logout.out
    again_out = cli("account", "logout")
    assert again_out.rc == 1 and "not signed in" in again_out.err
    for result in (st, orgs, first, again, reissued, removed, logout, again_out):
        outputs += [result.out, result.err]
    text = "\n".join(outputs)
    for secret in _secrets(sandbox):
        assert secret not in text


def test_cli_denied_and_api_key(account_env: Any, keyring: Path) -> None:
    rc, out, err = _device_login(account_env, approve=False)
    assert rc == 1 and "denied" in err and not keyring.exists()
    cli = _cli(account_env)
    key = account_env.sandbox.account.add_api_key()
    done = cli("account", "login", "--api-key-stdin", input=key + "\n")
    assert done.rc == 0 and key not in done.out + done.err
    assert cli("account", "status", "--json").json()["signed_in"]
    assert cli("account", "login", "--api-key", key).rc == 2  # never on the command line


def test_cli_managed_account(account_env: Any) -> None:
    cli = _cli(account_env)
    managed = {"ANACONDA_AUTH_API_KEY": account_env.sandbox.account.add_api_key()}
    st = cli("account", "status", env=managed)
    assert "managed by the administrator" in st.out
    out = cli("account", "logout", env=managed)
    assert out.rc == 1 and "managed by the administrator" in out.err
