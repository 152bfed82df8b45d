"""The Anaconda Cloud account in the core, against the sandbox's anaconda.com."""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from jupyter_repoconnect.core import Connector, RepoConnectSettings
from jupyter_repoconnect.core.account import Account
from jupyter_repoconnect.core.errors import (
    AuthenticationRefused,
    BadInput,
    Conflict,
    NotAllowed,
    NotConnected,
    RepoConnectError,
)
from jupyter_repoconnect.core.tokens import TokenStore

from .conftest import sign_in


def _entry(keyring: Path, sandbox: Any) -> dict[str, Any]:
    data = json.loads(keyring.read_text())
    user = sandbox.urls["account"].split("://", 1)[1]
    return json.loads(base64.b64decode(data["Anaconda Cloud"][user]))


def _repodata(sandbox: Any, token: str) -> int:
    url = f"{sandbox.root('cloud')}/t/{token}/repo/main/noarch/repodata.json"
    return httpx.get(url).status_code


def test_device_sign_in_stores_anaconda_auth_format_0600(
    account: Account, sandbox: Any, keyring: Path
) -> None:
    assert account.status().signed_in is False
    login = account.begin_login()
    assert login.verification_uri_complete.endswith(f"?user_code={login.user_code}")
    assert account.check_login(login.login_id).state == "pending"
    sandbox.account.approve(login.user_code)
    status = account.wait_login(login.login_id)
    assert status is not None and status.signed_in and status.username == "demo"
    assert status.expires_at is not None and not status.expired
    assert stat.S_IMODE(keyring.stat().st_mode) == 0o600
    entry = _entry(keyring, sandbox)
    assert entry["version"] == 2 and entry["username"] == "demo" and entry["repo_tokens"] == []
    assert [k.key for k in sandbox.account.valid_api_keys()] == [entry["api_key"]]
    assert entry["api_key"] not in repr(status) + json.dumps(status.to_dict())
    # the device code and the access token are never stored; a used code is gone
    assert "device" not in json.dumps(entry)
    with pytest.raises(NotConnected) as err:
        account.check_login(login.login_id)
    assert err.value.code == "unknown_login"


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ("expired_token", "device_code_expired"),
        ("access_denied", "device_access_denied"),
        ("invalid_grant", "device_code_invalid"),
    ],
)
def test_device_flow_errors_store_nothing(
    account: Account, sandbox: Any, keyring: Path, answer: str, code: str
) -> None:
    login = account.begin_login()
    sandbox.account.force(login.user_code, answer)
    with pytest.raises(AuthenticationRefused) as err:
        account.check_login(login.login_id)
    assert err.value.code == code
    assert not keyring.exists()
    with pytest.raises(NotConnected):  # the sign-in is over: start again
        account.check_login(login.login_id)


def test_real_expiry_and_denial(account: Account, sandbox: Any) -> None:
    login = account.begin_login()
    sandbox.account.expire(login.user_code)
    with pytest.raises(AuthenticationRefused, match="expired") as err:
        account.check_login(login.login_id)
    assert err.value.code == "device_code_expired"
    login = account.begin_login()
    sandbox.account.deny(login.user_code)
    with pytest.raises(AuthenticationRefused, match="denied"):
        account.wait_login(login.login_id)


def test_pending_and_slow_down(account: Account, sandbox: Any) -> None:
    login = account.begin_login()
    sandbox.account.force(login.user_code, "slow_down")
    progress = account.check_login(login.login_id)
    assert (progress.state, progress.interval) == ("pending", 1 + 5)  # RFC 8628: 5 s more
    # asked again too soon: answered here, anaconda.com is not asked
    before = len(sandbox.requests("account"))
    assert account.check_login(login.login_id).state == "pending"
    assert len(sandbox.requests("account")) == before
    account.cancel_login(login.login_id)
    with pytest.raises(NotConnected):
        account.check_login(login.login_id)


def test_sandbox_answers_slow_down_to_a_client_polling_too_fast(sandbox: Any) -> None:
    root = sandbox.root("account")
    form = {"client_id": "b4ad7f1d-c784-46b5-a9fe-106e50441f5a", "scope": "openid"}
    device = httpx.post(root + "/api/auth/oauth2/device/authorize", data=form).json()
    poll = {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": device["device_code"],
        "client_id": form["client_id"],
    }
    url = root + "/api/auth/oauth2/token"
    assert httpx.post(url, data=poll).json()["error"] == "authorization_pending"
    assert httpx.post(url, data=poll).json()["error"] == "slow_down"
    assert httpx.post(url, json=poll).json()["error"] == "invalid_request"  # form-encoded only


def test_wait_login_can_be_cancelled(account: Account) -> None:
    login = account.begin_login()
    cancel = threading.Event()
    cancel.set()
    assert account.wait_login(login.login_id, cancel) is None
    assert account.status().signed_in is False


def test_api_key_fallback_path(account: Account, sandbox: Any) -> None:
    sandbox.account.auth_api_keys = False
    sign_in(account, sandbox)
    assert ("POST", "/api/auth/api-keys", 404) in sandbox.requests("account")
    assert ("POST", "/api/iam/api-keys", 201) in sandbox.requests("account")
    assert account.status().signed_in


def test_pasted_api_key(account: Account, sandbox: Any, keyring: Path) -> None:
    with pytest.raises(AuthenticationRefused) as err:
        account.sign_in_with_api_key("not-a-key")
    assert err.value.code == "api_key_refused" and not keyring.exists()
    key = sandbox.account.add_api_key()
    assert account.sign_in_with_api_key(f"  {key}\n").username == "demo"
    assert _entry(keyring, sandbox)["api_key"] == key


def test_expired_key_is_shown_expired(account: Account, sandbox: Any) -> None:
    from jupyter_repoconnect.core import auth_keyring

    account.sign_in_with_api_key(sandbox.account.add_api_key())
    old = sandbox.account.add_api_key(days=-1)  # a stale login, as anaconda-auth may leave it
    user = auth_keyring.keyring_user(account.domain)
    info = auth_keyring.read_info(user) or {}
    auth_keyring.write_info(user, {**info, "api_key": old})
    status = account.status()
    assert status.signed_in and status.expired and "Sign in again" in (status.message or "")
    with pytest.raises(AuthenticationRefused) as err:
        account.organizations()
    assert err.value.code == "api_key_refused"


def test_organizations(account: Account, sandbox: Any) -> None:
    with pytest.raises(NotConnected) as err:
        account.organizations()
    assert err.value.code == "account_signed_out"
    sign_in(account, sandbox)
    orgs = {o.name: o for o in account.organizations()}
    assert orgs["acme"].business and not orgs["hobby"].business
    assert orgs["acme"].token_expires_at is None and not orgs["acme"].installed


def test_install_token_configures_conda_and_reissue_revokes(
    account: Account, connector: Connector, sandbox: Any, keyring: Path
) -> None:
    sign_in(account, sandbox)
    first = account.install_token("acme")
    assert first.status.connected and first.status.service == "cloud"
    assert not first.revoked_previous
    cloud = sandbox.urls["cloud"]
    token = TokenStore().get(cloud)
    assert token and _repodata(sandbox, token) == 200
    assert _entry(keyring, sandbox)["repo_tokens"] == [{"token": token, "org_name": "acme"}]
    assert account.status().installed_orgs == ["acme"]
    assert [o.installed for o in account.organizations() if o.name == "acme"] == [True]
    # reissuing revokes the token: asked first, and nothing happens without the confirmation
    with pytest.raises(Conflict) as err:
        account.install_token("acme")
    assert err.value.code == "confirm_reissue" and "revokes" in err.value.message
    # the current token's expiry as people read it ("5 March 2027"), never raw ISO
    assert re.search(r"\(expires \d{1,2} [A-Z][a-z]+ \d{4}\)", err.value.message), err.value.message
    assert _repodata(sandbox, token) == 200 and TokenStore().get(cloud) == token
    second = account.install_token("acme", confirm_reissue=True)
    assert second.revoked_previous and second.status.connected
    new = TokenStore().get(cloud)
    assert new and new != token
    assert _repodata(sandbox, token) == 401  # the old token is revoked at the repository
    assert _repodata(sandbox, new) == 200
    assert _entry(keyring, sandbox)["repo_tokens"] == [{"token": new, "org_name": "acme"}]
    for secret in (token, new):
        assert secret not in json.dumps(second.to_dict())
    # removing the token is the Cloud sign-out; the account stays signed in
    status = account.remove_token()
    assert not status.connected and TokenStore().get(cloud) is None
    assert _entry(keyring, sandbox)["repo_tokens"] == []
    assert account.status().signed_in
    with pytest.raises(NotConnected):
        account.remove_token()


def test_install_refusals(account: Account, sandbox: Any) -> None:
    sign_in(account, sandbox)
    with pytest.raises(Conflict) as err:
        account.install_token("hobby")
    assert err.value.code == "org_token_refused"
    with pytest.raises(BadInput) as bad:
        account.install_token("globex")
    assert bad.value.code == "bad_org"
    assert not any(m == "PUT" for m, _, _ in sandbox.requests("account"))


def test_account_and_server_connection_are_independent(
    account: Account, connector: Connector, sandbox: Any
) -> None:
    user, password = next(iter(sandbox.users.items()))
    connector.connect("server", domain=sandbox.urls["server"], username=user, password=password)
    sign_in(account, sandbox)
    assert connector.status().connected and account.status().signed_in
    # installing a Cloud token would be a second repository service: refused before any PUT
    with pytest.raises(Conflict) as err:
        account.install_token("acme")
    assert err.value.code == "already_connected"
    assert not any(m == "PUT" for m, _, _ in sandbox.requests("account"))
    account.sign_out()
    assert connector.status().connected and connector.status().service == "server"
    sign_in(account, sandbox)
    connector.disconnect()
    assert account.status().signed_in and not connector.status().connected


def test_sign_out_keeps_installed_tokens(account: Account, sandbox: Any, keyring: Path) -> None:
    with pytest.raises(NotConnected):
        account.sign_out()
    sign_in(account, sandbox)
    account.install_token("acme")
    status = account.sign_out()
    assert not status.signed_in and status.installed_orgs == ["acme"]
    entry = _entry(keyring, sandbox)
    assert "api_key" not in entry and len(entry["repo_tokens"]) == 1
    assert Connector().status().connected  # conda still uses the organisation's token


def test_managed_by_the_administrator(
    account: Account, sandbox: Any, monkeypatch: pytest.MonkeyPatch, keyring: Path
) -> None:
    monkeypatch.setenv("ANACONDA_AUTH_API_KEY", sandbox.account.add_api_key())
    status = account.status()
    assert status.signed_in and status.managed
    for action in (account.sign_out, account.begin_login):
        with pytest.raises(NotAllowed, match="managed by the administrator") as err:
            action()
        assert err.value.code == "account_managed"
    assert [o.name for o in account.organizations()] == ["acme", "hobby"]
    assert account.install_token("acme").status.connected
    assert "api_key" not in _entry(keyring, sandbox)  # the administrator's key is not copied


def test_administrator_can_turn_it_off(account_env: Any) -> None:
    account = Account(Connector(RepoConnectSettings(allow_account_signin=False)))
    assert account.status().allowed is False
    for action in (account.begin_login, account.sign_out, account.organizations):
        with pytest.raises(NotAllowed) as err:
            action()
        assert err.value.code == "account_not_allowed"


def test_unreachable_domain(account_env: Any) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = RepoConnectSettings(account_domain=f"http://127.0.0.1:{port}", timeout=5)
    with pytest.raises(Exception, match="Could not connect") as err:
        Account(Connector(settings)).begin_login()
    assert err.value.code == "service_unavailable"  # type: ignore[attr-defined]


def _anaconda_auth(code: str, env: dict[str, str]) -> str:
    pytest.importorskip("anaconda_auth")
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_anaconda_auth_reads_our_login_and_we_read_its(
    account: Account, sandbox: Any, account_env: Any
) -> None:
    env = {**os.environ, "ANACONDA_AUTH_DOMAIN": sandbox.urls["account"]}
    sign_in(account, sandbox)
    account.install_token("acme")
    read = (
        "from anaconda_auth.token import TokenInfo\n"
        "from anaconda_auth.config import AnacondaAuthConfig\n"
        "t = TokenInfo.load(AnacondaAuthConfig().domain)\n"
        "print(t.username, t.expired, [r.org_name for r in t.repo_tokens],"
        " t.get_repo_token('acme') == t.repo_tokens[0].token)"
    )
    assert _anaconda_auth(read, env) == "demo False ['acme'] True"
    # and a login that anaconda-auth stores (e.g. `anaconda auth login`) is seen here
    account.sign_out()
    key = sandbox.account.add_api_key()
    write = (
        "from anaconda_auth.token import TokenInfo\n"
        "from anaconda_auth.config import AnacondaAuthConfig\n"
        f"TokenInfo(domain=AnacondaAuthConfig().domain, api_key={key!r}, username='cli').save()"
    )
    _anaconda_auth(write, env)
    status = account.status()
    assert status.signed_in and status.username == "cli"
    assert [o.name for o in account.organizations()] == ["acme", "hobby"]


def test_account_domain_follows_anaconda_auth_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUPYTER_REPOCONNECT_ACCOUNT_DOMAIN", raising=False)
    monkeypatch.delenv("ANACONDA_AUTH_DOMAIN", raising=False)
    assert RepoConnectSettings().resolved_account_domain() == "https://anaconda.com"
    monkeypatch.setenv("ANACONDA_AUTH_DOMAIN", "anaconda.example.com")
    assert RepoConnectSettings().resolved_account_domain() == "https://anaconda.example.com"
    settings = RepoConnectSettings(account_domain="http://127.0.0.1:9/")
    assert settings.resolved_account_domain() == "http://127.0.0.1:9"


def test_install_token_waits_for_a_sign_in_and_rechecks_under_its_lock(
    account: Account, connector: Connector, sandbox: Any
) -> None:
    """Issue 22 point 4: a Server sign-in holding the repository lock (as another process or
    Jupyter server would) makes "Install token" wait, then refuse before any reissue — never
    reissue (revoking the organisation's token) and throw the new one away."""
    from jupyter_repoconnect.core.files import locked

    sign_in(account, sandbox)
    user, password = next(iter(sandbox.users.items()))
    holding, done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def other_sign_in() -> None:
        try:
            with locked(connector.state_store.lock_path):
                holding.set()
                threading.Event().wait(0.5)  # install_token starts while the lock is held
                Connector().connect(
                    "server", domain=sandbox.urls["server"], username=user, password=password
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            done.set()

    before = len(sandbox.requests("account"))
    thread = threading.Thread(target=other_sign_in)
    thread.start()
    assert holding.wait(10)
    with pytest.raises(Conflict) as err:
        account.install_token("acme", confirm_reissue=True)
    thread.join(30)
    assert done.is_set() and not errors
    assert err.value.code == "already_connected"
    assert not any(m == "PUT" for m, _, _ in sandbox.requests("account")[before:])
    status = connector.status()
    assert status.connected and status.service == "server"


def test_an_api_key_that_cannot_be_stored_is_said_truly(
    account: Account, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22 point 9: the device sign-in creates a year-long API key before anything is
    written here; when it cannot be stored the message says so (never "nothing was
    changed") and says how to end it."""
    blocker = Path(os.environ["HOME"]) / "blocker"
    blocker.write_text("a file where the keyring's folder should be")
    monkeypatch.setenv("ANACONDA_AUTH_KEYRING_PATH", str(blocker / "keyring"))
    login = account.begin_login()
    sandbox.account.approve(login.user_code)
    with pytest.raises(RepoConnectError) as err:
        account.wait_login(login.login_id)
    message = err.value.message
    assert "nothing" not in message, message
    assert "created an API key" in message and "delete it on anaconda.com" in message
    assert str(blocker) in message
    assert len(sandbox.account.valid_api_keys()) == 1  # what the message is about
    assert not account.status().signed_in


def test_a_disk_that_cannot_record_the_sign_in_stops_it_before_the_key(
    account_env: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22 point 9: the sign-in is recorded before anaconda.com creates the API key, so
    a state folder that cannot be written stops it with no key made (the message's "nothing
    else was changed" is then true)."""
    blocker = Path(os.environ["HOME"]) / "blocker"
    blocker.write_text("a file where the state folder should be")
    monkeypatch.setenv("JUPYTER_REPOCONNECT_STATE_DIR", str(blocker / "state"))
    account = Account(Connector())
    login = account.begin_login()
    sandbox.account.approve(login.user_code)
    before = len(sandbox.account.valid_api_keys())
    with pytest.raises(RepoConnectError) as err:
        account.wait_login(login.login_id)
    assert str(blocker) in err.value.message
    assert len(sandbox.account.valid_api_keys()) == before
    assert not account.status().signed_in
