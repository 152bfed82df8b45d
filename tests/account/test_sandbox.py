"""The sandbox's anaconda.com refuses what the real one refuses."""

from __future__ import annotations

from typing import Any

import httpx

CLIENT_ID = "b4ad7f1d-c784-46b5-a9fe-106e50441f5a"


def _device(root: str, **form: str) -> httpx.Response:
    data = {"client_id": CLIENT_ID, "scope": "openid", **form}
    return httpx.post(root + "/api/auth/oauth2/device/authorize", data=data)


def _access_token(sandbox: Any) -> str:
    root = sandbox.root("account")
    device = _device(root).json()
    sandbox.account.approve(device["user_code"])
    poll = {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": device["device_code"],
        "client_id": CLIENT_ID,
    }
    answer = httpx.post(root + "/api/auth/oauth2/token", data=poll)
    assert answer.status_code == 200
    again = httpx.post(root + "/api/auth/oauth2/token", data=poll)
    assert again.json()["error"] == "invalid_grant"  # a device code is used once
    return str(answer.json()["access_token"])


def test_discovery_and_device_endpoint(sandbox: Any) -> None:
    root = sandbox.root("account")
    doc = httpx.get(root + "/.well-known/openid-configuration").json()
    assert doc["device_authorization_endpoint"] == root + "/api/auth/oauth2/device/authorize"
    assert _device(root, client_id="someone-else").json()["error"] == "invalid_client"
    assert _device(root, scope="profile").json()["error"] == "invalid_scope"
    as_json = httpx.post(doc["device_authorization_endpoint"], json={"client_id": CLIENT_ID})
    assert as_json.json()["error"] == "invalid_request"
    answer = _device(root).json()
    assert set(answer) >= {"device_code", "user_code", "verification_uri_complete", "interval"}


def test_only_an_api_key_opens_the_api(sandbox: Any) -> None:
    root = sandbox.root("account")
    access = _access_token(sandbox)
    bearer = {"Authorization": f"Bearer {access}"}
    assert httpx.get(root + "/api/account", headers=bearer).status_code == 401
    created = httpx.post(
        root + "/api/auth/api-keys", headers=bearer, json={"scopes": ["repo:read"], "tags": []}
    )
    assert created.status_code == 201
    key = created.json()["api_key"]
    assert key.count(".") == 2  # JWT-shaped: anaconda-auth reads its exp
    assert httpx.get(root + "/api/account", headers={"Authorization": key}).status_code == 401
    ok = {"Authorization": f"Bearer {key}"}
    assert httpx.get(root + "/api/account", headers=ok).json()["user"]["username"] == "demo"
    wrong_scope = httpx.post(
        root + "/api/auth/api-keys", headers=bearer, json={"scopes": ["admin"]}
    )
    assert wrong_scope.status_code == 422
    assert (
        httpx.post(root + "/api/auth/api-keys", json={"scopes": ["repo:read"]}).status_code == 401
    )


def test_current_token_put_needs_confirm_and_revokes(sandbox: Any) -> None:
    root = sandbox.root("account")
    headers = {"Authorization": f"Bearer {sandbox.account.add_api_key()}"}
    url = root + "/api/organizations/acme/ce/current-token"
    assert httpx.get(url, headers=headers).status_code == 404
    assert httpx.put(url, headers=headers, json={}).status_code == 400
    first = httpx.put(url, headers=headers, json={"confirm": "yes"}).json()["token"]
    assert httpx.get(url, headers=headers).json()["expires_at"]
    second = httpx.put(url, headers=headers, json={"confirm": "yes"}).json()["token"]
    assert not sandbox.is_token_valid(first) and sandbox.is_token_valid(second)
    starter = root + "/api/organizations/hobby/ce/current-token"
    assert httpx.put(starter, headers=headers, json={"confirm": "yes"}).status_code == 403
    unknown = root + "/api/organizations/globex/ce/current-token"
    assert httpx.get(unknown, headers=headers).status_code == 404


def test_device_page(sandbox: Any) -> None:
    root = sandbox.root("account")
    device = _device(root).json()
    page = httpx.get(device["verification_uri_complete"])
    assert page.status_code == 200 and device["user_code"] in page.text
    unknown = httpx.post(root + "/device", data={"user_code": "XXXX-XXXX", "action": "approve"})
    assert unknown.status_code == 400
    lower = device["user_code"].lower().replace("-", "")  # typed by a person
    done = httpx.post(root + "/device", data={"user_code": lower, "action": "deny"})
    assert done.status_code == 200 and "denied" in done.text
    again = httpx.post(root + "/device", data={"user_code": lower, "action": "approve"})
    assert again.status_code == 400
    assert [r[1] for r in sandbox.requests("account")][-1] == "/device"
