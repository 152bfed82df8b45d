"""Anaconda Server: login, private tokens, account, channels, repodata."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator

import httpx
import pytest

from jupyter_repoconnect.testing.sandbox import Sandbox

API = "/server/api"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_domain_and_api_root(client: httpx.Client) -> None:
    assert client.get("/server").headers["content-type"].startswith("text/html")
    assert client.get(API).json()["name"].startswith("Anaconda Server")


@pytest.mark.parametrize(
    "credentials", [("demo", "wrong"), ("nobody", "demo-password"), ("DEMO", "demo-password")]
)
def test_login_refused(client: httpx.Client, credentials: tuple[str, str]) -> None:
    username, password = credentials
    response = client.post(f"{API}/auth/login", json={"username": username, "password": password})
    assert response.status_code == 401
    assert response.json()["message"]


def test_login_bad_input(client: httpx.Client) -> None:
    assert client.post(f"{API}/auth/login", json={"username": "demo"}).status_code == 400
    assert client.post(f"{API}/auth/login", content=b"{nope").status_code == 400
    assert client.get(f"{API}/auth/login").status_code == 405


def test_login_create_and_revoke_token(
    client: httpx.Client, sandbox: Sandbox, session: str
) -> None:
    assert sandbox.server_sessions
    response = client.post(
        f"{API}/account/tokens",
        headers=_bearer(session),
        json={"name": "jupyter", "expires_at": "2999-01-31", "scopes": ["channel:view"]},
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"id", "token", "expires_at"}
    assert body["expires_at"] == "2999-01-31"
    record = sandbox.server_tokens[body["id"]]
    assert record.user == "demo" and record.name == "jupyter" and not record.revoked
    assert record.scopes == ["channel:view"]
    assert sandbox.is_token_valid(body["token"])

    account = client.get(f"{API}/account", headers=_bearer(body["token"]))
    assert account.json() == {"username": "demo", "email": "demo@example.com", "name": "Demo"}

    listed = client.get(f"{API}/account/tokens", headers=_bearer(body["token"])).json()
    assert [t["id"] for t in listed["items"]] == [body["id"]]
    assert "token" not in listed["items"][0]

    deleted = client.delete(f"{API}/account/tokens/{body['id']}", headers=_bearer(body["token"]))
    assert deleted.status_code == 204
    assert sandbox.server_tokens[body["id"]].revoked
    assert not sandbox.is_token_valid(body["token"])
    assert client.get(f"{API}/account", headers=_bearer(body["token"])).status_code == 401
    again = client.delete(f"{API}/account/tokens/{body['id']}", headers=_bearer(session))
    assert again.status_code == 404


def test_create_token_rules(client: httpx.Client, session: str) -> None:
    url = f"{API}/account/tokens"
    assert client.post(url, json={"name": "x"}).status_code == 401
    assert client.post(url, headers=_bearer("nope"), json={"name": "x"}).status_code == 401
    bad = [
        {"expires_at": "2999-01-01"},
        {"name": "x", "expires_at": "2001-01-01"},
        {"name": "x", "expires_at": "not a date"},
        {"name": "x", "scopes": ["channel:view"], "resources": [{"channel": "main"}]},
        {"name": "x", "scopes": "channel:view"},
    ]
    zulu = {"name": "z", "expires_at": "2999-01-31T12:00:00Z"}
    assert client.post(url, headers=_bearer(session), json=zulu).status_code == 201
    for body in bad:
        assert client.post(url, headers=_bearer(session), json=body).status_code == 400, body


def test_account_requires_token(client: httpx.Client) -> None:
    assert client.get(f"{API}/account").status_code == 401


def test_channels_paging(client: httpx.Client, private_token: dict[str, str]) -> None:
    headers = _bearer(private_token["token"])
    first = client.get(f"{API}/channels", params={"offset": 0, "limit": 10}, headers=headers)
    body = first.json()
    assert body["total_count"] == 200
    names = [c["name"] for c in body["items"]]
    assert names[:5] == ["main", "r", "msys2", "conda-forge", "internal-tools"]
    assert names[5].startswith("team-")
    assert {"name", "privacy", "description", "mirror_count"} <= set(body["items"][0])
    second = client.get(f"{API}/channels", params={"offset": 10, "limit": 10}, headers=headers)
    assert not set(names) & {c["name"] for c in second.json()["items"]}
    privacies = {
        c["privacy"] for c in client.get(f"{API}/channels", headers=headers).json()["items"]
    }
    assert privacies == {"public", "authenticated", "private"}


def test_channels_bad_params(client: httpx.Client, private_token: dict[str, str]) -> None:
    headers = _bearer(private_token["token"])
    for params in ({"offset": -1}, {"limit": "ten"}):
        assert client.get(f"{API}/channels", params=params, headers=headers).status_code == 400


@pytest.mark.parametrize("how", ["url", "bearer", "token", "basic"])
def test_channels_auth_ways(
    sandbox: Sandbox, client: httpx.Client, private_token: dict[str, str], how: str
) -> None:
    token = private_token["token"]
    path, headers = f"{API}/channels", {}
    if how == "url":
        path = f"/t/{token}{path}"
    elif how == "basic":
        pair = base64.b64encode(f"{token}:x-auth-token".encode()).decode()
        headers = {"Authorization": f"Basic {pair}"}
    else:
        headers = {"Authorization": f"{how.title()} {token}"}
    assert client.get(path, headers=headers).status_code == 200


def test_channels_refused_without_valid_token(client: httpx.Client) -> None:
    assert client.get(f"{API}/channels").status_code == 401
    assert client.get(f"/t/wrong{API}/channels").status_code == 401


@pytest.fixture(scope="module")
def big() -> Iterator[Sandbox]:
    with Sandbox(channels=10_000) as sb:
        yield sb


def test_ten_thousand_channels_fast(big: Sandbox) -> None:
    with httpx.Client(base_url=big.base_url) as http:
        session = http.post(
            f"{API}/auth/login", json={"username": "demo", "password": "demo-password"}
        ).json()["token"]
        headers = _bearer(session)
        started = time.perf_counter()
        page = http.get(f"{API}/channels", params={"offset": 9990, "limit": 50}, headers=headers)
        assert page.json()["total_count"] == 10_000
        assert len(page.json()["items"]) == 10
        query = {"q": "TEAM-ML", "offset": 0, "limit": 25}
        found = http.get(f"{API}/channels", params=query, headers=headers).json()
        assert found["total_count"] == 833
        assert all("team-ml-" in c["name"] for c in found["items"])
        assert len(found["items"]) == 25
        exact = http.get(f"{API}/channels", params={"q": "ml-0007"}, headers=headers).json()
        assert [c["name"] for c in exact["items"]] == ["team-ml-0007"]
        assert http.get(f"{API}/channels", params={"q": "zzz"}, headers=headers).json() == {
            "items": [],
            "total_count": 0,
            "offset": 0,
            "limit": 50,
        }
        assert time.perf_counter() - started < 2.0
        names = [c.name for c in big.catalog.channels]
        assert len(set(names)) == 10_000


def test_repodata_needs_token(
    sandbox: Sandbox, client: httpx.Client, private_token: dict[str, str]
) -> None:
    token = private_token["token"]
    assert client.get(f"{API}/repo/main/noarch/repodata.json").status_code == 401
    assert client.get(f"/t/wrong{API}/repo/main/noarch/repodata.json").status_code == 401
    ok = client.get(f"/t/{token}{API}/repo/main/noarch/repodata.json")
    assert ok.status_code == 200 and ok.json()["info"]["subdir"] == "noarch"
    # conda with channel_alias <domain>/api/repo puts the token after the alias
    assert (
        client.head(f"{API}/repo/t/{token}/conda-forge/linux-64/repodata.json").status_code == 200
    )
    pair = base64.b64encode(f"{token}:x-auth-token".encode()).decode()
    basic = {"Authorization": f"Basic {pair}"}
    assert client.get(f"{API}/repo/r/noarch/repodata.json", headers=basic).status_code == 200
    assert client.get(f"/t/{token}{API}/repo/nope/noarch/repodata.json").status_code == 404
    sandbox.expire_token(private_token["id"])
    assert client.get(f"/t/{token}{API}/repo/main/noarch/repodata.json").status_code == 401
