"""Anaconda Server single sign-on, driven for real against the sandbox's provider with httpx as
the browser: on the same machine (the loopback listener) and remote (the pasted address); every
failure leaves .condarc, the tokens and the state as they were."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import stat
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from jupyter_repoconnect.core import (
    AuthenticationRefused,
    BadInput,
    Conflict,
    Connector,
    NotConnected,
    RepoConnectSettings,
    ServiceUnavailable,
)
from jupyter_repoconnect.core.services.registry import SERVICES
from jupyter_repoconnect.core.state import StateStore

SESSION_FILE = "server-session.jwt"


def browser() -> httpx.Client:
    return httpx.Client(timeout=10, trust_env=False)  # no proxy for the loopback, as a browser


def sign_in_at_provider(url: str, user="demo", password="demo-password", cancel=False) -> str:
    """What a person does in the browser: open the sign-in page, fill the form, submit; the
    address the browser is sent to (the provider's 302) is returned, not followed."""
    with browser() as http:
        page = http.get(url)
        assert page.status_code == 200 and "<form" in page.text
        action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text)[1])
        target = str(httpx.URL(url).join(action))
        data = {"cancel": "on"} if cancel else {"username": user, "password": password}
        answer = http.post(target, data=data)
        assert answer.status_code == 302, answer.text
        return answer.headers["location"]


def query(address: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(address).query).items()}


def with_query(address: str, **changes) -> str:
    values = query(address)
    values.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        values.pop(key, None)
    base = address.split("?", 1)[0]
    return str(httpx.URL(base, params=values))


def token_posts(sandbox) -> list:
    """The requests to the provider's token endpoint."""
    return [r for r in sandbox.requests("oidc") if r[0] == "POST" and r[1].endswith("/token")]


def live_server_tokens(sandbox) -> list:
    return [r for r in sandbox.server_tokens.values() if r.valid]


def state(env):
    return StateStore(env.state_dir).load()


@pytest.fixture
def domain(sandbox) -> str:
    return sandbox.urls["server"]


# --- the flows -----------------------------------------------------------------------------


def test_sso_is_a_server_sign_in_method_after_password():
    methods = [m.id for m in SERVICES["server"].sign_in_methods]
    assert methods[:2] == ["password", "sso"]
    sso = SERVICES["server"].method("sso")
    assert (sso.fields, sso.submit) == ((), "Sign in with single sign-on")


@pytest.mark.parametrize("prefix", ["/auth", ""])
def test_remote_sign_in_with_the_pasted_address(env, connector, sandbox, domain, prefix):
    sandbox.oidc.path_prefix = prefix  # Keycloak before and after 17
    start = connector.start_sso(domain)
    asked = query(start.authorization_url)
    assert start.authorization_url.startswith(
        f"{sandbox.urls['oidc']}{prefix}/realms/anaconda/protocol/openid-connect/auth?"
    )
    assert asked["client_id"] == "repo-service-cli" and asked["response_type"] == "code"
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) == 43
    assert asked["redirect_uri"] == start.redirect_uri
    assert re.fullmatch(r"http://localhost:\d+/", start.redirect_uri)
    assert len(asked["state"]) >= 32 and not start.listening
    assert not (env.state_dir / SESSION_FILE).exists()  # nothing written before the end

    landed = sign_in_at_provider(start.authorization_url)
    status = connector.finish_sso(start.id, landed)

    assert (status.connected, status.service, status.username) == (True, "server", "demo")
    assert status.channel_alias == f"{domain}/api/repo"
    recorded = state(env)
    assert recorded.sign_in_method == "sso"
    assert [r.id for r in live_server_tokens(sandbox)] == [recorded.anaconda_server_token_id]
    assert connector.available_channels(limit=3).total > 0
    session = env.state_dir / SESSION_FILE
    assert stat.S_IMODE(os.stat(session).st_mode) == 0o600
    saved = json.loads(session.read_text())
    assert saved["refresh_token"] and saved["token_endpoint"].endswith("/openid-connect/token")
    assert saved["access_token"] not in repr(status.to_dict())
    # the code went to the provider once, form-encoded
    posts = token_posts(sandbox)
    assert len(posts) == 1 and posts[0][2] == 200

    connector.disconnect()  # revoked with the session, which is then gone
    assert not live_server_tokens(sandbox)
    assert not session.exists()


def test_same_machine_sign_in_through_the_loopback_listener(env, connector, sandbox, domain):
    start = connector.start_sso(domain, listen=True)
    assert start.listening and connector.sso_progress(start.id).state == "waiting"
    landed = sign_in_at_provider(start.authorization_url)
    with browser() as http:
        page = http.get(landed)  # the browser follows the redirect to the listener
    assert page.status_code == 200 and "You can close this tab." in page.text
    assert "Signed in" in page.text
    status = connector.wait_sso(start.id, timeout=10)
    assert status.connected and status.username == "demo"
    assert connector.sso_progress(start.id).state == "signed_in"
    with browser() as http, pytest.raises(httpx.ConnectError):
        http.get(landed)  # the listener took one redirect and stopped
    with pytest.raises(NotConnected) as info:
        connector.finish_sso(start.id, landed)  # a second finish: nothing waits any more
    assert info.value.code == "sso_not_pending"


def test_the_listener_ignores_another_sign_ins_address(env, connector, sandbox, domain):
    start = connector.start_sso(domain, listen=True)
    landed = sign_in_at_provider(start.authorization_url)
    with browser() as http:
        forged = http.get(with_query(landed, state="someone-elses"))
        assert forged.status_code == 200 and "not completed" in forged.text
        assert http.get(start.redirect_uri + "favicon.ico").status_code == 404
        assert http.get(landed).status_code == 200  # still listening for the real one
    assert connector.wait_sso(start.id, timeout=10).connected


def test_the_token_life_is_the_administrators(env, sandbox, domain):
    connector = Connector(RepoConnectSettings(timeout=3.0, server_token_days=30))
    start = connector.start_sso(domain)
    connector.finish_sso(start.id, sign_in_at_provider(start.authorization_url))
    (record,) = live_server_tokens(sandbox)
    days = dt.datetime.fromtimestamp(record.expires_at, dt.timezone.utc).date() - dt.date.today()
    assert days.days == 30


def test_an_administrator_offers_sso_first(env):
    assert Connector(RepoConnectSettings()).preferences().default_methods["server"] == "password"
    chosen = Connector(RepoConnectSettings(server_default_method="sso")).preferences()
    assert chosen.default_methods == {"cloud": "token", "server": "sso", "enterprise": "password"}


def test_an_sso_only_server_takes_sso(env, connector, sandbox, domain, snapshot):
    sandbox.server_settings.sso_only = True
    before = snapshot()
    with pytest.raises(AuthenticationRefused) as info:
        connector.connect("server", domain=domain, username="demo", password="demo-password")
    assert "single sign-on" in info.value.message
    assert snapshot() == before
    start = connector.start_sso(domain)
    assert connector.finish_sso(start.id, sign_in_at_provider(start.authorization_url)).connected


# --- failures: each leaves everything as it was --------------------------------------------


def refused(connector, sandbox, snapshot, error, code, call):
    before = snapshot()
    with pytest.raises(error) as info:
        call()
    assert info.value.code == code, info.value.message
    assert snapshot() == before
    assert not live_server_tokens(sandbox)
    assert not connector.status().connected
    return info.value


def test_denied_at_the_provider(env, connector, sandbox, domain, snapshot):
    start = connector.start_sso(domain)
    landed = sign_in_at_provider(start.authorization_url, cancel=True)
    assert query(landed)["error"] == "access_denied"
    error = refused(
        connector, sandbox, snapshot, AuthenticationRefused, "sso_denied",
        lambda: connector.finish_sso(start.id, landed),
    )  # fmt: skip
    assert "cancelled" in error.message
    with pytest.raises(NotConnected):  # that sign-in is over
        connector.finish_sso(start.id, landed)


@pytest.mark.parametrize("state_value", ["not-the-state", None])
def test_a_wrong_or_missing_state(env, connector, sandbox, domain, snapshot, state_value):
    start = connector.start_sso(domain)
    landed = sign_in_at_provider(start.authorization_url)
    refused(
        connector, sandbox, snapshot, AuthenticationRefused, "sso_state_mismatch",
        lambda: connector.finish_sso(start.id, with_query(landed, state=state_value)),
    )  # fmt: skip
    assert not token_posts(sandbox)  # the code was not sent
    assert connector.finish_sso(start.id, landed).connected  # the right address still works


@pytest.mark.parametrize(
    "address",
    [
        "",
        "not an address",
        "http://localhost:1/?code=x&state=y",  # another port: another sign-in
        "https://example.com/?code=x",
    ],
)
def test_an_address_that_is_not_the_redirect(env, connector, sandbox, domain, snapshot, address):
    start = connector.start_sso(domain)
    refused(
        connector, sandbox, snapshot, BadInput, "bad_redirect_address",
        lambda: connector.finish_sso(start.id, address),
    )  # fmt: skip
    assert connector.sso_progress(start.id).state == "waiting"


def test_an_address_without_the_code(env, connector, sandbox, domain, snapshot):
    start = connector.start_sso(domain)
    landed = sign_in_at_provider(start.authorization_url)
    refused(
        connector, sandbox, snapshot, BadInput, "bad_redirect_address",
        lambda: connector.finish_sso(start.id, with_query(landed, code=None)),
    )  # fmt: skip


def test_a_code_used_elsewhere_first(env, connector, sandbox, domain, snapshot):
    start = connector.start_sso(domain)
    landed = sign_in_at_provider(start.authorization_url)
    endpoint = sandbox.oidc.issuer(sandbox.urls["oidc"]) + "/protocol/openid-connect/token"
    form = {
        "grant_type": "authorization_code",
        "client_id": "repo-service-cli",
        "code": query(landed)["code"],
        "redirect_uri": start.redirect_uri,
        "code_verifier": "x" * 50,
    }
    assert httpx.post(endpoint, data=form).status_code == 400  # spent by someone else
    error = refused(
        connector, sandbox, snapshot, AuthenticationRefused, "sso_code_refused",
        lambda: connector.finish_sso(start.id, landed),
    )  # fmt: skip
    assert "invalid_grant" in error.message


def test_an_expired_code(env, connector, sandbox, domain, snapshot):
    start = connector.start_sso(domain)
    landed = sign_in_at_provider(start.authorization_url)
    sandbox.clock = lambda: time.time() + 61
    refused(
        connector, sandbox, snapshot, AuthenticationRefused, "sso_code_refused",
        lambda: connector.finish_sso(start.id, landed),
    )  # fmt: skip


def test_a_sign_in_left_waiting_too_long(env, connector, sandbox, domain, snapshot):
    start = connector.start_sso(domain)
    landed = sign_in_at_provider(start.authorization_url)
    connector._sso.get(start.id).deadline = time.monotonic() - 1
    refused(
        connector, sandbox, snapshot, NotConnected, "sso_not_pending",
        lambda: connector.finish_sso(start.id, landed),
    )  # fmt: skip
    with pytest.raises(NotConnected):
        connector.sso_progress("no-such-id")


@pytest.mark.parametrize(
    ("fault", "code"),
    [("status", "service_unavailable"), ("drop", "service_unavailable"), ("html", "bad_response")],
)
def test_the_provider_down_or_answering_a_page(
    env, connector, sandbox, domain, snapshot, fault, code
):
    start = connector.start_sso(domain)
    landed = sign_in_at_provider(start.authorization_url)
    sandbox.inject(fault, "oidc")
    refused(
        connector, sandbox, snapshot, ServiceUnavailable, code,
        lambda: connector.finish_sso(start.id, landed),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("fault", "code"), [("status", "service_unavailable"), ("html", "bad_response")]
)
def test_no_start_when_the_provider_cannot_describe_itself(
    env, connector, sandbox, domain, snapshot, fault, code
):
    sandbox.inject(fault, "oidc")
    refused(
        connector, sandbox, snapshot, ServiceUnavailable, code,
        lambda: connector.start_sso(domain),
    )  # fmt: skip


def test_a_server_without_sso(env, connector, sandbox, domain, snapshot):
    sandbox.server_settings.sso = False
    error = refused(
        connector, sandbox, snapshot, ServiceUnavailable, "sso_not_offered",
        lambda: connector.start_sso(domain),
    )  # fmt: skip
    assert "password or an access token" in error.message


def test_sso_is_two_steps_not_a_connect(env, connector, sandbox, domain, snapshot):
    refused(
        connector, sandbox, snapshot, BadInput, "bad_method",
        lambda: connector.connect("server", domain=domain, method="sso"),
    )  # fmt: skip
    with pytest.raises(BadInput) as info:
        connector.start_sso(service="cloud")
    assert info.value.code == "bad_method"


def test_no_second_connection(env, connector, sandbox, domain):
    token = sandbox.cloud_tokens[0]
    connector.connect("cloud", token=token)
    with pytest.raises(Conflict) as info:
        connector.start_sso(domain)
    assert info.value.code == "already_connected"


def test_connected_elsewhere_before_the_browser_came_back(env, connector, sandbox, domain):
    start = connector.start_sso(domain)
    landed = sign_in_at_provider(start.authorization_url)
    connector.connect("server", domain=domain, username="demo", password="demo-password")
    with pytest.raises(Conflict):
        connector.finish_sso(start.id, landed)
    assert len(live_server_tokens(sandbox)) == 1  # the code was never exchanged for a second


# --- the login session ---------------------------------------------------------------------


def test_sign_out_refreshes_an_expired_session_to_revoke(env, connector, sandbox, domain):
    sandbox.oidc.access_ttl = 20  # under the 30 s margin: expired for the client at once
    start = connector.start_sso(domain)
    connector.finish_sso(start.id, sign_in_at_provider(start.authorization_url))
    status = connector.disconnect()
    assert not live_server_tokens(sandbox)  # revoked with a refreshed JWT
    assert len(token_posts(sandbox)) == 2  # the code, then the refresh
    assert not any("could not be revoked" in w for w in status.warnings)
    assert not (env.state_dir / SESSION_FILE).exists()


def test_sign_out_says_when_the_session_cannot_be_renewed(env, connector, sandbox, domain):
    sandbox.oidc.access_ttl = 20
    start = connector.start_sso(domain)
    connector.finish_sso(start.id, sign_in_at_provider(start.authorization_url))
    sandbox.clock = lambda: time.time() + 3600  # the provider's session is over
    status = connector.disconnect()
    assert any("could not be revoked" in w for w in status.warnings)
    assert len(live_server_tokens(sandbox)) == 1 and not status.connected


def test_a_spent_session_is_deleted(env, connector, sandbox, domain):
    sandbox.oidc.access_ttl, sandbox.oidc.refresh_ttl = 20, 1
    start = connector.start_sso(domain)
    connector.finish_sso(start.id, sign_in_at_provider(start.authorization_url))
    session = env.state_dir / SESSION_FILE
    assert session.exists()
    time.sleep(1.1)
    assert connector.status().connected
    assert not session.exists()  # nothing can revoke with it any more


def test_a_password_session_is_kept_while_it_lives(env, connector, sandbox, domain):
    connector.connect("server", domain=domain, username="demo", password="demo-password")
    session = env.state_dir / SESSION_FILE
    assert session.read_text().count(".") == 2  # the bare JWT, as before
    connector.status()
    assert session.exists()
    connector.disconnect()
    assert not live_server_tokens(sandbox) and not session.exists()
