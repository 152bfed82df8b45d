"""``login server --sso`` in a terminal: a loopback listener takes the browser's redirect on
this machine; an address pasted on stdin finishes it when the browser runs elsewhere."""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core import Connector, Status

POLL = 0.2  # seconds between looks at the listener and the pasted lines


def sign_in_with_sso(
    connector: Connector,
    service: str,
    domain: str | None,
    trust_server: bool,
    *,
    open_browser: bool = True,
) -> Status:
    """Start, show the link (and open it), then finish by the listener or a pasted address."""
    from ..core.errors import Code, RepoConnectError
    from ..text.render import PASTE_HINT, inert

    start = connector.start_sso(domain, service=service, listen=True, trust_server=trust_server)
    try:
        print("Sign in with single sign-on in your browser:", flush=True)
        print(f"  {start.authorization_url}", flush=True)
        if open_browser:
            import webbrowser

            with contextlib.suppress(Exception):  # no browser here: the link is printed
                webbrowser.open(start.authorization_url, new=2)
        print(PASTE_HINT, flush=True)
        print(f"Waiting up to {start.expires_in // 60} minutes (Ctrl-C to cancel)...", flush=True)
        pasted = _stdin_lines()
        while True:
            progress = connector.sso_progress(start.id)
            if progress.state != "waiting":
                return connector.wait_sso(start.id)  # the status, or the failure raised
            try:
                line = pasted.get(timeout=POLL)
            except queue.Empty:
                continue
            if not line.strip():
                continue
            try:
                return connector.finish_sso(start.id, line)
            except RepoConnectError as exc:
                if exc.code not in (Code.BAD_REDIRECT_ADDRESS, Code.SSO_STATE_MISMATCH):
                    raise
                # never echo the line: it may hold a code
                print(f"{inert(exc.message)} Paste it again, or wait.", flush=True)
    finally:
        connector.cancel_sso(start.id)  # nothing after an outcome; else the listener stops


def _stdin_lines() -> queue.Queue[str]:
    """Lines typed or piped on stdin, read by a daemon thread (none: stdin is closed)."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        stream = sys.stdin
        if stream is None:
            return
        with contextlib.suppress(OSError, ValueError, UnicodeDecodeError):
            for line in stream:
                lines.put(line.rstrip("\r\n"))

    threading.Thread(target=read, name="repoconnect-sso-paste", daemon=True).start()
    return lines
