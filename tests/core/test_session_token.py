"""What a hostile or broken Anaconda Server answers during a sign-in is refused as the
server's fault, before it is used (issue 22, points 14 and 15)."""

from __future__ import annotations

from typing import Any

import pytest

from jupyter_repoconnect.core import ServiceUnavailable
from jupyter_repoconnect.testing.hostile import Answer, hostile_server

SYSTEM: Answer = (200, {}, {"version": "6.6.0"})  # /api/system as an Anaconda Server answers


def bad_session(method: str, path: str, root: str) -> Answer:
    if method == "POST":  # the login: a session with a line break
        return 200, {}, {"token": "eyJhbGciOi.J9\r\nX-Evil: 1", "refresh_token": "r"}
    return SYSTEM


def plain_http_sso(method: str, path: str, root: str) -> Answer:
    if path.startswith("/api/auth/authorize"):  # single sign-on elsewhere, over plain http
        target = "http://sso.example.invalid/auth/realms/corp/protocol/openid-connect/auth"
        return 302, {"Location": target}, None
    return SYSTEM


def test_a_session_with_a_line_break_is_the_servers_fault(connector: Any, snapshot: Any) -> None:
    """Before, the session went into a header, the HTTP library refused it, and the message
    blamed the user's domain, user name or password."""
    before = snapshot()
    with hostile_server(bad_session) as domain, pytest.raises(ServiceUnavailable) as info:
        connector.connect("server", domain=domain, username="demo", password="pw")
    error = info.value
    assert error.code == "bad_response"
    assert "login session" in error.message
    assert "user name" not in error.message and "could not be revoked" not in error.message
    assert snapshot() == before


def test_single_sign_on_over_plain_http_on_another_machine_is_not_started(
    connector: Any, snapshot: Any
) -> None:
    """No surface sends a person to type a password into a plain-http page on another
    machine; refused before any request goes there (nothing leaves loopback)."""
    before = snapshot()
    with hostile_server(plain_http_sso) as domain, pytest.raises(ServiceUnavailable) as info:
        connector.start_sso(domain, service="server")
    assert info.value.code == "sso_not_offered"
    assert "unencrypted (http) address on sso.example.invalid" in info.value.message
    assert snapshot() == before
