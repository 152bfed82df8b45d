"""Values a hostile server sends that the core must check before storing them (issue 22,
point 13): tokens with a line break, a space, a ``/`` or 100 KB; channel URLs with a query.

The sandbox's ``token`` fault (jupyter_repoconnect/testing/faults.py) makes the endpoint that
issues a token answer with the fault's text instead; the token it stands for is created all
the same, so a sign-in that refuses it must also revoke it.
"""

from __future__ import annotations

from typing import Any

import pytest

from jupyter_repoconnect.core import BadInput, Connector, RepoConnectError, RepoConnectSettings

from .conftest import PASSWORD

MALFORMED = {
    "line break": "abc123\ndeadbeef",
    "100 KB": "a" * 100_000,
    "slash": "abc/../def",
    "space": "abc def",
    "escape sequence": "abc\x1b]0;owned\x07",
}


def _valid(sandbox: Any, service: str) -> list[str]:
    records = sandbox.server_tokens if service == "server" else sandbox.enterprise_tokens
    return [r.id for r in records.values() if sandbox.is_token_valid(r.token)]


@pytest.mark.parametrize("service", ["server", "enterprise"])
@pytest.mark.parametrize("label", list(MALFORMED))
def test_a_malformed_token_from_the_server_is_refused_and_nothing_written(
    env: Any, service: str, label: str
) -> None:
    sandbox = env.sandbox
    valid_before = _valid(sandbox, service)
    before = env.snapshot()
    sandbox.inject("token", service=service, value=MALFORMED[label], times=1)
    connector = Connector(RepoConnectSettings(timeout=3.0))
    with pytest.raises(RepoConnectError) as caught:
        connector.connect(service, domain=sandbox.urls[service], username="demo", password=PASSWORD)
    error = caught.value
    assert error.code == "bad_response", error.message
    assert "it was not stored and nothing was changed" in error.message
    assert MALFORMED[label][:20] not in error.message  # a secret is never repeated
    assert env.snapshot() == before, "a refused token changed files"
    assert not sandbox.faults.list(), "the fault was not used: the test proves nothing"
    if service == "server":
        # the Server's token was created before it was seen: the undo found it by name
        assert _valid(sandbox, service) == valid_before, "the refused token stays valid"
    # Enterprise 4 hands out only the token itself: one never learnt cannot be revoked, and
    # anaconda-client's note + hostname rule replaces it at the next login (protocols.md).
    assert not connector.status().connected


def test_a_well_formed_token_still_signs_in(env: Any) -> None:
    sandbox = env.sandbox
    status = Connector(RepoConnectSettings(timeout=3.0)).connect(
        "server", domain=sandbox.urls["server"], username="demo", password=PASSWORD
    )
    assert status.connected


@pytest.mark.parametrize(
    "suffix",
    ["?x=1", "?", "#frag", "/?token=abc", "#"],
    ids=["query", "bare ?", "fragment", "q", "#"],
)
def test_a_channel_url_with_a_query_is_not_stored_as_a_name(env: Any, suffix: str) -> None:
    sandbox = env.sandbox
    connector = Connector(RepoConnectSettings(timeout=3.0))
    connector.connect("server", domain=sandbox.urls["server"], username="demo", password=PASSWORD)
    alias = sandbox.urls["server"].rstrip("/") + "/api/repo"
    before = env.condarc.read_bytes()
    with pytest.raises(BadInput) as caught:
        connector.add_channels([f"{alias}/main{suffix}"])
    assert caught.value.code == "bad_channel"
    assert env.condarc.read_bytes() == before
    assert b"main?" not in env.condarc.read_bytes()
    # the same channel without the query is written by name, as Navigator does
    connector.add_channels([f"{alias}/main"])
    assert b"- main\n" in env.condarc.read_bytes()


@pytest.mark.parametrize("label", ["line break", "100 KB", "space"])
def test_a_malformed_organisation_token_is_refused(env: Any, label: str) -> None:
    from jupyter_repoconnect.core.http import Caller, make_client
    from jupyter_repoconnect.core.services.account import AccountService
    from jupyter_repoconnect.testing.catalog import CLOUD_ORG

    sandbox = env.sandbox
    domain = sandbox.urls["account"]
    account = AccountService(
        Caller(make_client(RepoConnectSettings(timeout=3.0)), "anaconda.com", domain), domain
    )
    api_key = sandbox.account.add_api_key()
    token, _ = account.reissue_token(api_key, CLOUD_ORG)  # the sandbox's own token passes
    assert token
    sandbox.inject("token", service="account", value=MALFORMED[label], times=1)
    with pytest.raises(RepoConnectError) as caught:
        account.reissue_token(api_key, CLOUD_ORG)
    assert caught.value.code == "bad_response"
    assert "repository token" in caught.value.message
    assert not sandbox.faults.list()


@pytest.mark.parametrize("label", ["line break", "100 KB", "space"])
def test_a_malformed_api_key_is_refused(env: Any, label: str) -> None:
    from jupyter_repoconnect.core.http import Caller, make_client
    from jupyter_repoconnect.core.services.account import AccountService

    sandbox = env.sandbox
    domain = sandbox.urls["account"]
    account = AccountService(
        Caller(make_client(RepoConnectSettings(timeout=3.0)), "anaconda.com", domain), domain
    )
    endpoints = account.endpoints()
    device = account.start_device(endpoints)
    sandbox.account.approve(device.user_code)
    poll = account.poll(endpoints, device.device_code)
    assert poll.state == "done"
    sandbox.inject("token", service="account", value=MALFORMED[label], times=1)
    with pytest.raises(RepoConnectError) as caught:
        account.create_api_key(poll.access_token)
    assert caught.value.code == "bad_response"
    assert "API key" in caught.value.message
    assert not sandbox.faults.list()


@pytest.mark.parametrize(
    "expiry",
    ["2099-01-01\x1b]0;owned\x07", "9" * 100_000, "next tuesday", "2099-13-45"],
    ids=["escape", "100 KB", "words", "no such date"],
)
def test_an_unusable_expiry_from_the_server_is_not_stored(env: Any, expiry: str) -> None:
    from jupyter_repoconnect.core.state import StateStore

    sandbox = env.sandbox
    sandbox.inject("token", service="server", value={"expires_at": expiry}, times=1)
    status = Connector(RepoConnectSettings(timeout=3.0)).connect(
        "server", domain=sandbox.urls["server"], username="demo", password=PASSWORD
    )
    assert not sandbox.faults.list(), "the fault was not used: the test proves nothing"
    assert status.connected
    assert status.expires_at is None  # unknown, rather than the server's text
    assert StateStore(env.state_dir).load().token_expires_at is None
    assert expiry[:12].encode() not in StateStore(env.state_dir).ini.read_bytes()


def test_a_real_expiry_is_kept(env: Any) -> None:
    from jupyter_repoconnect.core.state import StateStore

    sandbox = env.sandbox
    Connector(RepoConnectSettings(timeout=3.0)).connect(
        "server", domain=sandbox.urls["server"], username="demo", password=PASSWORD
    )
    kept = StateStore(env.state_dir).load().token_expires_at
    assert kept and kept[:4].isdigit()
