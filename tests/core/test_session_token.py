"""A login session from the Server that cannot go into a header is the server's fault, said as
such (issue 22, point 15): before, a session with a line break was sent in ``Authorization``,
refused by the HTTP library, and blamed on the user's domain, user name or password."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from jupyter_repoconnect.core import ServiceUnavailable


class _Server(BaseHTTPRequestHandler):
    """/api/system answers like an Anaconda Server; the login's session has a line break."""

    def _json(self, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._json({"version": "6.6.0"})

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._json({"token": "eyJhbGciOi.J9\r\nX-Evil: 1", "refresh_token": "r"})

    def log_message(self, *args: Any) -> None:
        pass


def test_a_session_with_a_line_break_is_the_servers_fault(connector, snapshot):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    before = snapshot()
    try:
        domain = f"http://127.0.0.1:{httpd.server_address[1]}"
        with pytest.raises(ServiceUnavailable) as info:
            connector.connect("server", domain=domain, username="demo", password="pw")
    finally:
        httpd.shutdown()
        httpd.server_close()
    error = info.value
    assert error.code == "bad_response"
    assert "login session" in error.message
    assert "user name" not in error.message and "could not be revoked" not in error.message
    assert snapshot() == before


class _PlainSso(_Server):
    """An Anaconda Server whose single sign-on is on another machine, over plain http."""

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/api/auth/authorize"):
            self.send_response(302)
            target = "http://sso.example.invalid/auth/realms/corp/protocol/openid-connect/auth"
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()


def test_single_sign_on_over_plain_http_on_another_machine_is_not_started(connector, snapshot):
    """Issue 22, point 14: no surface sends a person to type a password into a plain-http page
    on another machine; refused before any request goes there (nothing leaves loopback)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _PlainSso)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    before = snapshot()
    try:
        domain = f"http://127.0.0.1:{httpd.server_address[1]}"
        with pytest.raises(ServiceUnavailable) as info:
            connector.start_sso(domain, service="server")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert info.value.code == "sso_not_offered"
    assert "unencrypted (http) address on sso.example.invalid" in info.value.message
    assert snapshot() == before
