"""Anaconda Server at the root of its own host: login, private tokens, account, channels, repo.

The sandbox must refuse what the real server refuses (issue 9), so every strictness rule has a
test here that a lenient sandbox would fail.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator

import httpx
import pytest

from jupyter_repoconnect.testing.catalog import package_name
from jupyter_repoconnect.testing.sandbox import Sandbox

from .conftest import NAVIGATOR_SCOPES, bearer, create_token, package_names, x_auth

# Every API route that takes the private access token (as X-Auth).
ACCESS_ROUTES = ["/api/account", "/api/account/channels", "/api/channels"]


def _repo(token: str | None, channel: str = "main", subdir: str = "noarch") -> str:
    """A repository path as conda builds it from `channel_alias: <domain>/api/repo`."""
    prefix = f"/t/{token}" if token else ""
    return f"/api/repo{prefix}/{channel}/{subdir}/repodata.json"


def _basic(user: str, password: str) -> dict[str, str]:
    pair = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def test_domain_and_system(sandbox: Sandbox, server: httpx.Client) -> None:
    assert sandbox.urls["server"] == sandbox.root("server")
    assert server.get("/").headers["content-type"].startswith("text/html")
    system = server.get("/api/system")
    assert system.status_code == 200
    assert system.json()["status"] == "ok" and system.json()["name"] == "Anaconda Server"
    assert server.get("/api/nothing").status_code == 404
    assert server.get("/server/api/system").status_code == 404  # no path prefix any more


@pytest.mark.parametrize(
    "credentials", [("demo", "wrong"), ("nobody", "demo-password"), ("DEMO", "demo-password")]
)
def test_login_refused(server: httpx.Client, credentials: tuple[str, str]) -> None:
    username, password = credentials
    response = server.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 401
    assert response.json()["message"]


def test_login_bad_input(server: httpx.Client) -> None:
    assert server.post("/api/auth/login", json={"username": "demo"}).status_code == 400
    bad_json = {"Content-Type": "application/json"}
    assert server.post("/api/auth/login", content=b"{nope", headers=bad_json).status_code == 400
    assert server.get("/api/auth/login").status_code == 405


def test_session_is_a_short_lived_jwt(sandbox: Sandbox, session: str) -> None:
    assert re.fullmatch(r"eyJ[\w-]+\.[\w-]+\.[\w-]+", session)
    (record,) = sandbox.server_sessions.values()
    assert record.user == "demo" and record.expires_at is not None
    assert record.expires_at - record.created_at <= 3600


def test_create_list_and_revoke_token(sandbox: Sandbox, server: httpx.Client, session: str) -> None:
    response = server.post(
        "/api/account/tokens",
        headers=bearer(session),
        json={"name": "jupyter", "expires_at": "2999-01-31", "scopes": NAVIGATOR_SCOPES},
    )
    # The real server answers 200: a client that insisted on 201 must fail here.
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"id", "token", "expires_at"}
    assert body["expires_at"] == "2999-01-31"
    assert re.fullmatch(r"[0-9a-f]{40}", body["token"])  # hex, as the real tokens
    record = sandbox.server_tokens[body["id"]]
    assert record.user == "demo" and record.name == "jupyter" and not record.revoked
    assert record.scopes == NAVIGATOR_SCOPES
    assert sandbox.is_token_valid(body["token"])

    account = server.get("/api/account", headers=x_auth(body["token"]))
    assert account.status_code == 200
    assert account.json()["username"] == "demo" and account.json()["user_id"]

    listed = server.get("/api/account/tokens", headers=bearer(session)).json()
    assert [t["id"] for t in listed["items"]] == [body["id"]]
    assert "token" not in listed["items"][0]
    scopes = server.get("/api/account/scopes", headers=bearer(session)).json()["scopes"]
    assert set(NAVIGATOR_SCOPES) <= set(scopes)

    # Only the login JWT may revoke; the access token itself may not.
    path = f"/api/account/tokens/{body['id']}"
    assert server.delete(path, headers=x_auth(body["token"])).status_code == 401
    assert server.delete(path, headers=bearer(body["token"])).status_code == 401
    assert not record.revoked
    assert server.delete(path, headers=bearer(session)).status_code == 204
    assert sandbox.server_tokens[body["id"]].revoked
    assert not sandbox.is_token_valid(body["token"])
    assert server.get("/api/account", headers=x_auth(body["token"])).status_code == 401
    assert server.delete(path, headers=bearer(session)).status_code == 404


def test_create_token_rules(server: httpx.Client, session: str) -> None:
    url = "/api/account/tokens"
    ok = {"name": "x", "expires_at": "2999-01-01", "scopes": ["channel:view"]}
    assert server.post(url, json=ok).status_code == 401
    assert server.post(url, headers=bearer("nope"), json=ok).status_code == 401
    bad = [
        {"expires_at": "2999-01-01", "scopes": ["channel:view"]},  # no name
        {**ok, "expires_at": "2001-01-01"},  # in the past
        {**ok, "expires_at": "not a date"},
        {**ok, "expires_at": "2999-01-31T12:00:00Z"},  # a date, not a timestamp
        {**ok, "expires_at": None},
        {"name": "x", "expires_at": "2999-01-01"},  # scopes are required
        {**ok, "scopes": []},
        {**ok, "scopes": "channel:view"},
        {**ok, "scopes": ["channel view"]},
        {**ok, "resources": [{"channel": "main"}]},  # scopes or resources, not both
    ]
    for body in bad:
        assert server.post(url, headers=bearer(session), json=body).status_code == 400, body
    denied = {**ok, "scopes": ["channel:view", "system:admin"]}
    assert server.post(url, headers=bearer(session), json=denied).status_code == 403
    assert server.post(url, headers=bearer(session), json=ok).status_code == 200


@pytest.mark.parametrize("route", ACCESS_ROUTES)
def test_access_token_as_bearer_is_refused(
    server: httpx.Client, private_token: dict[str, str], route: str
) -> None:
    token = private_token["token"]
    assert server.get(route, headers=x_auth(token)).status_code == 200
    assert server.get(route, headers=bearer(token)).status_code == 401
    # Bearer wins over a valid X-Auth: the real server rejects the Bearer access token.
    both = {**bearer(token), **x_auth(token)}
    assert server.get(route, headers=both).status_code == 401


@pytest.mark.parametrize("route", ACCESS_ROUTES)
def test_access_token_only_as_x_auth(
    server: httpx.Client, private_token: dict[str, str], route: str
) -> None:
    """No public client sends the access token as basic auth `<token>:x-auth-token`
    (conda-repo-cli's api.py sends `X-Auth` on every call; protocols.md): refused."""
    token = private_token["token"]
    assert server.get(route).status_code == 401
    assert server.get(route, headers=_basic(token, "x-auth-token")).status_code == 401
    assert server.get(route, headers=_basic(token, "password")).status_code == 401
    assert server.get(route, headers={"Authorization": f"token {token}"}).status_code == 401
    assert server.get(route, headers=x_auth(token.upper())).status_code == 401  # case-sensitive


@pytest.mark.parametrize("route", ACCESS_ROUTES)
def test_jwt_is_not_an_access_token(server: httpx.Client, session: str, route: str) -> None:
    assert server.get(route, headers=x_auth(session)).status_code == 401
    assert server.get(route, headers=bearer(session)).status_code == 401


@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("POST", "/api/account/tokens"),
        ("GET", "/api/account/tokens"),
        ("GET", "/api/account/scopes"),
    ],
)
def test_token_endpoints_take_the_jwt_as_bearer_only(
    server: httpx.Client, session: str, private_token: dict[str, str], method: str, route: str
) -> None:
    body = {"name": "y", "expires_at": "2999-01-01", "scopes": ["channel:view"]}
    kwargs = {"json": body} if method == "POST" else {}
    assert server.request(method, route, headers=bearer(session), **kwargs).status_code == 200
    for headers in (
        x_auth(session),
        bearer(private_token["token"]),
        x_auth(private_token["token"]),
    ):
        assert server.request(method, route, headers=headers, **kwargs).status_code == 401


def test_jwt_refused_after_it_expires(sandbox: Sandbox, server: httpx.Client, session: str) -> None:
    token = create_token(server, session, ["channel:view"])
    sandbox.expire_token(session)
    body = {"name": "late", "expires_at": "2999-01-01", "scopes": ["channel:view"]}
    assert server.post("/api/account/tokens", headers=bearer(session), json=body).status_code == 401
    assert server.get("/api/account/tokens", headers=bearer(session)).status_code == 401
    revoke = server.delete(f"/api/account/tokens/{token['id']}", headers=bearer(session))
    assert revoke.status_code == 401
    # the access token lives on: it has its own expiry
    assert server.get("/api/account", headers=x_auth(token["token"])).status_code == 200


def test_channels_paging_and_sort(server: httpx.Client, private_token: dict[str, str]) -> None:
    headers = x_auth(private_token["token"])
    first = server.get("/api/channels", params={"offset": 0, "limit": 10}, headers=headers)
    body = first.json()
    assert body["total_count"] == 200
    names = [c["name"] for c in body["items"]]
    assert names[:5] == ["conda-forge", "internal-tools", "main", "msys2", "r"]
    assert names == sorted(names) and names[5].startswith("team-")
    assert {"name", "privacy", "description", "mirror_count"} <= set(body["items"][0])
    params = {"offset": 10, "limit": 10, "sort": "name"}
    second = server.get("/api/channels", params=params, headers=headers).json()
    assert names[-1] < second["items"][0]["name"]
    assert not set(names) & {c["name"] for c in second["items"]}
    every = server.get("/api/channels", params={"limit": 1000}, headers=headers).json()
    assert len(every["items"]) == 200
    assert {c["privacy"] for c in every["items"]} == {"public", "authenticated", "private"}
    assert not any("/" in c["name"] for c in every["items"])


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "ten", ""])
def test_channels_limit_bounds(
    server: httpx.Client, private_token: dict[str, str], limit: str
) -> None:
    headers = x_auth(private_token["token"])
    for route in ("/api/channels", "/api/account/channels"):
        assert server.get(route, params={"limit": limit}, headers=headers).status_code == 400
        assert server.get(route, params={"limit": 1000}, headers=headers).status_code == 200
        assert server.get(route, params={"limit": 1}, headers=headers).status_code == 200


def test_channels_bad_params(server: httpx.Client, private_token: dict[str, str]) -> None:
    headers = x_auth(private_token["token"])
    bad_sorts = ["-created", "created", "", "name,", ",name", "name,name", "name,-name", "--name"]
    for params in ({"offset": -1}, {"offset": "x"}, *({"sort": s} for s in bad_sorts)):
        assert server.get("/api/channels", params=params, headers=headers).status_code == 400


@pytest.mark.parametrize("route", ["/api/channels", "/api/account/channels"])
def test_channels_sort_takes_navigators_comma_list(
    server: httpx.Client, private_token: dict[str, str], route: str
) -> None:
    """Navigator asks `sort=name,updated_at` (protocols.md); `-` sorts descending
    (conda-repo-cli's `sort=-download_count` on the same API). The sandbox's channels were
    never updated, so `updated_at` ties and the name order decides."""
    headers = x_auth(private_token["token"])

    def names(sort: str) -> list[str]:
        params = {"limit": 1000, "sort": sort, "include_subchannels": "true"}
        response = server.get(route, params=params, headers=headers)
        assert response.status_code == 200, (sort, response.text)
        items = response.json()["items"]
        return [f"{c['parent']}/{c['name']}" if "parent" in c else c["name"] for c in items]

    ascending = names("name")
    assert ascending == sorted(ascending) and len(ascending) > 100
    for sort in ("name,updated_at", "name,-updated_at", "updated_at,name", "updated_at"):
        assert names(sort) == ascending
    for sort in ("-name", "-name,updated_at", "-updated_at,-name"):
        assert names(sort) == ascending[::-1]


def test_login_needs_a_json_content_type(server: httpx.Client) -> None:
    """conda-repo-cli and Navigator send the login as `Content-Type: application/json`; the
    same JSON text as another (or no) media type is refused with 415 (RFC 9110 15.5.16)."""
    body = json.dumps({"username": "demo", "password": "demo-password"}).encode()
    for content_type in (None, "text/plain", "application/x-www-form-urlencoded"):
        headers = {"Content-Type": content_type} if content_type else {}
        refused = server.post("/api/auth/login", content=body, headers=headers)
        assert refused.status_code == 415, content_type
    form = server.post("/api/auth/login", data={"username": "demo", "password": "demo-password"})
    assert form.status_code == 415
    for content_type in ("application/json", "application/json; charset=utf-8"):
        ok = server.post("/api/auth/login", content=body, headers={"Content-Type": content_type})
        assert ok.status_code == 200 and ok.json()["token"]


def test_no_server_side_text_filter(server: httpx.Client, private_token: dict[str, str]) -> None:
    # A client that relied on `q` would show every channel as a match: filter locally.
    headers = x_auth(private_token["token"])
    plain = server.get("/api/channels", params={"limit": 1000}, headers=headers).json()
    query = {"limit": 1000, "q": "zzz-no-such-channel"}
    filtered = server.get("/api/channels", params=query, headers=headers).json()
    assert filtered == plain


def test_subchannels_listed_on_request(
    sandbox: Sandbox, server: httpx.Client, private_token: dict[str, str]
) -> None:
    headers = x_auth(private_token["token"])
    params = {"limit": 1000, "include_subchannels": "true"}
    items = server.get("/api/channels", params=params, headers=headers).json()["items"]
    assert not any("/" in c["name"] for c in items)  # {"name": "<sub>", "parent": "<channel>"}
    full = [f"{c['parent']}/{c['name']}" if "parent" in c else c["name"] for c in items]
    subs = {name for name in full if "/" in name}
    # every 10th team channel of 195 and internal-tools, each with `stable` and `dev`
    assert len(subs) == 2 * (195 // 10 + 1)
    assert {"internal-tools/stable", "internal-tools/dev"} <= subs
    assert "team-research-0010/stable" in subs
    assert all(name.rsplit("/", 1)[0] in set(full) for name in subs)
    assert full == sorted(full)


def test_account_channels_hide_foreign_private_ones(
    sandbox: Sandbox, server: httpx.Client, private_token: dict[str, str]
) -> None:
    headers = x_auth(private_token["token"])
    params = {"limit": 1000}
    mine = server.get("/api/account/channels", params=params, headers=headers).json()
    every = server.get("/api/channels", params=params, headers=headers).json()
    mine_names = {c["name"] for c in mine["items"]}
    every_names = {c["name"] for c in every["items"]}
    assert mine["total_count"] == len(mine_names) < every["total_count"] == len(every_names)
    assert mine_names < every_names
    hidden = every_names - mine_names
    assert hidden and all(sandbox.catalog.get(n).privacy == "private" for n in hidden)  # type: ignore[union-attr]
    assert "internal-tools" in mine_names  # private, and demo is a member
    assert "team-bio-0002" in hidden  # private, demo is not a member
    assert {c["privacy"] for c in mine["items"]} == {"public", "authenticated", "private"}


def test_listing_needs_channel_view(sandbox: Sandbox, server: httpx.Client, session: str) -> None:
    token = create_token(server, session, ["artifact:view", "artifact:download"])["token"]
    for route in ("/api/channels", "/api/account/channels"):
        assert server.get(route, headers=x_auth(token)).status_code == 403
    assert server.get("/api/account", headers=x_auth(token)).status_code == 200
    viewer = create_token(server, session, ["channel:view"], name="viewer")["token"]
    assert server.get("/api/channels", headers=x_auth(viewer)).status_code == 200


def test_channels_refused_without_valid_token(server: httpx.Client) -> None:
    assert server.get("/api/channels").status_code == 401
    assert server.get("/api/channels", headers=x_auth("wrong")).status_code == 401


def test_repodata_at_the_documented_position(
    sandbox: Sandbox, server: httpx.Client, private_token: dict[str, str]
) -> None:
    token = private_token["token"]
    ok = server.get(_repo(token, "internal-tools"))
    assert ok.status_code == 200 and ok.json()["info"]["subdir"] == "noarch"
    names = package_names(ok.json())
    assert names == {"repoconnect-demo", package_name("internal-tools")}
    linux = server.head(_repo(token, "conda-forge", "linux-64"))
    assert linux.status_code == 200
    assert server.get(_repo(token, "nope")).status_code == 404
    assert server.get(_repo(token, "main", "amiga-68k")).status_code == 404
    assert server.get(_repo("wrong")).status_code == 401
    assert server.post(_repo(token)).status_code == 405
    assert sandbox.requests("server")[2] == (  # after the login and the token creation
        "GET",
        "/api/repo/t/<TOKEN>/internal-tools/noarch/repodata.json",
        200,
    )
    sandbox.expire_token(private_token["id"])
    assert server.get(_repo(token)).status_code == 401


def test_repodata_privacy(
    server: httpx.Client, session: str, private_token: dict[str, str]
) -> None:
    token = private_token["token"]
    # protocols.md documents token access only: even a public channel is not read anonymously
    assert server.get(_repo(None, "main")).status_code == 401
    assert server.get(_repo(token, "main")).status_code == 200
    for channel in ("internal-tools", "team-analytics-0001"):  # private, authenticated
        assert server.get(_repo(None, channel)).status_code == 401
        assert server.get(_repo(token, channel)).status_code == 200
    # the access token is read from /t/ in the repository, not from a header
    assert server.get(_repo(None, "internal-tools"), headers=x_auth(token)).status_code == 401
    assert server.get(_repo(token, "team-bio-0002")).status_code == 403  # not a member


@pytest.mark.parametrize(
    "path",
    [
        "/t/{T}/api/repo/internal-tools/noarch/repodata.json",  # what conda sends without alias
        "/api/t/{T}/repo/internal-tools/noarch/repodata.json",
        "/api/repo/internal-tools/t/{T}/noarch/repodata.json",
        "/t/{T}/api/channels",
        "/t/{T}/api/account",
    ],
)
def test_token_at_undocumented_position_is_not_accepted(
    sandbox: Sandbox, server: httpx.Client, private_token: dict[str, str], path: str
) -> None:
    assert server.get(_repo(private_token["token"], "internal-tools")).status_code == 200
    response = server.get(path.format(T=private_token["token"]))
    assert response.status_code in (401, 404)
    assert private_token["token"] not in str(sandbox.request_log)


@pytest.mark.parametrize("odd", ["demo_token-1", "demo.token-1"])
def test_token_outside_condas_form_is_not_parsed(
    sandbox: Sandbox, server: httpx.Client, odd: str
) -> None:
    # conda parses /t/<TOKEN> only for [A-Za-z0-9-]; a live token with `_` or `.` stays a path.
    sandbox.tokens.issue("server", "private", token=odd, user="demo", scopes=NAVIGATOR_SCOPES)
    assert server.get("/api/account", headers=x_auth(odd)).status_code == 200
    assert server.get(_repo(odd, "internal-tools")).status_code in (401, 404)
    assert odd not in str(sandbox.request_log)


def test_jwt_is_not_parsed_from_a_url(server: httpx.Client, session: str) -> None:
    assert server.get(_repo(session, "internal-tools")).status_code in (401, 404)


@pytest.mark.parametrize("sub", ["internal-tools/stable", "team-research-0010/dev"])
def test_subchannel_needs_subchannel_scopes(
    server: httpx.Client, session: str, private_token: dict[str, str], sub: str
) -> None:
    parent = sub.split("/")[0]
    narrow = create_token(server, session, ["channel:view", "channel:view-artifacts"])["token"]
    assert server.get(_repo(narrow, parent)).status_code == 200
    assert server.get(_repo(narrow, sub)).status_code == 403
    half = ["channel:view", "channel:view-artifacts", "subchannel:view"]
    assert server.get(_repo(create_token(server, session, half)["token"], sub)).status_code == 403
    full = server.get(_repo(private_token["token"], sub))
    assert full.status_code == 200
    names = package_names(full.json())
    assert package_name(sub) in names and package_name(parent) not in names


def test_repo_read_needs_view_scopes(server: httpx.Client, session: str) -> None:
    token = create_token(server, session, ["artifact:download"])["token"]
    assert server.get(_repo(token, "internal-tools")).status_code == 403


@pytest.fixture(scope="module")
def big() -> Iterator[Sandbox]:
    with Sandbox(channels=10_000) as sb:
        yield sb


def test_ten_thousand_channels_in_pages_of_1000(big: Sandbox) -> None:
    with httpx.Client(base_url=big.urls["server"], timeout=30) as http:
        session = http.post(
            "/api/auth/login", json={"username": "demo", "password": "demo-password"}
        ).json()["token"]
        token = create_token(http, session, NAVIGATOR_SCOPES)["token"]
        names: list[str] = []
        total = None
        while total is None or len(names) < total:
            params = {"offset": len(names), "limit": 1000, "sort": "name"}
            page = http.get("/api/channels", params=params, headers=x_auth(token)).json()
            total = page["total_count"]
            assert page["items"], "a page came back empty before the end"
            names += [c["name"] for c in page["items"]]
        assert total == 10_000 and len(set(names)) == 10_000 and names == sorted(names)
        last = {"offset": 9990, "limit": 50}
        assert (
            len(http.get("/api/channels", params=last, headers=x_auth(token)).json()["items"]) == 10
        )
