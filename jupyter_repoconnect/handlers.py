"""REST handlers: each turns one request into one Connector call and writes JSON.

Every handler shares :class:`RepoConnectHandler`, the one place where core errors become
``{"error": code, "message": text}`` replies. Request bodies carry passwords and tokens:
they are never logged or echoed (jupyter_server's ``get_json_body`` logs bad bodies, so
it is not used here).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import traceback
from collections.abc import Callable
from functools import partial
from http.client import responses
from types import TracebackType
from typing import TYPE_CHECKING, Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import web
from tornado.ioloop import IOLoop

from .core.errors import (
    AuthenticationRefused,
    BadInput,
    BodyTooLarge,
    Cancelled,
    Code,
    Conflict,
    CorruptCondarc,
    FileProblem,
    HttpCode,
    NotAllowed,
    RepoConnectError,
    ServiceTimeout,
    ServiceUnavailable,
    TLSFailure,
)

if TYPE_CHECKING:
    from .app import RepoConnectApp
    from .core.connector import Connector
    from .core.models import Preferences

AUTH_RESOURCE = "repoconnect"
MAX_PAGE = 500
MAX_OFFSET = 2**31 - 1
MAX_BODY = 256 * 1024  # bytes: a sign-in or two channel lists, with room to spare
MAX_DEPTH = 8  # our bodies nest 2 deep (object -> list -> string)


# Most specific class first is not needed: the exception's MRO is walked in order.
ERROR_STATUS: dict[type[RepoConnectError], int] = {
    BodyTooLarge: 413,
    BadInput: 400,
    AuthenticationRefused: 401,
    NotAllowed: 403,
    Conflict: 409,  # also NotConnected
    Cancelled: 409,  # the caller cancelled it (and has usually stopped listening)
    CorruptCondarc: 422,
    FileProblem: 409,  # a file or folder on this machine must be fixed first
    ServiceTimeout: 504,
    TLSFailure: 502,
    ServiceUnavailable: 502,
}

# Codes for errors raised by Jupyter itself (authentication, unknown method...).
HTTP_ERROR_CODES: dict[int, str] = {
    400: BadInput.code,
    401: HttpCode.UNAUTHORIZED,
    403: HttpCode.FORBIDDEN,
    404: HttpCode.NOT_FOUND,
    405: HttpCode.METHOD_NOT_ALLOWED,
}
INTERNAL_ERROR_MESSAGE = "An unexpected error occurred in the server; see the Jupyter server log."


def status_for(error: RepoConnectError) -> int:
    """The HTTP status of a core error."""
    for cls in type(error).__mro__:
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return 500


class RepoConnectHandler(ExtensionHandlerMixin, APIHandler):
    """Base of every route: runs one Connector call in a worker thread, maps errors."""

    auth_resource = AUTH_RESOURCE

    @property
    def app(self) -> RepoConnectApp:
        return self.extensionapp  # type: ignore[return-value]

    @property
    def connector(self) -> Connector:
        return self.app.connector

    async def reply(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run ``call`` (a Connector method) off the event loop and write its result as JSON."""
        # The Connector is synchronous and may wait on the network or a file lock.
        result = await IOLoop.current().run_in_executor(
            self.app.executor, partial(call, *args, **kwargs)
        )
        self.finish(json.dumps(result.to_dict()))

    # --- input ---------------------------------------------------------------------
    def json_object(self, allowed: set[str]) -> dict[str, Any]:
        """The request body as a JSON object with only ``allowed`` keys (empty body: ``{}``)."""
        if len(self.request.body) > MAX_BODY:
            raise BodyTooLarge(
                f"The request body is too large ({len(self.request.body)} bytes; at most "
                f"{MAX_BODY})."
            )
        raw = self.request.body.strip()
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            # The body may hold a password: name the problem, never the content.
            raise BadInput("The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise BadInput("The request body must be a JSON object.")
        if _depth(body) > MAX_DEPTH:
            raise BadInput(f"The request body nests deeper than {MAX_DEPTH} levels.")
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise BadInput(
                f"Unknown field(s) {', '.join(map(repr, unknown))}; "
                f"expected some of {', '.join(sorted(allowed))}."
            )
        return body

    @staticmethod
    def optional_str(body: dict[str, Any], key: str) -> str | None:
        value = body.get(key)
        if value is not None and not isinstance(value, str):
            raise BadInput(f"'{key}' must be a string.")
        return value

    @staticmethod
    def str_list(body: dict[str, Any], key: str) -> list[str] | None:
        value = body.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BadInput(f"'{key}' must be a list of strings.")
        return value

    def int_argument(self, name: str, default: int, low: int, high: int | None = None) -> int:
        text = self.get_query_argument(name, None)
        if text is None:
            return default
        # int() would also take "1_000", "+5" and non-ASCII digits; the schema says integer
        if not text.isascii() or not re.fullmatch(r"-?[0-9]{1,19}", text):
            raise BadInput(f"'{name}' must be an integer.")
        value = int(text)
        if value < low or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise BadInput(f"'{name}' must be {bounds}.")
        return value

    # --- errors: the one place they become replies -------------------------------------
    def send_error(self, status_code: int = 500, **kwargs: Any) -> None:
        exc_info = kwargs.get("exc_info")
        if exc_info and isinstance(exc_info[1], RepoConnectError):
            status_code = status_for(exc_info[1])
        super().send_error(status_code, **kwargs)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        moved = False
        code: str
        if isinstance(error, RepoConnectError):
            code, message, moved = error.code, error.message, error.state_moved
        elif isinstance(error, web.HTTPError):
            code = HTTP_ERROR_CODES.get(status_code, HttpCode.HTTP_ERROR)
            message = error.log_message or responses.get(status_code, "HTTP error")
            if error.log_message and error.args:
                with contextlib.suppress(TypeError, ValueError):
                    message = error.log_message % error.args
        elif status_code >= 500:
            code, message = HttpCode.INTERNAL_ERROR, INTERNAL_ERROR_MESSAGE
        else:
            code = HTTP_ERROR_CODES.get(status_code, HttpCode.HTTP_ERROR)
            message = responses.get(status_code, "HTTP error")
        self.set_header("Content-Type", "application/json")
        # state_moved: the connection changed elsewhere; a client shows the current status
        self.finish(json.dumps({"error": code, "message": message, "state_moved": moved}))

    def log_exception(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if isinstance(value, RepoConnectError):
            # Core messages never hold secrets; most of these are expected outcomes, not bugs.
            level = logging.WARNING if status_for(value) >= 500 else logging.INFO
            self.log.log(level, "%s %s: %s", self.request.method, self.request.path, value.code)
        elif isinstance(value, web.HTTPError):
            super().log_exception(typ, value, tb)
        else:
            # Frames only: an unexpected exception's text might quote a URL with a token.
            frames = "".join(traceback.format_tb(tb))
            self.log.error(
                "Unexpected %s in %s %s\n%s",
                typ.__name__ if typ else "error",
                self.request.method,
                self.request.path,
                frames,
            )


def _depth(value: Any) -> int:
    """How deep JSON ``value`` nests (iterative: a hostile body cannot exhaust the stack)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            todo.extend((child, level + 1) for child in children)
    return deepest


class StatusHandler(RepoConnectHandler):
    """The status, with an ETag: a poll that sends ``If-None-Match`` gets a bodiless 304 while
    nothing changed (the panels poll it while they are visible)."""

    # The last status with its body and ETag: polls mostly get the same one again.
    _last: tuple[Any, str, str] | None = None

    @web.authenticated
    @authorized
    async def get(self) -> None:
        connector = self.connector
        if connector.recovery_pending():  # may revoke over the network: off the loop
            status = await IOLoop.current().run_in_executor(self.app.executor, connector.status)
        else:
            # On the loop: a stat per file, each read through core/cache.py, so no file is read
            # while nothing changed (tests/server/test_status_on_loop.py): cheaper than a hop.
            status = connector.status()
        last = StatusHandler._last
        if last is not None and last[0] == status:
            body, etag = last[1], last[2]
        else:
            body = json.dumps(status.to_dict())
            etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"'
            StatusHandler._last = (status, body, etag)
        self.set_header("ETag", etag)
        self.set_header("Cache-Control", "no-cache")
        if etag in self.request.headers.get("If-None-Match", ""):
            self.set_status(304)
            self.finish()
            return
        self.finish(body)


class ConnectHandler(RepoConnectHandler):
    """POST signs in. A body's ``attempt`` (an id the client chose) makes it cancellable:
    ``DELETE connect?attempt=<id>`` cancels it, and so does the client closing the
    connection. A cancelled sign-in writes nothing and revokes what the service created."""

    _attempt: str | None = None

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_object(
            {"service", "method", "domain", "username", "password", "token", "trust_server",
             "attempt"}
        )  # fmt: skip
        self._attempt = self.optional_str(body, "attempt")
        service = self.optional_str(body, "service")
        if not service:
            from .core.services import registry

            raise BadInput(f"'service' is required: one of {', '.join(registry.ids())}.")
        await self.reply(
            self.connector.connect,
            service,
            domain=self.optional_str(body, "domain"),
            username=self.optional_str(body, "username"),
            password=self.optional_str(body, "password"),
            token=self.optional_str(body, "token"),
            trust_server=body.get("trust_server", False),
            method=self.optional_str(body, "method"),
            attempt=self._attempt,
        )

    @web.authenticated
    @authorized
    async def delete(self) -> None:
        attempt = self.get_query_argument("attempt", "")
        if not attempt or len(attempt) > 100:
            raise BadInput("'attempt' is required: the id the sign-in was sent with.")
        self.connector.cancel(attempt)  # no such sign-in running: it has already ended
        await self.reply(self.connector.status)

    def on_connection_close(self) -> None:
        if self._attempt is not None and not self._finished:
            self.connector.cancel(self._attempt)  # the client gave up: so does the sign-in
        super().on_connection_close()


class RenewHandler(RepoConnectHandler):
    """Renew: a new token for the live connection, channels kept (the method's values)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_object({"method", "username", "password", "token"})
        await self.reply(
            self.connector.renew,
            username=self.optional_str(body, "username"),
            password=self.optional_str(body, "password"),
            token=self.optional_str(body, "token"),
            method=self.optional_str(body, "method"),
        )


class SsoHandler(RepoConnectHandler):
    """Single sign-on in two steps: POST starts it (the browser opens ``authorization_url``),
    POST sso/finish takes the address the browser landed on; GET tells a listening one's
    outcome, DELETE cancels. The redirect address carries a one-time code: never logged."""

    def sso_id(self) -> str:
        value = self.get_query_argument("id", "")
        if not value or len(value) > 64 or not value.isascii():
            raise BadInput("'id' is required: the id that POST sso returned.")
        return value

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_object({"service", "domain", "trust_server", "listen"})
        # Jupyter may run on another machine than the browser: a loopback listener only
        # when the client says the browser shares this machine.
        await self.reply(
            self.connector.start_sso,
            self.optional_str(body, "domain"),
            service=self.optional_str(body, "service") or "server",
            listen=body.get("listen", False),
            trust_server=body.get("trust_server", False),
        )

    @web.authenticated
    @authorized
    async def get(self) -> None:
        await self.reply(self.connector.sso_progress, self.sso_id())

    @web.authenticated
    @authorized
    async def delete(self) -> None:
        self.connector.cancel_sso(self.sso_id())  # in memory only: no file, no network
        await self.reply(self.connector.status)


class SsoFinishHandler(RepoConnectHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_object({"id", "redirect_address"})
        sso_id = self.optional_str(body, "id")
        address = self.optional_str(body, "redirect_address")
        if not sso_id or not address:
            raise BadInput(
                "'id' (from POST sso) and 'redirect_address' (the address the browser landed "
                "on) are required.",
                code=Code.MISSING_INPUT,
            )
        await self.reply(self.connector.finish_sso, sso_id, address)


class ChannelsHandler(RepoConnectHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        q = self.get_query_argument("q", "")
        offset = self.int_argument("offset", 0, 0, MAX_OFFSET)
        limit = self.int_argument("limit", 50, 1, MAX_PAGE)
        refresh = self.get_query_argument("refresh", "false").lower() in ("1", "true")
        await self.reply(self.connector.available_channels, q, offset, limit, refresh)

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_object({"channels", "default_channels"})
        await self.reply(
            self.connector.add_channels,
            self.str_list(body, "channels") or [],
            self.str_list(body, "default_channels") or [],
        )


class CondarcHandler(RepoConnectHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        await self.reply(self.connector.condarc_channels)

    @web.authenticated
    @authorized
    async def put(self) -> None:
        body = self.json_object({"channels", "default_channels", "version", "confirm_defaults"})
        version = self.optional_str(body, "version")
        if version is None:
            raise BadInput("'version' is required: send the one GET condarc returned.")
        confirm = body.get("confirm_defaults", False)
        if not isinstance(confirm, bool):
            raise BadInput("'confirm_defaults' must be true or false.")
        # Absent: leave the list alone; null: no default_channels key (the core's empty list).
        default_channels = self.str_list(body, "default_channels")
        if "default_channels" in body and default_channels is None:
            default_channels = []
        await self.reply(
            self.connector.replace_channels,
            self.str_list(body, "channels"),
            default_channels,
            version=version,
            confirm_defaults=confirm,
        )


class DisconnectHandler(RepoConnectHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        await self.reply(self.connector.disconnect)


class PreferencesHandler(RepoConnectHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        await self.reply(self.connector.preferences)

    @web.authenticated
    @authorized
    async def put(self) -> None:
        from .core.services import registry

        legacy = {s.preference_key: s.id for s in registry.all_services() if s.preference_key}
        body = self.json_object({"domains", *legacy})
        given: dict[str, object] = {}
        if "domains" in body:
            if not isinstance(body["domains"], dict) or not body["domains"]:
                raise BadInput("'domains' must be an object of service: domain.")
            given.update(body["domains"])
        given.update({legacy[key]: body[key] for key in legacy if key in body})
        if not given:
            raise BadInput("Send 'domains' (or 'server_domain' / 'enterprise_domain').")
        domains: dict[str, str] = {}
        for service, domain in given.items():
            if not isinstance(domain, str):
                raise BadInput(f"The domain of '{service}' must be a string.")
            domains[service] = domain
        await self.reply(self._set_domains, domains)

    def _set_domains(self, domains: dict[str, str]) -> Preferences:
        """Set Domain for each service given, in one worker call."""
        preferences = None
        for service, domain in domains.items():
            preferences = self.connector.set_domain(service, domain)
        assert preferences is not None
        return preferences


class DoctorHandler(RepoConnectHandler):
    """The connection's checks; ``?service=&domain=&method=``: a sign-in attempted (after it
    failed), checked without credentials."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        given = {k: self.get_query_argument(k, None) for k in ("service", "domain", "method")}
        for key, value in given.items():
            if value is not None and len(value) > 2048:
                raise BadInput(f"'{key}' is too long.")
        await self.reply(self.connector.doctor, **given)


# The repository's routes: path under ``{base_url}repoconnect/`` -> handler (routes.py joins
# them with the account's into the one table the app registers).
REPOSITORY_ROUTES: list[tuple[str, type[RepoConnectHandler]]] = [
    ("status", StatusHandler),
    ("connect", ConnectHandler),
    ("renew", RenewHandler),
    ("sso", SsoHandler),
    ("sso/finish", SsoFinishHandler),
    ("channels", ChannelsHandler),
    ("condarc", CondarcHandler),
    ("disconnect", DisconnectHandler),
    ("preferences", PreferencesHandler),
    ("doctor", DoctorHandler),
]
