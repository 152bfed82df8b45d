"""Enterprise 4 / anaconda-client API over httpx."""

from __future__ import annotations

import httpx
import pytest

from jupyter_repoconnect.testing.sandbox import Sandbox

API = "/enterprise/api"
LOGIN_BODY = {
    "scopes": None,
    "note": "jupyter_repoconnect:demo@host",
    "note_url": None,
    "hostname": "host",
    "user": None,
    "max-age": None,
    "strength": "strong",
    "fail-if-exists": False,
}


def _login(client: httpx.Client, **changes: object) -> httpx.Response:
    body = {**LOGIN_BODY, **changes}
    return client.post(f"{API}/authentications", auth=("demo", "demo-password"), json=body)


def _token(token: str) -> dict[str, str]:
    return {"Authorization": f"token {token}"}


def test_reachability_and_auth_type(client: httpx.Client) -> None:
    assert client.head(API).status_code == 200
    assert client.get(API).json()["ok"] == 1
    assert client.get(f"{API}/").status_code == 200
    assert client.get(f"{API}/authentication-type").json() == {"authentication_type": "password"}


@pytest.mark.parametrize("auth", [("demo", "nope"), ("ghost", "demo-password"), None])
def test_login_refused(client: httpx.Client, auth: tuple[str, str] | None) -> None:
    response = client.post(f"{API}/authentications", auth=auth, json=LOGIN_BODY)
    assert response.status_code == 401
    assert response.json()["error"]


def test_bearer_login_not_enabled(client: httpx.Client) -> None:
    response = client.post(
        f"{API}/authentications", headers={"Authorization": "Bearer x"}, json=LOGIN_BODY
    )
    assert response.status_code == 401
    assert response.json()["error"] == "Bearer token authentication is not enabled"


def test_login_whoami_info_logout(client: httpx.Client, sandbox: Sandbox) -> None:
    response = _login(client)
    assert response.status_code == 200
    token = response.json()["token"]
    (record,) = sandbox.enterprise_tokens.values()
    assert record.user == "demo" and record.name == LOGIN_BODY["note"] and record.hostname == "host"

    user = client.get(f"{API}/user", headers=_token(token)).json()
    assert user["login"] == "demo" and user["user_type"] == "user" and user["name"]
    info = client.get(f"{API}/authentication", headers=_token(token)).json()
    assert info["id"] == record.id
    listed = client.get(f"{API}/authentications", headers=_token(token)).json()
    assert [a["id"] for a in listed] == [record.id]

    assert client.delete(f"{API}/authentications", headers=_token(token)).status_code == 201
    assert record.revoked
    assert client.get(f"{API}/user", headers=_token(token)).status_code == 401
    assert client.delete(f"{API}/authentications", headers=_token(token)).status_code == 401


def test_user_needs_valid_token(client: httpx.Client) -> None:
    assert client.get(f"{API}/user").status_code == 401
    assert client.get(f"{API}/user", headers=_token("bogus")).status_code == 401
    assert client.get(f"{API}/authentication").status_code == 401
    assert client.get(f"{API}/user/demo").json()["login"] == "demo"
    assert client.get(f"{API}/user/ghost").status_code == 404


def test_fail_if_exists_and_replacement(client: httpx.Client, sandbox: Sandbox) -> None:
    first = _login(client).json()["token"]
    refused = _login(client, **{"fail-if-exists": True})
    assert refused.status_code == 400
    assert sandbox.is_token_valid(first)
    second = _login(client).json()["token"]
    assert not sandbox.is_token_valid(first)  # same note and host: replaced
    other_host = _login(client, hostname="elsewhere", **{"fail-if-exists": True})
    assert other_host.status_code == 200
    assert sandbox.is_token_valid(second)


def test_max_age_and_expiry(client: httpx.Client, sandbox: Sandbox) -> None:
    token = _login(client, **{"max-age": 3600}).json()["token"]
    (record,) = sandbox.enterprise_tokens.values()
    assert record.expires_at is not None
    sandbox.expire_token(token)
    assert client.get(f"{API}/user", headers=_token(token)).status_code == 401
    assert _login(client, **{"max-age": "soon"}).status_code == 400


def test_conda_channel_repodata(client: httpx.Client) -> None:
    token = _login(client).json()["token"]
    assert client.get("/enterprise/conda/demo/noarch/repodata.json").status_code == 200
    url = f"/t/{token}/enterprise/conda/anaconda/linux-64/repodata.json"
    assert client.get(url).json()["info"]["subdir"] == "linux-64"
    assert client.get("/t/bad/enterprise/conda/demo/noarch/repodata.json").status_code == 401
    assert client.get("/enterprise/conda/ghost/noarch/repodata.json").status_code == 404
