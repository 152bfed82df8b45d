"""One httpx client per call site, configured from the settings and ``.condarc``.

Every network failure becomes a core error naming the service and domain — never a URL that
could carry a token.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from .conda_config import HttpSettings
from .errors import (
    AuthenticationRefused,
    BadInput,
    Cancelled,
    NothingAnswers,
    ServiceTimeout,
    ServiceUnavailable,
    TLSFailure,
)

if TYPE_CHECKING:
    from .settings import RepoConnectSettings

USER_AGENT = f"jupyter_repoconnect/{__version__}"
MAX_REDIRECTS = 5
# An API answer read whole (JSON: a channel list page, a token, an account) is kilobytes; a
# server sending more is not one of the services (a 300 MB answer once took 893 MB of memory).
MAX_ANSWER = 16 * 1024 * 1024


class Operation:
    """The network steps of one operation (a sign-in, a renew): one total deadline for all of
    its requests, and a :meth:`cancel` that interrupts a request waiting for an answer.

    While an operation is active in a thread (:func:`operation`), :func:`make_client` gives it
    clients of its own whose connections it records: cancelling shuts their sockets down, so a
    request blocked on a hanging server returns at once instead of at its timeout.
    """

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds: float | None = None
        self.deadline: float | None = None
        if seconds is not None:
            self.start(seconds)
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._streams: list[Any] = []
        self._clients: list[Any] = []

    def start(self, seconds: float) -> None:
        """The deadline runs from now (after the lock was taken: waiting is not the network)."""
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Stop the operation: no new request; the requests in flight fail now."""
        self._cancelled.set()
        with self._lock:
            streams = list(self._streams)
        for stream in streams:
            _shut(stream)

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def check(self, where: str) -> None:
        """Raise if the operation was cancelled or its deadline passed."""
        if self.cancelled:
            raise Cancelled("The sign-in was cancelled.")
        left = self.remaining()
        if left is not None and left <= 0:
            raise ServiceTimeout(
                f"{where} did not finish within {self.seconds or 0:g} seconds in all. Check the "
                "domain and your network, or try again later."
            )

    def _track(self, stream: Any) -> None:
        with self._lock:
            self._streams.append(stream)
        if self.cancelled:
            _shut(stream)

    def _client(self, make: Any) -> Any:
        client = make()
        for transport in [client._transport, *client._mounts.values()]:
            pool = getattr(transport, "_pool", None)  # httpx 0.2x: an httpcore connection pool
            if pool is not None and hasattr(pool, "_network_backend"):
                pool._network_backend = _Recording(pool._network_backend, self)
        with self._lock:
            self._clients.append(client)
        return client

    def close(self) -> None:
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            with contextlib.suppress(Exception):
                client.close()


@contextmanager
def _cancel_first() -> Iterator[None]:
    """A request that failed because its operation was cancelled (its socket shut) fails as
    cancelled, not as the server's fault."""
    try:
        yield
    except Exception:
        op = current_operation()
        if op is not None and op.cancelled:
            raise Cancelled("The sign-in was cancelled.") from None
        raise


def _shut(stream: Any) -> None:
    sock = stream.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class _Recording:
    """An httpcore network backend that hands every connection it opens to an operation."""

    def __init__(self, inner: Any, op: Operation) -> None:
        self._inner = inner
        self._op = op

    def connect_tcp(self, *args: Any, **kwargs: Any) -> Any:
        stream = self._inner.connect_tcp(*args, **kwargs)
        self._op._track(stream)
        return stream

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> Any:
        stream = self._inner.connect_unix_socket(*args, **kwargs)
        self._op._track(stream)
        return stream

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


_ACTIVE = threading.local()


def current_operation() -> Operation | None:
    return getattr(_ACTIVE, "op", None)


@contextmanager
def operation(op: Operation | None) -> Iterator[Operation | None]:
    """Make ``op`` the active operation of this thread (None: none, e.g. to revoke what a
    cancelled sign-in created); its clients are closed at the end."""
    before = current_operation()
    _ACTIVE.op = op
    try:
        yield op
    finally:
        _ACTIVE.op = before
        if op is not None and op is not before:
            op.close()


def tls_verify(settings: RepoConnectSettings, http: HttpSettings) -> bool | ssl.SSLContext:
    """TLS verification: the administrator's setting wins, else conda's merged ``ssl_verify``.

    A CA bundle file, a CA directory, ``truststore`` and a client certificate all become one
    ``ssl.SSLContext``, as conda's session would use them.
    """
    value: bool | str = http.ssl_verify if settings.ssl_verify is None else settings.ssl_verify
    if isinstance(value, str):
        value = _text_verify(value)
    if settings.ssl_verify is not None:
        named = "given by --ca-bundle or the RepoConnectSettings.ssl_verify setting"
    elif http.ssl_verify_source:
        named = f"named by ssl_verify in {http.ssl_verify_source}"
    else:
        named = "named by ssl_verify"
    context: ssl.SSLContext | None = None
    if value == "truststore":
        try:
            import truststore

            context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        except ImportError:
            value = True
    elif isinstance(value, str):
        context = _ca_context(Path(value).expanduser(), named)
    if value is True and context is None:
        # what conda's requests session honours (requests even lets them override a ssl_verify
        # path; we do not: the administrator's .condarc setting is the more deliberate one)
        name = next((v for v in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE") if os.environ.get(v)), "")
        context = _ca_context(Path(os.environ[name]), f"named by ${name}") if name else None
    if value is False:
        return False
    if http.client_cert:
        context = context or ssl.create_default_context()
        try:
            context.load_cert_chain(http.client_cert, http.client_cert_key)
        except (OSError, ssl.SSLError):
            raise TLSFailure(
                f"The client certificate {http.client_cert} (client_ssl_cert in your conda "
                "configuration) cannot be read. Fix the path or ask your administrator.",
                code="client_cert_unreadable",
            ) from None
    return context if context is not None else True


def _text_verify(text: str) -> bool | str:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1", ""):
        return True
    if lowered in ("false", "no", "0"):
        return False
    return text.strip()


def _ca_context(path: Path, named: str) -> ssl.SSLContext:
    """``named``: where the path comes from, as the user set it ("named by ssl_verify in …")."""
    try:
        if path.is_dir():
            return ssl.create_default_context(capath=str(path))
        if path.is_file():
            return ssl.create_default_context(cafile=str(path))
    except (OSError, ssl.SSLError):
        raise TLSFailure(
            f"The CA bundle {path} ({named}) is not a readable PEM file. Fix it or ask your "
            "administrator.",
            code="ca_bundle_unreadable",
        ) from None
    raise TLSFailure(
        f"The CA bundle {path} ({named}) does not exist. Fix the path or set ssl_verify: true.",
        code="ca_bundle_missing",
    )


def proxy_mounts(http: HttpSettings) -> dict[str, Any]:
    import httpx

    mounts: dict[str, Any] = {}
    for scheme, url in http.proxy_servers:
        key = scheme if "://" in scheme else f"{scheme}://"
        try:
            mounts[key] = httpx.HTTPTransport(proxy=url)
        except ValueError:
            raise BadInput(
                f"proxy_servers in your conda configuration has an invalid proxy URL for "
                f"{scheme}; use a full URL such as http://proxy.example.com:8080.",
                code="bad_proxy",
            ) from None
    return mounts


class _MaskTokens(logging.Filter):
    """httpx logs request URLs; a ``/t/<TOKEN>/`` in one must never reach a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        from .condarc import mask_token

        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(mask_token(str(a)) if "/t/" in str(a) else a for a in args)
        if isinstance(record.msg, str) and "/t/" in record.msg:
            record.msg = mask_token(record.msg)
        return True


_log = logging.getLogger(__name__)
_MASK = _MaskTokens()
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(_MASK)

_CLIENTS: dict[tuple[Any, ...], Any] = {}
_CLIENTS_LOCK = threading.Lock()


def make_client(settings: RepoConnectSettings, http: HttpSettings | None = None) -> Any:
    """An ``httpx.Client`` honouring timeouts and conda's TLS and proxy settings.

    Clients are shared per configuration: building one loads the CA bundle, which costs far
    more than a request to a nearby repository.
    """
    import httpx

    http = http or HttpSettings()

    def make() -> Any:
        return httpx.Client(
            timeout=httpx.Timeout(settings.timeout),
            verify=tls_verify(settings, http),
            mounts=proxy_mounts(http) or None,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,  # HTTP(S)_PROXY/NO_PROXY still apply, as in conda
        )

    op = current_operation()
    if op is not None:  # connections of its own, for its Cancel to shut
        return op._client(make)
    key = (http, settings.ssl_verify, settings.timeout)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            client = make()
            _CLIENTS[key] = client
        return client


class Caller:
    """Sends requests for one service and turns transport failures into core errors.

    Redirects are followed (as requests does for the reference tools) only within the same
    host, including the move from ``http://`` to ``https://``; a redirect to another host or
    back to plain http is an error, so a password, an ``X-Auth`` or ``Authorization`` header
    or a ``/t/<TOKEN>/`` URL never reaches another origin.
    """

    def __init__(self, client: Any, title: str, domain: str) -> None:
        self.client = client
        self.title = title
        self.domain = domain

    def send(self, method: str, url: str, *, max_size: int = MAX_ANSWER, **kwargs: Any) -> Any:
        """The answer, read whole: at most ``max_size`` bytes, within the operation's
        deadline (every chunk is checked), so no server can hold a sign-in or the memory.

        Outside an operation (a sign-out, a channel list, doctor, the account's calls) the
        request is one of its own: the timeout is its total deadline, so a server dripping a
        byte at a time cannot hold it either."""
        if current_operation() is not None:
            return self._send(method, url, max_size, kwargs)
        timeout = self.client.timeout
        with operation(Operation(timeout.read or timeout.connect or 30.0)):
            return self._send(method, url, max_size, kwargs)

    def _send(self, method: str, url: str, max_size: int, kwargs: dict[str, Any]) -> Any:
        with self._guard():
            response = self._follow(method, url, kwargs, stream=True)
            try:
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_size:
                        raise ServiceUnavailable(
                            f"{self.title} at {self.domain} sent an answer larger than "
                            f"{max_size // 1024} KiB, far more than its API sends. Check that "
                            "the domain is right.",
                            code="bad_response",
                        )
                    chunks.append(chunk)
                    if (op := current_operation()) is not None:
                        op.check(f"{self.title} at {self.domain}")
                response._content = b"".join(chunks)  # what Response.read() sets
            finally:
                response.close()
            return response

    @contextmanager
    def stream(self, method: str, url: str, **kwargs: Any) -> Iterator[Any]:
        """Like :meth:`send`, with the body left unread: the caller reads what it needs."""
        with self._guard():
            response = self._follow(method, url, kwargs, stream=True)
            try:
                yield response
            finally:
                response.close()

    def _follow(self, method: str, url: str, kwargs: dict[str, Any], stream: bool) -> Any:
        import httpx

        auth = kwargs.pop("auth", None)
        op = current_operation()
        for _ in range(MAX_REDIRECTS + 1):
            if op is not None:
                op.check(f"{self.title} at {self.domain}")
                left = op.remaining()
                if left is not None:  # each request gets what is left of the deadline
                    kwargs["timeout"] = httpx.Timeout(min(self.client.timeout.read, left))
            request = self.client.build_request(method, url, **kwargs)
            response = self.client.send(request, stream=stream, auth=auth)
            target = response.headers.get("location") if response.is_redirect else None
            if target is None:
                return response
            response.close()
            following = httpx.URL(url).join(target)
            self._check_same_site(httpx.URL(url), following)
            url = str(following)
            if response.status_code == 303 or (
                response.status_code in (301, 302) and method in ("GET", "HEAD")
            ):
                method = "HEAD" if method == "HEAD" else "GET"
                kwargs = {k: v for k, v in kwargs.items() if k not in ("json", "data", "content")}
            # 301/302 of a POST keep it (an API client must not turn a login into a GET)
        raise ServiceUnavailable(
            f"{self.title} at {self.domain} redirected more than {MAX_REDIRECTS} times. Check "
            "the domain.",
            code="too_many_redirects",
        )

    def _check_same_site(self, current: Any, following: Any) -> None:
        upgrade = current.scheme == "http" and following.scheme == "https"
        same_scheme = current.scheme == following.scheme
        same_port = following.port == current.port or upgrade
        if following.host == current.host and (same_scheme or upgrade) and same_port:
            return
        scheme = following.scheme if following.scheme in ("http", "https") else "?"
        raise ServiceUnavailable(
            f"{self.title} at {self.domain} redirected to {scheme}://{following.host}"
            + (f":{following.port}" if following.port else "")
            + ", another site. Nothing secret was sent there. If that is the repository's "
            "address now, use it as the domain.",
            code="redirected_elsewhere",
        )

    @contextmanager
    def _guard(self) -> Iterator[None]:
        import httpx

        where = f"{self.title} at {self.domain}"
        try:
            with _cancel_first():
                yield
        except httpx.TimeoutException:
            seconds = self.client.timeout.read or self.client.timeout.connect
            raise ServiceTimeout(
                f"{where} did not answer within {seconds:g} seconds. Check the domain and your "
                "network, or try again later."
            ) from None
        except httpx.ConnectError as exc:
            if _is_tls(exc):
                raise TLSFailure(
                    f"The secure connection to {where} failed (certificate not trusted or TLS "
                    "error). Set ssl_verify in .condarc to your company's CA bundle, or ask your "
                    "administrator."
                ) from None
            raise NothingAnswers(
                f"Could not connect to {where}. Check that the domain is right and the server is "
                "running."
            ) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            raise ServiceUnavailable(
                f"{where} closed the connection without answering. Try again later."
            ) from None
        except (
            httpx.InvalidURL,
            httpx.UnsupportedProtocol,
            httpx.LocalProtocolError,
            httpx.CookieConflict,
            UnicodeError,
            ValueError,
            TypeError,
        ) as exc:
            # The request could not even be built: a value cannot go into a URL or a header.
            _log.debug("request to %s not sent: %s", where, type(exc).__name__)
            raise BadInput(
                f"The request to {where} could not be sent: the domain, user name, password or "
                "token contains characters that cannot go into a web request, or is too long. "
                "Check them and try again.",
                code="unsendable_input",
            ) from None
        except httpx.HTTPError:
            raise ServiceUnavailable(f"The request to {where} failed. Try again later.") from None
        except (OSError, RecursionError, MemoryError) as exc:
            _log.debug("request to %s failed: %s", where, type(exc).__name__)
            raise ServiceUnavailable(
                f"The request to {where} failed ({type(exc).__name__}). Try again later."
            ) from None

    def json(self, response: Any) -> Any:
        """The JSON body of a successful answer, or a clear error for anything else."""
        where = f"{self.title} at {self.domain}"
        if response.status_code in (401, 403):
            raise AuthenticationRefused(
                f"{where} refused the credentials (HTTP {response.status_code}). Sign in again."
            )
        if response.status_code == 404:
            raise ServiceUnavailable(
                f"{where} has no such API (HTTP 404). Check that the domain is right.",
                code="wrong_domain",
            )
        if response.status_code >= 400:
            raise ServiceUnavailable(
                f"{where} failed with HTTP {response.status_code}. Try again later or ask your "
                "administrator."
            )
        if 300 <= response.status_code < 400:  # one not followed: no usable Location
            raise ServiceUnavailable(
                f"{where} answered with a redirect (HTTP {response.status_code}) that leads "
                "nowhere usable, instead of the expected JSON. Check that the domain points at "
                "the API.",
                code="bad_response",
            )
        try:
            return response.json()
        except (ValueError, RecursionError):
            page = b"<html" in response.content[:512].lower()
            kind = "an HTML page" if page else "an answer that is not JSON"
            raise ServiceUnavailable(
                f"{where} answered with {kind} instead of the expected JSON. Check that the "
                "domain points at the API.",
                code="bad_response",
            ) from None


def _is_tls(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "SSL" in type(seen).__name__:
            return True
        if "CERTIFICATE" in str(seen).upper():
            return True
        seen = seen.__cause__ or seen.__context__
    return False
