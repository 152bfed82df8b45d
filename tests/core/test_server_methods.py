"""Anaconda Server: sign in with an access token made on the server's web page, sub-channels
by their real names, and a token's expiry said before and after it comes."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from jupyter_repoconnect.core import AuthenticationRefused, BadInput, NotConnected
from jupyter_repoconnect.core.connector import expiry_warnings
from jupyter_repoconnect.core.services.registry import SERVICES
from jupyter_repoconnect.core.services.server import ServerService

from .conftest import ORIGINAL_CONDARC


def web_page_token(sandbox, name: str = "made-on-the-web-page") -> tuple[str, str]:
    """What a user does on the server's web page: log in, create a private access token."""
    domain = sandbox.urls["server"]
    with httpx.Client(base_url=domain) as http:
        login = {"username": "demo", "password": "demo-password"}
        session = http.post("/api/auth/login", json=login).json()["token"]
        created = http.post(
            "/api/account/tokens",
            headers={"Authorization": f"Bearer {session}"},
            json={"name": name, "expires_at": "2999-01-01", "scopes": list(_scopes())},
        ).json()
    return created["token"], created["id"]


def _scopes() -> list[str]:
    from jupyter_repoconnect.core.services.server import TOKEN_SCOPES

    return TOKEN_SCOPES


def test_the_server_offers_password_sso_and_access_token():
    methods = [m.id for m in SERVICES["server"].sign_in_methods]
    assert methods == ["password", "sso", "access_token"]


def test_access_token_sign_in_and_sign_out(env, connector, sandbox, snapshot):
    token, token_id = web_page_token(sandbox)
    before = snapshot()
    status = connector.connect(
        "server", domain=sandbox.urls["server"], token=token, method="access_token"
    )
    assert (status.connected, status.username, status.source) == (True, "demo", "repoconnect")
    assert status.channel_alias == sandbox.urls["server"] + "/api/repo"
    assert connector.available_channels(limit=5).total > 0  # the channel list works with it
    signed_out = connector.disconnect()
    after = snapshot()
    # .condarc and the token store as before; the state keeps only the remembered domain
    assert {k: v for k, v in after.items() if not k.endswith(".ini")} == before
    assert any("was not created here, so it was not revoked" in w for w in signed_out.warnings)
    assert sandbox.server_tokens[token_id].valid  # not ours to revoke


def test_a_refused_access_token_changes_nothing(env, connector, sandbox, snapshot):
    before = snapshot()
    with pytest.raises(AuthenticationRefused) as info:
        connector.connect(
            "server", domain=sandbox.urls["server"], token="0" * 40, method="access_token"
        )
    assert info.value.code == "invalid_token"
    assert snapshot() == before


def test_an_unknown_method_is_bad_input(env, connector, sandbox):
    with pytest.raises(BadInput) as info:
        connector.connect("cloud", token="x", method="password")
    assert info.value.code == "bad_method"


def test_a_sub_channel_item_is_named_parent_slash_name():
    server = ServerService(caller=None, domain="https://srv")  # type: ignore[arg-type]
    sub = server._channel({"name": "stable", "parent": "internal-tools", "privacy": "private"})
    top = server._channel({"name": "internal-tools"})
    assert (sub.name, sub.url) == (
        "internal-tools/stable",
        "https://srv/api/repo/internal-tools/stable",
    )
    assert top.name == "internal-tools"


def test_the_password_sign_in_records_the_tokens_expiry(env, connector, sandbox):
    status = connector.connect(
        "server", domain=sandbox.urls["server"], username="demo", password="demo-password"
    )
    assert status.expires_at is not None
    days = (dt.date.fromisoformat(status.expires_at[:10]) - dt.date.today()).days
    assert 80 <= days <= 100  # TOKEN_DAYS, as the server confirmed it
    assert not [w for w in status.warnings if "expire" in w]


def test_expiry_is_said_two_weeks_before_and_after():
    today = dt.date(2026, 12, 4)
    assert expiry_warnings("2027-01-30", "https://srv", today) == []
    soon = expiry_warnings("2026-12-10", "https://srv", today)
    assert len(soon) == 1 and "expires in 6 days" in soon[0] and "sign in again" in soon[0]
    assert "expires today" in expiry_warnings("2026-12-04T00:00:00Z", "https://srv", today)[0]
    past = expiry_warnings("2026-12-01", "https://srv", today)
    assert "expired on 1 December 2026" in past[0] and "refuses" in past[0]
    assert expiry_warnings("not a date", "https://srv", today) == []  # a damaged record


def test_the_picker_lists_sub_channels_by_their_real_names(env, connector, sandbox):
    connector.connect(
        "server", domain=sandbox.urls["server"], username="demo", password="demo-password"
    )
    names = [c.name for c in connector.available_channels(q="internal-tools").items]
    assert {"internal-tools", "internal-tools/stable", "internal-tools/dev"} <= set(names)
    assert "stable" not in names  # a bare sub-channel name would be another channel to conda
    connector.add_channels(["internal-tools/stable"])
    assert connector.doctor().ok  # conda reaches /api/repo/t/<TOKEN>/internal-tools/stable


def test_renew_replaces_the_token_keeps_channels_and_revokes_the_old(env, connector, sandbox):
    login = {"username": "demo", "password": "demo-password"}
    connector.connect("server", domain=sandbox.urls["server"], **login)
    connector.add_channels(["internal-tools"])
    condarc = env.condarc.read_bytes()
    state = connector.state_store.load()
    old_id, old_token = state.anaconda_server_token_id, state.anaconda_server_token

    status = connector.renew(**login)
    new = connector.state_store.load()
    assert status.connected and status.expires_at
    assert new.anaconda_server_token != old_token and new.anaconda_server_token_id != old_id
    assert env.condarc.read_bytes() == condarc  # the channels chosen are kept
    assert not sandbox.server_tokens[old_id].valid  # the old token is revoked
    assert connector.doctor().ok  # conda reaches the channel with the new token
    connector.disconnect()
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC  # the original is still the saved one


def test_renew_with_a_new_access_token(env, connector, sandbox):
    first, _ = web_page_token(sandbox, "first")
    connector.connect("server", domain=sandbox.urls["server"], token=first, method="access_token")
    second, _ = web_page_token(sandbox, "second")
    status = connector.renew(token=second)
    assert status.connected
    assert connector.state_store.load().anaconda_server_token == second


def test_renew_needs_a_sign_in_made_here(env, connector, sandbox):
    with pytest.raises(NotConnected):
        connector.renew(username="demo", password="demo-password")


def test_a_refused_renew_keeps_the_connection(env, connector, sandbox, snapshot):
    connector.connect(
        "server", domain=sandbox.urls["server"], username="demo", password="demo-password"
    )
    before = snapshot()
    with pytest.raises(AuthenticationRefused):
        connector.renew(username="demo", password="wrong")
    assert snapshot() == before
    assert connector.status().connected
