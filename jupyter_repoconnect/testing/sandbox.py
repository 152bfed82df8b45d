"""The sandbox repository: the three services and the anaconda.com account on loopback, each at
the root of its own port (as each real service is at the root of its own host), plus a control
port for the tests.

    with Sandbox(channels=50) as sb:
        sb.urls["server"]  # http://127.0.0.1:PORT (the domain a user types)

Run `python -m jupyter_repoconnect.testing.sandbox --help` for the command line.
"""

from __future__ import annotations

import argparse
import json
import secrets
import signal
import ssl
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple

from . import account, cloud, control, enterprise, oidc, server
from .catalog import CLOUD_ORG, Catalog, ChannelInfo
from .faults import Fault, FaultBoard, fault_response, issues_token, make_fault, swap_token
from .packages import PackageShelf
from .records import SERVICES, TokenBook, TokenRecord
from .wire import Request, Response, json_response, split_request_path

DEFAULT_USERS = {"demo": "demo-password"}
_ROUTES: dict[str, Callable[[Sandbox, Request], Response]] = {
    "cloud": cloud.handle,
    "server": server.handle,
    "enterprise": enterprise.handle,
    "account": account.handle,  # anaconda.com: the Anaconda Cloud account
    "oidc": oidc.handle,  # the Server's single sign-on provider (Keycloak)
}
CONTROL = "_sandbox"


class LoggedRequest(NamedTuple):
    """One request a service answered; `path` has tokens and secret query values masked."""

    method: str
    path: str
    status: int  # 0: the connection was dropped
    service: str


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a burst of clients must not see connection retries
    sandbox: Sandbox
    service: str  # a service id, or CONTROL

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (e.g. during an injected latency) or did not trust our test
        certificate is not worth a traceback."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "RepoConnectSandbox/1.0"
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silent: request lines may carry tokens (see Sandbox.request_log instead)."""

    def _handle(self) -> None:
        sb, service = self.server.sandbox, self.server.service
        path, query, token, masked = split_request_path(self.path, service)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or self.headers.get("Transfer-Encoding"):
            self.send_error(400 if length < 0 else 411)
            return
        body = self.rfile.read(length) if length > 0 else b""
        req = Request(self.command, path, query, self.headers, body, token)
        generation = sb.generation  # a request that outlives a reset() is not logged after it
        response = sb.dispatch(service, req)
        if service != CONTROL:
            sb._record(LoggedRequest(self.command, masked, response.status, service), generation)
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
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._port = port
        self._ssl_context = ssl_context
        self._seed_users = dict(DEFAULT_USERS if users is None else users)
        self.users: dict[str, str] = dict(self._seed_users)
        self.catalog = Catalog(channels)
        self.packages = PackageShelf()  # package files, each made once per sandbox
        self.tokens = TokenBook()
        self.faults = FaultBoard()
        self.account = account.AccountBook()
        self.clock: Callable[[], float] = time.time  # the OIDC provider's; tests may move it
        self.oidc = oidc.OidcBook(self.users, clock=lambda: self.clock())
        self.server_settings = server.ServerSettings()
        seeds = list(cloud_tokens) if cloud_tokens is not None else [secrets.token_hex(20)]
        for token in seeds:
            self.tokens.issue("cloud", "cloud", token=token, seeded=True, org=CLOUD_ORG)
        self.cloud_tokens: list[str] = seeds
        self.request_log: list[LoggedRequest] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._interrupt = threading.Event()  # wakes requests held by an injected latency
        self.generation = 0  # counts reset()s
        self._servers: dict[str, _Server] = {}
        self._threads: list[threading.Thread] = []

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> Sandbox:
        """Bind the control port and one port per service; serve in background threads.

        With `port` set, the control port is `port` and the services take the next five.
        """
        if self._servers:
            return self
        try:
            for offset, name in enumerate((CONTROL, *_ROUTES)):
                httpd = _Server(("127.0.0.1", self._port + offset if self._port else 0), _Handler)
                httpd.sandbox, httpd.service = self, name
                if self._ssl_context is not None and name != CONTROL:
                    httpd.socket = self._ssl_context.wrap_socket(
                        httpd.socket, server_side=True, do_handshake_on_connect=False
                    )
                self._servers[name] = httpd
        except BaseException:
            self._close()
            raise
        self._stopping.clear()
        self._interrupt = threading.Event()
        for name, httpd in self._servers.items():
            thread = threading.Thread(
                target=httpd.serve_forever,
                kwargs={"poll_interval": 0.05},  # four servers stop in turn: keep it quick
                name=f"repoconnect-sandbox-{name}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving and release the ports."""
        if not self._servers:
            return
        self._stopping.set()
        self._interrupt.set()
        for httpd in self._servers.values():
            httpd.shutdown()
        self._close()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()

    def _close(self) -> None:
        for httpd in self._servers.values():
            httpd.server_close()
        self._servers.clear()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _root(self, name: str) -> str:
        httpd = self._servers.get(name)
        if httpd is None:
            raise RuntimeError("the sandbox is not running")
        scheme = "https" if self._ssl_context is not None and name != CONTROL else "http"
        return f"{scheme}://127.0.0.1:{httpd.server_address[1]}"

    @property
    def port(self) -> int:
        """The control port."""
        return int(self._root(CONTROL).rsplit(":", 1)[1])

    @property
    def base_url(self) -> str:
        """The control endpoint's root (`/_sandbox/...`); no service answers here."""
        return self._root(CONTROL)

    def root(self, service: str) -> str:
        """The root URL of a service's host, e.g. `http://127.0.0.1:PORT`."""
        return self._root(service)

    @property
    def urls(self) -> dict[str, str]:
        """What a user types: Cloud repository URL, Server domain, Enterprise API URL."""
        return {
            "cloud": self._root("cloud") + "/repo/",
            "server": self._root("server"),
            "enterprise": self._root("enterprise") + "/api",
            "account": self._root("account"),  # the account domain (https://anaconda.com)
            "oidc": self._root("oidc"),  # the Server's single sign-on provider
        }

    def requests(self, service: str) -> list[tuple[str, str, int]]:
        """(method, masked path, status) of the requests one service answered, in order."""
        with self._lock:
            return [(r.method, r.path, r.status) for r in self.request_log if r.service == service]

    def logged_requests(self, service: str | None = None) -> list[LoggedRequest]:
        """A copy of the request log (all services, or one), oldest first."""
        with self._lock:
            return [r for r in self.request_log if service is None or r.service == service]

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
        self,
        kind: str,
        service: str | None = None,
        value: Any = None,
        times: int | None = None,
        path: str | None = None,
    ) -> Fault:
        """Inject a fault: latency, status, html, garbage, drop, token or late (ValueError if
        invalid); ``path``: only requests whose path contains it."""
        return self.faults.add(make_fault(kind, service, value, times, path))

    def add_channel(self, name: str, description: str = "", privacy: str = "public") -> None:
        """Add a Server channel with any name and description, as a hostile server may send
        them (escape sequences, bidi controls, markup); forgotten at :meth:`reset`."""
        if not isinstance(name, str) or not name or "/" in name or len(name) > 10_000:
            raise ValueError("name must be non-empty text without '/' (at most 10,000 chars)")
        if not isinstance(description, str) or len(description) > 100_000:
            raise ValueError("description must be text of at most 100,000 characters")
        if privacy not in ("public", "authenticated", "private"):
            raise ValueError("privacy must be public, authenticated or private")
        self.catalog.add(ChannelInfo(name, privacy, description, 0, "admin"))

    def clear_faults(self) -> None:
        self.faults.clear()

    def reset(self) -> None:
        """Forget issued tokens, faults, added users and the request log."""
        self.tokens.reset()
        self.account.reset()
        self.oidc.reset()
        self.clock = time.time
        self.server_settings = server.ServerSettings()
        self.faults.clear()
        self.catalog.remove_added()
        self.users.clear()
        self.users.update(self._seed_users)
        with self._lock:
            self.generation += 1
            self.request_log.clear()
            self.errors.clear()
            self._interrupt.set()  # an earlier test's delayed request ends now, unanswered
            self._interrupt = threading.Event()

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

    def dispatch(self, service: str, req: Request) -> Response:
        """Answer one request to `service` (or the control port), after any injected fault."""
        try:
            if service == CONTROL:
                if req.path == "/" and req.method in ("GET", "HEAD"):
                    return json_response(200, {"urls": self.urls})
                head, _, rest = req.path.lstrip("/").partition("/")
                if head != CONTROL:
                    return json_response(404, {"message": "Not found."})
                return control.handle(self, req, "/" + rest if rest else "")
            delay, fault = self.faults.take(service, req.path)
            if delay:
                interrupt = self._interrupt
                interrupt.wait(delay)
                if interrupt.is_set() or self._stopping.is_set():
                    return Response(0, drop=True)
            if fault is not None:
                return fault_response(fault)
            response = _ROUTES[service](self, req)
            if (
                issues_token(req.path, response)
                and (value := self.faults.take_token(service)) is not None
            ):
                response = swap_token(response, value)
            late = self.faults.take_late(service, req.path)
            if late:  # carried out, then the answer held (a Cancel or timeout never sees it)
                interrupt = self._interrupt
                interrupt.wait(late)
                if interrupt.is_set() or self._stopping.is_set():
                    return Response(0, drop=True)
            return response
        except Exception:  # a sandbox bug must not kill the thread silently
            with self._lock:
                self.errors.append(traceback.format_exc())
            return json_response(500, {"message": "Sandbox internal error."})

    def _record(self, entry: LoggedRequest, generation: int) -> None:
        with self._lock:
            if generation == self.generation:
                self.request_log.append(entry)


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
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        help="control port; the services take the next five (0: any free ports)",
    )
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
                "control": sb.base_url + "/" + CONTROL,
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
