"""The account's REST routes on a real Jupyter server, checked against openapi.yaml; no API key
or token in any response or server log line."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx


def _api_keys(sandbox: Any) -> set[str]:
    return {k.key for k in sandbox.account.api_keys.values()}


async def test_device_sign_in_install_and_sign_out(rest: Any, account_env: Any) -> None:
    sandbox = rest.sandbox
    status = await rest.get("account")
    assert status.status == 200 and not status.body["signed_in"] and status.body["allowed"]
    login = await rest.post("account/login")
    assert login.status == 200
    body = login.body
    assert body["verification_uri_complete"].startswith(sandbox.urls["account"] + "/device")
    pending = await rest.get("account/login", params={"id": body["login_id"]})
    assert pending.status == 200 and pending.body["state"] == "pending"
    # the person approves on the device page (any browser, any device)
    page = body["verification_uri"]
    form = {"user_code": body["user_code"], "action": "approve"}
    assert httpx.post(page, data=form).status_code == 200
    for _ in range(30):
        done = await rest.get("account/login", params={"id": body["login_id"]})
        if done.body["state"] == "signed_in":
            break
        await asyncio.sleep(done.body["interval"] / 2)
    assert done.body["account"]["username"] == "demo"
    orgs = await rest.get("account/orgs")
    assert [o["name"] for o in orgs.body["organizations"]] == ["acme", "hobby"]
    installed = await rest.post("account/token", {"org": "acme"})
    assert installed.status == 200 and installed.body["status"]["connected"]
    again = await rest.post("account/token", {"org": "acme"})
    assert again.status == 409 and again.error == "confirm_reissue"
    assert "revokes" in again.body["message"]
    reissued = await rest.post("account/token", {"org": "acme", "confirm_reissue": True})
    assert reissued.status == 200 and reissued.body["revoked_previous"]
    assert (await rest.get("status")).body["service"] == "cloud"
    removed = await rest.call("DELETE", "account/token")
    assert removed.status == 200 and not removed.body["connected"]
    out = await rest.post("account/logout")
    assert out.status == 200 and not out.body["signed_in"]
    again_out = await rest.post("account/logout")
    assert again_out.status == 409 and again_out.error == "account_signed_out"
    rest.secrets.update(_api_keys(sandbox))


async def test_errors(rest: Any, account_env: Any) -> None:
    sandbox = rest.sandbox
    unknown = await rest.get("account/login", params={"id": "nope"})
    assert unknown.status == 409 and unknown.error == "unknown_login"
    login = (await rest.post("account/login")).body
    sandbox.account.deny(login["user_code"])
    denied = await rest.get("account/login", params={"id": login["login_id"]})
    assert denied.status == 401 and denied.error == "device_access_denied"
    login = (await rest.post("account/login")).body
    cancelled = await rest.call("DELETE", "account/login", params={"id": login["login_id"]})
    assert cancelled.status == 200
    gone = await rest.get("account/login", params={"id": login["login_id"]})
    assert gone.error == "unknown_login"
    bad = await rest.post("account/api-key", {"api_key": "wrong"})
    assert bad.status == 401 and bad.error == "api_key_refused"
    signed_out = await rest.get("account/orgs")
    assert signed_out.status == 409 and signed_out.error == "account_signed_out"
    extra = await rest.post("account/token", {"org": "acme", "token": "x"})
    assert extra.status == 400
    key = sandbox.account.add_api_key()
    ok = await rest.post("account/api-key", {"api_key": key})
    assert ok.status == 200 and ok.body["signed_in"]
    starter = await rest.post("account/token", {"org": "hobby"})
    assert starter.status == 409 and starter.error == "org_token_refused"
    rest.secrets.update(_api_keys(sandbox))


async def test_admin_switch_and_managed_key(rest: Any, account_env: Any, monkeypatch: Any) -> None:
    rest.settings.allow_account_signin = False
    try:
        off = await rest.get("account")
        assert off.status == 200 and off.body["allowed"] is False
        refused = await rest.post("account/login")
        assert refused.status == 403 and refused.error == "account_not_allowed"
    finally:
        rest.settings.allow_account_signin = True
    monkeypatch.setenv("ANACONDA_AUTH_API_KEY", rest.sandbox.account.add_api_key())
    managed = await rest.get("account")
    assert managed.body["managed"] and managed.body["signed_in"]
    out = await rest.post("account/logout")
    assert out.status == 403 and out.error == "account_managed"
    assert "managed by the administrator" in out.body["message"]
    rest.secrets.update(_api_keys(rest.sandbox))
