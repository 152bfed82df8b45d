"""Enterprise 4 / anaconda-client API and repository, at the root of their own host."""

from __future__ import annotations

import re

import httpx
import pytest

from jupyter_repoconnect.testing.catalog import package_name
from jupyter_repoconnect.testing.sandbox import Sandbox

from .conftest import package_names

API = "/api"
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


@pytest.fixture
def client(hosts: dict[str, httpx.Client]) -> httpx.Client:
    """A client on the Enterprise host root (API at `/api`, repository at `/conda`)."""
    return hosts["enterprise"]


def _token(token: str) -> dict[str, str]:
    return {"Authorization": f"token {token}"}


def test_reachability_and_auth_type(sandbox: Sandbox, client: httpx.Client) -> None:
    assert sandbox.urls["enterprise"] == sandbox.root("enterprise") + API
    assert client.get("/").headers["content-type"].startswith("text/html")
    assert client.get("/enterprise/api").status_code == 404  # no path prefix any more
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
    assert re.fullmatch(r"[0-9a-f]{2}-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", token)
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


def _repo(token: str | None, owner: str, subdir: str = "noarch") -> str:
    """A repository path as conda builds it from `channel_alias: <host>/conda`."""
    prefix = f"/t/{token}" if token else ""
    return f"/conda{prefix}/{owner}/{subdir}/repodata.json"


@pytest.fixture
def token(client: httpx.Client) -> str:
    """A live Enterprise token of the default user."""
    return _login(client).json()["token"]


def test_conda_channel_repodata(sandbox: Sandbox, client: httpx.Client, token: str) -> None:
    assert client.get(_repo(None, "anaconda")).status_code == 200  # public owner
    linux = client.get(_repo(token, "anaconda", "linux-64"))
    assert linux.json()["info"]["subdir"] == "linux-64"
    own = client.get(_repo(token, "demo"))
    assert own.status_code == 200
    names = package_names(own.json())
    assert names == {"repoconnect-demo", package_name("demo")}
    assert sandbox.requests("enterprise")[-1] == (
        "GET",
        "/conda/t/<TOKEN>/demo/noarch/repodata.json",
        200,
    )
    assert client.get(_repo("bad", "demo")).status_code == 401
    assert client.get(_repo("bad", "anaconda")).status_code == 401  # a token given must be live
    assert client.get(_repo(token, "ghost")).status_code == 404
    assert client.get(_repo(token, "demo", "amiga-68k")).status_code == 404
    assert client.post(_repo(token, "demo")).status_code == 405


def test_own_channel_needs_a_token(client: httpx.Client, token: str) -> None:
    assert client.get(_repo(None, "demo")).status_code == 401
    # the repository takes the token from /t/ only, not from the API's header
    assert client.get(_repo(None, "demo"), headers=_token(token)).status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/t/{T}/conda/demo/noarch/repodata.json",
        "/conda/demo/t/{T}/noarch/repodata.json",
        "/api/t/{T}/user",
        "/t/{T}/api/user",
    ],
)
def test_token_at_undocumented_position_is_not_accepted(
    sandbox: Sandbox, client: httpx.Client, token: str, path: str
) -> None:
    assert client.get(_repo(token, "demo")).status_code == 200
    assert client.get(path.format(T=token)).status_code in (401, 404)
    assert token not in str(sandbox.request_log)


@pytest.mark.parametrize("odd", ["aa_bb-cc", "aa.bb-cc"])
def test_token_outside_condas_form_is_not_parsed(
    sandbox: Sandbox, client: httpx.Client, odd: str
) -> None:
    sandbox.tokens.issue("enterprise", "enterprise", token=odd, user="demo")
    assert client.get(f"{API}/user", headers=_token(odd)).status_code == 200
    assert client.get(_repo(odd, "demo")).status_code in (401, 404)


@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("GET", "/user"),
        ("GET", "/authentication"),
        ("GET", "/authentications"),
        ("DELETE", "/authentications"),
    ],
)
def test_api_takes_token_scheme_only(
    sandbox: Sandbox, client: httpx.Client, token: str, method: str, route: str
) -> None:
    for headers in (
        {"Authorization": f"Bearer {token}"},
        {"X-Auth": token},
        {"Authorization": f"token {token.upper()}"},
    ):
        assert client.request(method, API + route, headers=headers).status_code == 401, headers
    assert sandbox.is_token_valid(token)
    ok = client.request(method, API + route, headers=_token(token))
    assert ok.status_code == (201 if method == "DELETE" else 200)
