"""The sandbox repository: one loopback HTTP server speaking the three services' APIs.

    with Sandbox(channels=50) as sb:
        sb.urls["server"]  # http://127.0.0.1:PORT/server

Run `python -m jupyter_repoconnect.testing.sandbox --help` for the command line.
"""

from __future__ import annotations

import argparse
import json
import secrets
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import cloud, control, enterprise, server
from .catalog import CLOUD_ORG, Catalog
from .faults import Fault, FaultBoard, fault_response, make_fault
from .records import SERVICES, TokenBook, TokenRecord
from .wire import Request, Response, json_response, split_request_path

DEFAULT_USERS = {"demo": "demo-password"}
_ROUTES: dict[str, Callable[[Sandbox, Request, str], Response]] = {
    "cloud": cloud.handle,
    "server": server.handle,
    "enterprise": enterprise.handle,
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sandbox: Sandbox

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (e.g. during an injected latency) is not worth a traceback."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "RepoConnectSandbox/1.0"
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silent: request lines may carry tokens (see Sandbox.request_log instead)."""

    def _handle(self) -> None:
        sb = self.server.sandbox
        path, query, token, masked = split_request_path(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        req = Request(self.command, path, query, self.headers, body, token)
        response = sb.dispatch(req)
        if not path.startswith("/_sandbox"):
            sb._record(self.command, masked, response.status)
        if response.drop:
            self.close_connection = True
            return
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD" and response.body:
            self.wfile.write(response.body)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class Sandbox:
    """A running fake of Cloud, Server and Enterprise 4 on 127.0.0.1 (port 0: any free port)."""

    def __init__(
        self,
        port: int = 0,
        users: Mapping[str, str] | None = None,
        cloud_tokens: Iterable[str] | None = None,
        channels: int = 50,
    ) -> None:
        self._port = port
        self._seed_users = dict(DEFAULT_USERS if users is None else users)
        self.users: dict[str, str] = dict(self._seed_users)
        self.catalog = Catalog(channels)
        self.tokens = TokenBook()
        self.faults = FaultBoard()
        seeds = list(cloud_tokens) if cloud_tokens is not None else [secrets.token_urlsafe(24)]
        for token in seeds:
            self.tokens.issue("cloud", "cloud", token=token, seeded=True, org=CLOUD_ORG)
        self.cloud_tokens: list[str] = seeds
        # (method, path with tokens masked, status; 0 = dropped) of service requests
        self.request_log: list[tuple[str, str, int]] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> Sandbox:
        """Bind and serve in a background thread; returns self."""
        if self._httpd is not None:
            return self
        httpd = _Server(("127.0.0.1", self._port), _Handler)
        httpd.sandbox = self
        self._stopping.clear()
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, name="repoconnect-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the sandbox is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def urls(self) -> dict[str, str]:
        """What a user types: Cloud repository URL, Server domain, Enterprise API URL."""
        base = self.base_url
        return {
            "cloud": f"{base}/cloud/repo/",
            "server": f"{base}/server",
            "enterprise": f"{base}/enterprise/api",
        }

    # -- tokens, users, faults -----------------------------------------------------------------

    @property
    def server_tokens(self) -> dict[str, TokenRecord]:
        """Private access tokens created on the server, by id."""
        return self.tokens.select("server", "private")

    @property
    def server_sessions(self) -> dict[str, TokenRecord]:
        """Short-lived login sessions of the server, by id."""
        return self.tokens.select("server", "session")

    @property
    def enterprise_tokens(self) -> dict[str, TokenRecord]:
        return self.tokens.select("enterprise")

    @property
    def cloud_token_records(self) -> dict[str, TokenRecord]:
        return self.tokens.select("cloud")

    def is_token_valid(self, token: str) -> bool:
        """True if `token` (a value) is known, unrevoked and unexpired."""
        record = self.tokens.find(token)
        return record is not None and record.token == token and record.valid

    def revoke_token(self, token: str) -> None:
        """Revoke a token given by value or id (KeyError if unknown)."""
        self.tokens.revoke(token)

    def expire_token(self, token: str) -> None:
        """Expire a token given by value or id (KeyError if unknown)."""
        self.tokens.expire(token)

    def add_cloud_token(self, ttl: float | None = None, org: str = CLOUD_ORG) -> str:
        """Mint another Cloud token (gone after reset()); `ttl` in seconds."""
        return self.tokens.issue("cloud", "cloud", ttl=ttl, org=org).token

    def add_user(self, name: str, password: str) -> None:
        """Add a user (gone after reset())."""
        self.users[name] = password

    def inject(
        self, kind: str, service: str | None = None, value: Any = None, times: int | None = None
    ) -> Fault:
        """Inject a fault: latency, status, html, garbage or drop (ValueError if invalid)."""
        return self.faults.add(make_fault(kind, service, value, times))

    def clear_faults(self) -> None:
        self.faults.clear()

    def reset(self) -> None:
        """Forget issued tokens, faults, added users and the request log."""
        self.tokens.reset()
        self.faults.clear()
        self.users.clear()
        self.users.update(self._seed_users)
        with self._lock:
            self.request_log.clear()
            self.errors.clear()

    def state(self) -> dict[str, Any]:
        """A secret-free snapshot (what GET /_sandbox/state answers)."""
        tokens = {s: [r.to_dict() for r in self.tokens.select(s).values()] for s in SERVICES}
        with self._lock:
            requests = len(self.request_log)
        return {
            "urls": self.urls,
            "users": sorted(self.users),
            "channels": len(self.catalog),
            "faults": [f.to_dict() for f in self.faults.list()],
            "tokens": tokens,
            "requests": requests,
        }

    # -- request handling -------------------------------------------------------------------

    def dispatch(self, req: Request) -> Response:
        """Route one request to its service, after any injected fault."""
        head, _, rest = req.path.lstrip("/").partition("/")
        rest = "/" + rest if rest or req.path.endswith("/") else ""
        try:
            if head == "_sandbox":
                return control.handle(self, req, rest)
            route = _ROUTES.get(head)
            if route is None:
                if req.path == "/" and req.method in ("GET", "HEAD"):
                    return json_response(200, {"urls": self.urls})
                return json_response(404, {"message": "Not found."})
            delay, fault = self.faults.take(head)
            if delay:
                self._stopping.wait(delay)
            if fault is not None:
                return fault_response(fault)
            return route(self, req, rest)
        except Exception:  # a sandbox bug must not kill the thread silently
            with self._lock:
                self.errors.append(traceback.format_exc())
            return json_response(500, {"message": "Sandbox internal error."})

    def _record(self, method: str, masked_path: str, status: int) -> None:
        with self._lock:
            self.request_log.append((method, masked_path, status))


def _user_pair(text: str) -> tuple[str, str]:
    name, sep, password = text.partition(":")
    if not sep or not name:
        raise argparse.ArgumentTypeError("expected NAME:PASSWORD")
    return name, password


def main(argv: list[str] | None = None) -> int:
    """`jupyter repoconnect sandbox`: serve until SIGINT/SIGTERM; first stdout line is JSON."""
    parser = argparse.ArgumentParser(
        prog="jupyter repoconnect sandbox",
        description="Run the sandbox repository (Cloud, Server, Enterprise 4) on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to bind (0: any free port)")
    parser.add_argument(
        "--user", type=_user_pair, action="append", metavar="NAME:PASSWORD", help="seed a user"
    )
    parser.add_argument("--token", action="append", metavar="TOKEN", help="seed a Cloud token")
    parser.add_argument("--channels", type=int, default=50, help="number of server channels")
    args = parser.parse_args(argv)
    if args.channels < 0:
        parser.error("--channels must be >= 0")
    users = dict(args.user) if args.user else None
    stop = threading.Event()
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        sb = Sandbox(args.port, users, args.token, args.channels)
        try:
            sb.start()
        except OSError as err:
            sys.stderr.write(f"Cannot start the sandbox on port {args.port}: {err.strerror}\n")
            return 1
        with sb:
            info = {
                **sb.urls,
                "users": dict(sb.users),
                "cloud_tokens": list(sb.cloud_tokens),
                "control": sb.base_url + "/_sandbox",
            }
            sys.stdout.write(json.dumps(info) + "\n")
            sys.stdout.flush()
            while not stop.wait(0.5):
                pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
