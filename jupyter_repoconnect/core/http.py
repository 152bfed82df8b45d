"""One httpx client per call site, configured from the settings and ``.condarc``.

Every network failure becomes a core error naming the service and domain — never a URL that
could carry a token.
"""

from __future__ import annotations

import logging
import ssl
import threading
from pathlib import Path
from typing import Any

from .errors import AuthenticationRefused, BadInput, ServiceTimeout, ServiceUnavailable, TLSFailure
from .settings import RepoConnectSettings

USER_AGENT = "jupyter_repoconnect/0.1"


def tls_verify(settings: RepoConnectSettings, condarc: Any) -> bool | str | ssl.SSLContext:
    """TLS verification: the settings win, else ``.condarc``'s ``ssl_verify``, else True."""
    value = settings.ssl_verify
    if value is None and condarc is not None:
        value = condarc.get("ssl_verify")
    if value is None:
        return True
    if isinstance(value, bool):
        return value
    text = str(value).strip()
    if text.lower() in ("true", "yes", "1", ""):
        return True
    if text.lower() in ("false", "no", "0"):
        return False
    if text == "truststore":
        try:
            import truststore

            return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        except ImportError:
            return True
    bundle = Path(text).expanduser()
    if not bundle.is_file():
        raise TLSFailure(
            f"ssl_verify names the CA bundle {bundle}, which does not exist. Fix the path in "
            ".condarc (or your administrator's settings) or set ssl_verify: true.",
            code="ca_bundle_missing",
        )
    return str(bundle)


def proxy_mounts(condarc: Any) -> dict[str, Any]:
    import httpx

    proxies = condarc.get("proxy_servers") if condarc is not None else None
    if not isinstance(proxies, dict):
        return {}
    mounts: dict[str, Any] = {}
    for scheme, url in proxies.items():
        key = str(scheme) if "://" in str(scheme) else f"{scheme}://"
        try:
            mounts[key] = httpx.HTTPTransport(proxy=str(url))
        except ValueError:
            raise BadInput(
                f"proxy_servers in .condarc has an invalid proxy URL for {scheme}; use a full "
                "URL such as http://proxy.example.com:8080.",
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


def make_client(settings: RepoConnectSettings, condarc: Any = None) -> Any:
    """An ``httpx.Client`` honouring timeouts, ``ssl_verify`` and ``proxy_servers``.

    Clients are shared per configuration: building one loads the CA bundle, which costs far
    more than a request to a nearby repository.
    """
    import httpx

    verify = tls_verify(settings, condarc)
    proxies = condarc.get("proxy_servers") if condarc is not None else None
    key = (
        verify if not isinstance(verify, ssl.SSLContext) else "truststore",
        tuple(sorted(proxies.items())) if isinstance(proxies, dict) else None,
        settings.timeout,
    )
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            client = httpx.Client(
                timeout=httpx.Timeout(settings.timeout),
                verify=verify,
                mounts=proxy_mounts(condarc) or None,
                headers={"User-Agent": USER_AGENT},
                follow_redirects=False,
            )
            _CLIENTS[key] = client
        return client


class Caller:
    """Sends requests for one service and turns transport failures into core errors."""

    def __init__(self, client: Any, title: str, domain: str) -> None:
        self.client = client
        self.title = title
        self.domain = domain

    def send(self, method: str, url: str, **kwargs: Any) -> Any:
        import httpx

        where = f"{self.title} at {self.domain}"
        try:
            return self.client.request(method, url, **kwargs)
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
            raise ServiceUnavailable(
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
        try:
            return response.json()
        except (ValueError, RecursionError):
            kind = "an HTML page" if b"<html" in response.content[:512].lower() else "garbage"
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
