"""The sandbox's single sign-on provider (Keycloak-like) and the Server's side of it: every
refusal a real provider would make, and the Server taking the provider's JWT like its own."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from jupyter_repoconnect.testing.oidc import CLIENT_ID

from .conftest import NAVIGATOR_SCOPES, bearer, create_token, x_auth

REDIRECT = "http://localhost:53682/"
VERIFIER = "v" * 20 + "-verifier-of-forty-three-characters-at-least"


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@pytest.fixture
def oidc(sandbox):
    with httpx.Client(base_url=sandbox.urls["oidc"], timeout=10) as http:
        yield http


def realm(sandbox) -> str:
    return sandbox.oidc.realm_path()


def auth_params(**changes) -> dict[str, str]:
    params = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "state": "st-123",
        "code_challenge": challenge_of(VERIFIER),
        "code_challenge_method": "S256",
        "scope": "openid",
    }
    params.update(changes)
    return {k: v for k, v in params.items() if v is not None}


def log_in(sandbox, oidc, user="demo", password="demo-password", **changes) -> httpx.Response:
    """What the browser does: submit the login form at the authorization endpoint."""
    path = realm(sandbox) + "/protocol/openid-connect/auth"
    return oidc.post(
        path, params=auth_params(**changes), data={"username": user, "password": password}
    )


def landed(response: httpx.Response) -> dict[str, str]:
    """The query of the address the browser is sent back to."""
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT) or "redirect_uri" not in location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def exchange(sandbox, oidc, code, **changes) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "code_verifier": VERIFIER,
    }
    form.update(changes)
    form = {k: v for k, v in form.items() if v is not None}
    return oidc.post(realm(sandbox) + "/protocol/openid-connect/token", data=form)


def tokens(sandbox, oidc) -> dict:
    code = landed(log_in(sandbox, oidc))["code"]
    response = exchange(sandbox, oidc, code)
    assert response.status_code == 200, response.text
    return response.json()


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def create_with(server, session) -> httpx.Response:
    body = {"name": "sso", "expires_at": "2999-12-31", "scopes": NAVIGATOR_SCOPES}
    return server.post("/api/account/tokens", headers=bearer(session), json=body)


# --- discovery and the Server's redirect ---------------------------------------------------


@pytest.mark.parametrize("prefix", ["/auth", ""])
def test_discovery_at_either_realm_path(sandbox, oidc, server, prefix):
    sandbox.oidc.path_prefix = prefix
    response = oidc.get(f"{prefix}/realms/anaconda/.well-known/openid-configuration")
    assert response.status_code == 200
    doc = response.json()
    issuer = f"{sandbox.urls['oidc']}{prefix}/realms/anaconda"
    assert doc["authorization_endpoint"] == issuer + "/protocol/openid-connect/auth"
    assert doc["token_endpoint"] == issuer + "/protocol/openid-connect/token"
    other = "" if prefix else "/auth"
    assert oidc.get(f"{other}/realms/anaconda/.well-known/openid-configuration").status_code == 404
    # the Server's web login redirects to the realm's authorization endpoint
    redirect = server.get("/api/auth/authorize")
    assert redirect.status_code == 302
    assert urlsplit(redirect.headers["location"]).path == (
        f"{prefix}/realms/anaconda/protocol/openid-connect/auth"
    )


def test_a_server_without_single_sign_on_has_no_authorize_redirect(sandbox, server):
    sandbox.server_settings.sso = False
    assert server.get("/api/auth/authorize").status_code == 404


# --- the authorization endpoint ------------------------------------------------------------


def test_the_login_page_is_a_form(sandbox, oidc):
    response = oidc.get(realm(sandbox) + "/protocol/openid-connect/auth", params=auth_params())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'name="username"' in response.text and 'type="password"' in response.text


def test_an_unknown_client_is_refused_without_a_redirect(sandbox, oidc):
    response = log_in(sandbox, oidc, client_id="someone-else")
    assert response.status_code == 400 and "location" not in response.headers
    assert "Client not found" in response.text


@pytest.mark.parametrize(
    "uri",
    [
        "https://localhost:53682/",
        "http://localhost/",  # no port
        "http://example.com:53682/",
        "http://localhost.example.com:53682/",
        "http://user@localhost:53682/",
        "http://[::1]:53682/",
        "",
    ],
)
def test_a_redirect_uri_other_than_a_loopback_port_is_refused(sandbox, oidc, uri):
    response = log_in(sandbox, oidc, redirect_uri=uri)
    assert response.status_code == 400 and "location" not in response.headers
    assert "redirect_uri" in response.text


def test_127_0_0_1_is_a_loopback_redirect_too(sandbox, oidc):
    response = log_in(sandbox, oidc, redirect_uri="http://127.0.0.1:8123/cb")
    assert response.headers["location"].startswith("http://127.0.0.1:8123/cb?code=")


def test_only_the_code_response_type(sandbox, oidc):
    back = landed(log_in(sandbox, oidc, response_type="token"))
    assert back == {
        "error": "unsupported_response_type",
        "error_description": "Only code.",
        "state": "st-123",
    }


def test_only_s256_challenges(sandbox, oidc):
    back = landed(log_in(sandbox, oidc, code_challenge_method="plain"))
    assert back["error"] == "invalid_request"
    back = landed(log_in(sandbox, oidc, code_challenge_method=None))
    assert back["error"] == "invalid_request"


def test_a_wrong_password_stays_on_the_login_page(sandbox, oidc):
    response = log_in(sandbox, oidc, password="nope")
    assert response.status_code == 200 and "Invalid username or password" in response.text


def test_cancel_sends_access_denied_back_with_the_state(sandbox, oidc):
    path = realm(sandbox) + "/protocol/openid-connect/auth"
    response = oidc.post(path, params=auth_params(), data={"cancel": "on"})
    assert landed(response)["error"] == "access_denied"
    assert landed(response)["state"] == "st-123"


def test_the_state_is_echoed_exactly_and_left_out_when_not_sent(sandbox, oidc):
    assert landed(log_in(sandbox, oidc, state="a b&c=d"))["state"] == "a b&c=d"
    assert "state" not in landed(log_in(sandbox, oidc, state=None))


# --- the token endpoint --------------------------------------------------------------------


def test_the_code_becomes_signed_jwts(sandbox, oidc, server):
    answer = tokens(sandbox, oidc)
    access = answer["access_token"]
    header = json.loads(base64.urlsafe_b64decode(access.split(".")[0] + "=="))
    assert header == {"alg": "HS256", "typ": "JWT"}
    found = claims(access)
    assert found["exp"] - found["iat"] == answer["expires_in"] == 300
    assert found["preferred_username"] == "demo" and found["azp"] == CLIENT_ID
    assert answer["refresh_token"].count(".") == 2
    # the Server takes it as Bearer on its token endpoints, like the password login's JWT
    created = create_with(server, access)
    assert created.status_code == 200, created.text
    assert server.get("/api/account", headers=x_auth(created.json()["token"])).status_code == 200
    assert server.get("/api/account/tokens", headers=bearer(access)).status_code == 200
    # and nowhere else: not as the access token of the API
    assert server.get("/api/account", headers=x_auth(access)).status_code == 401


def test_without_pkce_as_conda_repo_cli_does(sandbox, oidc):
    back = landed(
        log_in(sandbox, oidc, state=None, code_challenge=None, code_challenge_method=None)
    )
    assert exchange(sandbox, oidc, back["code"], code_verifier=None).status_code == 200


def test_the_token_endpoint_takes_form_bodies_only(sandbox, oidc):
    code = landed(log_in(sandbox, oidc))["code"]
    body = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "code_verifier": VERIFIER,
    }
    response = oidc.post(realm(sandbox) + "/protocol/openid-connect/token", json=body)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_an_unknown_client_cannot_exchange(sandbox, oidc):
    code = landed(log_in(sandbox, oidc))["code"]
    response = exchange(sandbox, oidc, code, client_id="other")
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_a_code_works_once_and_a_replay_ends_its_session(sandbox, oidc, server):
    code = landed(log_in(sandbox, oidc))["code"]
    first = exchange(sandbox, oidc, code)
    assert first.status_code == 200
    again = exchange(sandbox, oidc, code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert create_with(server, first.json()["access_token"]).status_code == 401


def test_a_code_expires_after_60_seconds_on_the_sandbox_clock(sandbox, oidc):
    code = landed(log_in(sandbox, oidc))["code"]
    sandbox.clock = lambda: time.time() + 61
    response = exchange(sandbox, oidc, code)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"redirect_uri": "http://localhost:9999/"}, "Incorrect redirect_uri"),
        ({"code_verifier": "w" * 64}, "PKCE verification failed"),
        ({"code_verifier": None}, "PKCE verification failed"),
    ],
)
def test_the_exchange_must_match_the_authorization(sandbox, oidc, changes, why):
    code = landed(log_in(sandbox, oidc))["code"]
    response = exchange(sandbox, oidc, code, **changes)
    assert response.status_code == 400
    assert (
        response.json()["error"] == "invalid_grant" and why in response.json()["error_description"]
    )


def test_a_verifier_without_a_challenge_is_refused(sandbox, oidc):
    back = landed(log_in(sandbox, oidc, code_challenge=None, code_challenge_method=None))
    response = exchange(sandbox, oidc, back["code"])
    assert response.json()["error"] == "invalid_grant"


def test_an_unknown_grant_type(sandbox, oidc):
    form = {"grant_type": "password", "client_id": CLIENT_ID, "username": "demo"}
    response = oidc.post(realm(sandbox) + "/protocol/openid-connect/token", data=form)
    assert response.json()["error"] == "unsupported_grant_type"


def test_expiry_and_the_refresh_grant(sandbox, oidc, server):
    answer = tokens(sandbox, oidc)
    sandbox.clock = lambda: time.time() + 301  # the access token's 5 minutes are over
    assert create_with(server, answer["access_token"]).status_code == 401
    form = {"grant_type": "refresh_token", "refresh_token": answer["refresh_token"]}
    path = realm(sandbox) + "/protocol/openid-connect/token"
    refreshed = oidc.post(path, data={**form, "client_id": CLIENT_ID})
    assert refreshed.status_code == 200
    assert create_with(server, refreshed.json()["access_token"]).status_code == 200
    # an access token is not a refresh token, and a refresh token ends with the session idle time
    wrong = {**form, "refresh_token": refreshed.json()["access_token"], "client_id": CLIENT_ID}
    assert oidc.post(path, data=wrong).json()["error"] == "invalid_grant"
    sandbox.clock = lambda: time.time() + 1801
    late = oidc.post(path, data={**form, "client_id": CLIENT_ID})
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


def test_a_forged_jwt_is_refused_by_the_server(sandbox, oidc, server):
    access = tokens(sandbox, oidc)["access_token"]
    header, payload, signature = access.split(".")
    other = dict(claims(access), preferred_username="admin")
    forged_payload = base64.urlsafe_b64encode(json.dumps(other).encode()).rstrip(b"=").decode()
    assert create_with(server, f"{header}.{forged_payload}.{signature}").status_code == 401
    assert create_with(server, f"{header}.{payload}.{signature[:-2]}AA").status_code == 401


# --- the Server's side ---------------------------------------------------------------------


def test_an_sso_only_server_refuses_password_login(sandbox, server, oidc):
    sandbox.server_settings.sso_only = True
    login = {"username": "demo", "password": "demo-password"}
    response = server.post("/api/auth/login", json=login)
    assert response.status_code == 401 and "single sign-on" in response.json()["message"]
    assert create_with(server, tokens(sandbox, oidc)["access_token"]).status_code == 200


def test_the_password_login_answers_a_refresh_token_too(server):
    login = {"username": "demo", "password": "demo-password"}
    body = server.post("/api/auth/login", json=login).json()
    assert body["token"] and body["refresh_token"]


def test_an_expired_private_token_gets_401_at_the_repository(sandbox, server, session):
    created = create_token(server, session, NAVIGATOR_SCOPES)
    listing = server.get("/api/account/channels", headers=x_auth(created["token"]))
    channel = listing.json()["items"][0]["name"]
    path = f"/api/repo/t/{created['token']}/{channel}/noarch/repodata.json"
    assert server.get(path).status_code == 200
    sandbox.expire_token(created["id"])
    assert server.get(path).status_code == 401
    assert server.get("/api/account", headers=x_auth(created["token"])).status_code == 401


def test_faults_can_be_injected_at_the_provider(sandbox, oidc):
    sandbox.inject("html", "oidc", times=1)
    response = oidc.get(realm(sandbox) + "/.well-known/openid-configuration")
    assert response.headers["content-type"].startswith("text/html")
