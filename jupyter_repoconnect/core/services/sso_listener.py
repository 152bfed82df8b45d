"""The loopback listener of a single sign-on on the same machine as the browser (the CLI, the
magic, desktop JupyterLab): it takes the browser's redirect once, hands the address on and
answers a small "You can close this tab" page — conda-repo-cli's local auth server, for one
request.

On a remote Jupyter the browser cannot reach it; the user pastes the address instead
(``Connector.finish_sso``). Whichever comes first finishes the sign-in.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..errors import BadInput, Code


class RedirectListener:
    """Listens on ``127.0.0.1:<free port>`` until the first redirect, then stops.

    ``deliver(address)`` runs in the listener's thread, one redirect at a time, and returns
    ``(finished, stop, message)``: whether the sign-in finished, whether to stop listening (not
    for an address of another sign-in) and what the page says.
    """

    def __init__(self, deliver: Callable[[str], tuple[bool, bool, str]]) -> None:
        self._deliver = deliver
        self._once = threading.Lock()
        self._delivered = False
        try:
            self._server = HTTPServer(("127.0.0.1", 0), _Handler)
        except OSError as exc:
            raise BadInput(
                f"No local port could be opened for the single sign-on redirect ({exc.strerror}); "
                "paste the address the browser lands on instead.",
                code=Code.BAD_REDIRECT_ADDRESS,
            ) from None
        self._server.listener = self  # type: ignore[attr-defined]
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="repoconnect-sso-listener",
            daemon=True,
        )
        self._closed = False

    @property
    def redirect_uri(self) -> str:
        return f"http://localhost:{self.port}/"

    def start(self) -> RedirectListener:
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop listening (from any thread, also the listener's own)."""
        if self._closed:
            return
        self._closed = True
        if threading.current_thread() is self._thread:
            threading.Thread(target=self._stop, daemon=True).start()
        else:
            self._stop()

    def _stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> RedirectListener:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _receive(self, path: str) -> tuple[int, str, str]:
        """(status, title, text) of the page answering the request for ``path``."""
        parts = urlsplit(path)
        query = parse_qs(parts.query)
        if parts.path != "/" or not ({"code", "error"} & set(query)):
            return 404, "Not found", "This address only takes the single sign-on redirect."
        with self._once:
            if self._delivered:
                return 409, "Already received", "The sign-in was already received. " + CLOSE
            finished, stop, message = self._deliver(f"http://localhost:{self.port}{path}")
            self._delivered = stop
        if stop:
            self.close()
        if finished:
            return 200, "Signed in", f"{message} {CLOSE}"
        return 200, "Sign-in not completed", f"{message} {CLOSE}"


CLOSE = "You can close this tab."


class _Handler(BaseHTTPRequestHandler):
    server: Any
    server_version = "jupyter_repoconnect"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silent: the request line holds the sign-in code."""

    def do_GET(self) -> None:  # noqa: N802
        status, title, text = self.server.listener._receive(self.path)
        page = (
            f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)}'
            f"</title></head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
            "</body></html>\n"
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        self.wfile.write(page)
