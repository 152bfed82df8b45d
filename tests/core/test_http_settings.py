"""TLS verification and proxies come from .condarc (and the administrator's settings)."""

import socket

import pytest

from jupyter_repoconnect.core import (
    BadInput,
    Connector,
    RepoConnectSettings,
    ServiceUnavailable,
    TLSFailure,
)
from jupyter_repoconnect.core.conda_config import http_settings
from jupyter_repoconnect.core.http import tls_verify


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("condarc", "setting", "expected"),
    [
        ({}, None, True),
        ({"ssl_verify": False}, None, False),
        ({"ssl_verify": "false"}, None, False),
        ({"verify_ssl": False}, None, False),  # conda's alias
        ({"ssl_verify": False}, True, True),
        ({}, False, False),
    ],
)
def test_verification_follows_condarc_unless_the_administrator_set_it(
    env, condarc, setting, expected
):
    http = http_settings(env.condarc, condarc)
    assert tls_verify(RepoConnectSettings(ssl_verify=setting), http) == expected


def test_missing_ca_bundle_is_named(env, connector, snapshot, sandbox):
    env.condarc.write_text("ssl_verify: /nowhere/ca.pem\n")
    before = snapshot()
    with pytest.raises(TLSFailure) as info:
        connector.connect("cloud", token=sandbox.cloud_tokens[0])
    assert "CA bundle /nowhere/ca.pem (named by ssl_verify in " in info.value.message
    assert "does not exist" in info.value.message
    assert snapshot() == before


def test_proxy_servers_are_used(env, connector, snapshot, sandbox):
    env.condarc.write_text(f"proxy_servers:\n  http: http://127.0.0.1:{dead_port()}\n")
    before = snapshot()
    with pytest.raises(ServiceUnavailable) as info:  # the dead proxy, not the live sandbox
        connector.connect("cloud", token=sandbox.cloud_tokens[0])
    assert "Could not connect" in info.value.message
    assert snapshot() == before
    env.condarc.write_text("proxy_servers:\n  http: 'not a url'\n")
    with pytest.raises(BadInput, match="invalid proxy URL"):
        Connector(RepoConnectSettings()).connect("cloud", token=sandbox.cloud_tokens[0])


def test_a_ca_bundle_of_the_settings_says_where_it_was_given(env):
    """Not "(named by ssl_verify in your administrator's)" (issue 22, point 15)."""
    http = http_settings(env.condarc, {})
    with pytest.raises(TLSFailure) as info:
        tls_verify(RepoConnectSettings(ssl_verify="/nowhere/ca.pem"), http)
    message = info.value.message
    assert "(given by --ca-bundle or the RepoConnectSettings.ssl_verify setting)" in message
    assert "administrator's)" not in message


def test_a_redirect_that_leads_nowhere_is_called_a_redirect():
    """Not "answered with garbage" (issue 22, point 15): a 3xx without a usable Location."""
    import httpx

    from jupyter_repoconnect.core.http import Caller

    caller = Caller(None, "Anaconda Server", "https://srv.example.com")
    for code in (300, 302, 304):
        with pytest.raises(ServiceUnavailable) as info:
            caller.json(httpx.Response(code, content=b"<p>moved</p>"))
        assert f"a redirect (HTTP {code})" in info.value.message
    with pytest.raises(ServiceUnavailable) as info:
        caller.json(httpx.Response(200, content=b"\x00\x01 not json"))
    assert "an answer that is not JSON" in info.value.message
