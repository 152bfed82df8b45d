"""Single sign-on to Anaconda Server: the OAuth 2.0 authorization code grant through the server's
OpenID Connect provider (Keycloak), as conda-repo-cli's ``oauth2`` login (protocols.md), with
``state`` and PKCE (S256) added.

``GET <domain>/api/auth/authorize`` answers 302 to the provider's realm, at
``/auth/realms/<realm>/`` (Keycloak before 17) or ``/realms/<realm>/``; its discovery document
names the authorization and token endpoints. The browser signs in there and lands on the
loopback redirect URI with a code, which is exchanged (form-encoded) for a JWT that plays the
password login's part. The JWT's claims are read, never trusted: only to know when it expires.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from ..errors import AuthenticationRefused, BadInput, Code, NotConnected, ServiceUnavailable
from ..links import is_loopback, openable_link
from .base import SignInMethod

if TYPE_CHECKING:
    from ..http import Caller
    from .sso_listener import RedirectListener

SSO_LOGIN = SignInMethod("sso", (), "Sign in with single sign-on")
CLIENT_ID = "repo-service-cli"  # conda-repo-cli's public client at the server's provider
SSO_WAIT = 600  # seconds a started sign-in waits for the browser's redirect
MAX_PENDING = 4  # started sign-ins kept per process; the oldest goes first
TITLE = "The single sign-on provider"
_REALM = re.compile(r"^(/(?:auth/)?realms/[A-Za-z0-9._-]+)/")
_LOOPBACK = ("localhost", "127.0.0.1")


@dataclass(frozen=True)
class Provider:
    """Where the browser signs in and where the code is exchanged."""

    origin: str  # scheme://host[:port] of the provider
    authorization_endpoint: str
    token_endpoint: str


@dataclass(frozen=True)
class SsoTokens:
    """The provider's answer: the JWT (the login session) and what renews it."""

    access_token: str
    refresh_token: str | None
    refresh_expires_at: float | None

    def saved(self, token_endpoint: str) -> str:
        """The saved session's text (0600, beside the state): what a sign-out needs to revoke."""
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "refresh_expires_at": self.refresh_expires_at,
                "token_endpoint": token_endpoint,
            }
        )


@dataclass
class PendingSso:
    """A started sign-in waiting for the browser: kept in memory only, never on disk."""

    id: str
    service: str
    domain: str
    provider: Provider
    redirect_uri: str
    state: str = field(repr=False)
    verifier: str = field(repr=False)
    deadline: float = 0.0  # time.monotonic()
    trust_server: bool = False
    listener: RedirectListener | None = None
    done: threading.Event = field(default_factory=threading.Event)
    outcome: Any = None  # a Status, or the RepoConnectError the sign-in ended with

    def authorization_url(self) -> str:
        challenge = _b64url(hashlib.sha256(self.verifier.encode("ascii")).digest())
        query = urlencode(
            {
                "client_id": CLIENT_ID,
                "response_type": "code",
                "redirect_uri": self.redirect_uri,
                "scope": "openid",
                "state": self.state,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        endpoint = self.provider.authorization_endpoint
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

    def close(self) -> None:
        if self.listener is not None:
            self.listener.close()


class SsoBook:
    """The started sign-ins of one process (at most a few, each for :data:`SSO_WAIT`)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._pending: dict[str, PendingSso] = {}
        self._ended: dict[str, PendingSso] = {}  # finished ones, kept for sso_progress

    def add(self, pending: PendingSso) -> None:
        with self._mutex:
            dropped = self._drop_old(time.monotonic())
            while len(self._pending) >= MAX_PENDING:
                dropped.append(self._pending.pop(next(iter(self._pending))))
            self._pending[pending.id] = pending
        for old in dropped:
            old.close()

    def get(self, sso_id: object) -> PendingSso:
        """A started sign-in still waiting (or just ended, for its outcome)."""
        with self._mutex:
            dropped = self._drop_old(time.monotonic())
            key = sso_id if isinstance(sso_id, str) else ""
            found = self._pending.get(key) or self._ended.get(key)
        for old in dropped:
            old.close()
        if found is None:
            raise NotConnected(
                "This single sign-on is not waiting any more (finished, cancelled or expired).",
                code=Code.SSO_NOT_PENDING,
            )
        return found

    def take(self, sso_id: str) -> PendingSso:
        """Claim a waiting sign-in to finish it: a code is exchanged at most once."""
        with self._mutex:
            pending = self._pending.pop(sso_id, None)
            if pending is not None:
                self._ended[sso_id] = pending
        if pending is None:
            raise NotConnected(
                "This single sign-on is not waiting any more (finished, cancelled or expired).",
                code=Code.SSO_NOT_PENDING,
            )
        return pending

    def forget(self, sso_id: str) -> None:
        with self._mutex:
            gone = [p for p in (self._pending.pop(sso_id, None),) if p is not None]
        for pending in gone:
            pending.close()

    def _drop_old(self, now: float) -> list[PendingSso]:
        old = [k for k, p in self._pending.items() if p.deadline <= now]
        dropped = [self._pending.pop(k) for k in old]
        for key in [k for k, p in self._ended.items() if p.deadline + SSO_WAIT <= now]:
            del self._ended[key]
        return dropped


# --- the provider --------------------------------------------------------------------------


def provider_caller(caller: Caller, origin: str) -> Caller:
    """A caller for the provider's host, with the server's TLS and proxy settings."""
    from ..http import Caller

    return Caller(caller.client, TITLE, origin)


def find_provider(caller: Caller, api: str, domain: str) -> Provider:
    """The provider the server's ``/api/auth/authorize`` redirects to, from its discovery."""
    import httpx

    url = f"{api}/auth/authorize"
    with caller._guard():  # the redirect is the answer: not followed
        # stream: the body is never read (a hostile one could be endless)
        response = caller.client.send(caller.client.build_request("GET", url), stream=True)
        response.close()
    location = response.headers.get("location") if response.is_redirect else None
    target = urlsplit(str(httpx.URL(url).join(location))) if location else None
    realm = _REALM.match(target.path) if target else None
    if target is None or realm is None or target.scheme not in ("http", "https"):
        raise ServiceUnavailable(
            f"Anaconda Server at {domain} does not offer single sign-on (its /api/auth/authorize "
            f"answered HTTP {response.status_code}"
            + (", not a redirect to a single sign-on realm)." if location else ").")
            + " Sign in with a password or an access token.",
            code=Code.SSO_NOT_OFFERED,
        )
    if target.scheme == "http" and (
        domain.startswith("https://") or not is_loopback(target.hostname or "")
    ):
        # a password typed there would cross the network in the clear (core/links.py)
        raise ServiceUnavailable(
            f"Anaconda Server at {domain} sends single sign-on to an unencrypted (http) address "
            f"on {target.hostname}; the sign-in was not started. Ask your administrator.",
            code=Code.SSO_NOT_OFFERED,
        )
    origin = f"{target.scheme}://{target.netloc}"
    discovery = f"{origin}{realm.group(1)}/.well-known/openid-configuration"
    provider = provider_caller(caller, origin)
    document = provider.json(provider.send("GET", discovery))
    endpoints = [document.get(k) if isinstance(document, dict) else None for k in _ENDPOINTS]
    prefix = origin + realm.group(1) + "/"
    if not all(isinstance(e, str) and e.startswith(prefix) for e in endpoints):
        raise ServiceUnavailable(
            f"{TITLE} at {origin} did not describe its sign-in (no authorization or token "
            "endpoint of its realm in the discovery document).",
            code=Code.BAD_RESPONSE,
        )
    # the page a person is sent to: https, or http on this machine only
    openable_link(endpoints[0], f"{TITLE} at {origin}")
    return Provider(origin, str(endpoints[0]), str(endpoints[1]))


_ENDPOINTS = ("authorization_endpoint", "token_endpoint")


def begin(
    sso_id: str, service: str, domain: str, provider: Provider, redirect_uri: str | None
) -> PendingSso:
    """A new sign-in: a fresh ``state`` and PKCE verifier, and the loopback redirect URI."""
    return PendingSso(
        id=sso_id,
        service=service,
        domain=domain,
        provider=provider,
        redirect_uri=check_redirect_uri(redirect_uri) if redirect_uri else free_redirect_uri(),
        state=secrets.token_urlsafe(24),
        verifier=secrets.token_urlsafe(48),  # 64 characters of RFC 7636's alphabet
        deadline=time.monotonic() + SSO_WAIT,
    )


def free_redirect_uri() -> str:
    """``http://localhost:<a free port>/``, conda-repo-cli's form (its provider client accepts
    it); with nothing listening when the browser is elsewhere — the address is pasted back."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://localhost:{probe.getsockname()[1]}/"


def check_redirect_uri(uri: str) -> str:
    parts = urlsplit(uri) if isinstance(uri, str) else None
    try:
        port = parts.port if parts else None
    except ValueError:
        port = None
    if parts is None or parts.scheme != "http" or parts.hostname not in _LOOPBACK or not port:
        raise BadInput(
            "The single sign-on redirect address must be http://localhost:<port>/ or "
            "http://127.0.0.1:<port>/.",
            code=Code.BAD_REDIRECT_ADDRESS,
        )
    return uri


def read_redirect(pending: PendingSso, address: object) -> str:
    """The code in the address the browser landed on; refuses another sign-in's address."""
    text = address.strip() if isinstance(address, str) else ""
    if "://" not in text and text.startswith(("localhost:", "127.0.0.1:")):
        text = "http://" + text  # pasted without the scheme
    parts = urlsplit(text) if len(text) <= 8192 else None
    expected = urlsplit(pending.redirect_uri)
    try:
        same_port = parts is not None and parts.port == expected.port
    except ValueError:
        same_port = False
    if (
        parts is None
        or not same_port
        or parts.scheme != "http"
        or parts.hostname not in _LOOPBACK
        or (parts.path or "/") != (expected.path or "/")
    ):
        raise BadInput(
            f"This is not the address the browser landed on after signing in: it starts with "
            f"{pending.redirect_uri} and holds code=… and state=….",
            code=Code.BAD_REDIRECT_ADDRESS,
        )
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    if query.get("state") != pending.state:
        raise AuthenticationRefused(
            "The address the browser landed on does not belong to this single sign-on (its "
            "state is missing or different), so it was not used.",
            code=Code.SSO_STATE_MISMATCH,
        )
    if "error" in query:
        what = _printable(query.get("error_description") or query["error"])
        raise AuthenticationRefused(
            f"The single sign-on was not completed at {pending.provider.origin} ({what}).",
            code=Code.SSO_DENIED,
        )
    code = query.get("code")
    if not code:
        raise BadInput(
            "The address the browser landed on holds no sign-in code.",
            code=Code.BAD_REDIRECT_ADDRESS,
        )
    return code


def exchange_inputs(pending: PendingSso, code: str) -> dict[str, str]:
    """What the sign-in (``Server.sign_in``, method ``sso``) takes as its credentials."""
    return {
        "code": code,
        "redirect_uri": pending.redirect_uri,
        "code_verifier": pending.verifier,
        "token_endpoint": pending.provider.token_endpoint,
    }


def exchange(caller: Caller, inputs: dict[str, str]) -> SsoTokens:
    """The code (once) for the provider's tokens: a form-encoded POST, as the provider needs."""
    form = {
        "grant_type": "authorization_code",
        "code": inputs["code"],
        "client_id": CLIENT_ID,
        "redirect_uri": inputs["redirect_uri"],
        "code_verifier": inputs["code_verifier"],
    }
    return _token_request(caller, inputs["token_endpoint"], form)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def refresh(caller: Caller, token_endpoint: str, refresh_token: str) -> SsoTokens:
    """A fresh JWT from the refresh token (to revoke after the first one expired)."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": CLIENT_ID}
    return _token_request(caller, token_endpoint, form)


def _token_request(caller: Caller, endpoint: str, form: dict[str, str]) -> SsoTokens:
    response = caller.send("POST", endpoint, data=form, headers={"Accept": "application/json"})
    if response.status_code in (400, 401) and _json_error(response):
        raise AuthenticationRefused(
            f"{TITLE} at {caller.domain} refused the sign-in code or session (used already, "
            f"expired, or not this sign-in's: {_json_error(response)}).",
            code=Code.SSO_CODE_REFUSED,
        )
    body = caller.json(response)
    access = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(access, str) or access.count(".") != 2:
        raise ServiceUnavailable(
            f"{TITLE} at {caller.domain} answered without an access token.", code=Code.BAD_RESPONSE
        )
    refresh_token = body.get("refresh_token")
    lasts = body.get("refresh_expires_in")
    return SsoTokens(
        access,
        refresh_token if isinstance(refresh_token, str) and refresh_token else None,
        time.time() + lasts if isinstance(lasts, int) and lasts > 0 else None,
    )


def _json_error(response: Any) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return _printable(error) if isinstance(error, str) and error else None


def _printable(text: str) -> str:
    return "".join(c for c in text if c.isprintable())[:200]


# --- the login session's claims ------------------------------------------------------------


def jwt_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT, unverified (the server checks it; we only read its dates)."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        return {}
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        return {}
    return claims if isinstance(claims, dict) else {}


def jwt_expiry(token: str) -> float | None:
    exp = jwt_claims(token).get("exp")
    return float(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None


def expired(token: str, now: float | None = None) -> bool:
    """Past its ``exp`` (30 s early: the server's clock may be ahead)."""
    exp = jwt_expiry(token)
    return exp is not None and exp <= (time.time() if now is None else now) + 30


@dataclass(frozen=True)
class SavedSession:
    """The saved login session: the password login's bare JWT, or a single sign-on's JSON."""

    access_token: str
    refresh_token: str | None = None
    refresh_expires_at: float | None = None
    token_endpoint: str | None = None

    @classmethod
    def parse(cls, raw: bytes | None) -> SavedSession | None:
        text = (raw or b"").decode("utf-8", "replace").strip()
        if not text.startswith("{"):
            return cls(text) if text else None
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            return None
        renew = data.get("refresh_token")
        until = data.get("refresh_expires_at")
        endpoint = data.get("token_endpoint")
        return cls(
            data["access_token"],
            renew if isinstance(renew, str) and renew else None,
            float(until) if isinstance(until, (int, float)) else None,
            endpoint if isinstance(endpoint, str) and endpoint else None,
        )

    def over(self, now: float | None = None) -> bool:
        """Nothing can revoke with it any more: the JWT and its refresh token have expired."""
        now = time.time() if now is None else now
        if not expired(self.access_token, now) or jwt_expiry(self.access_token) is None:
            return False
        if self.refresh_token is None or self.token_endpoint is None:
            return True
        until = self.refresh_expires_at or jwt_expiry(self.refresh_token)
        return until is not None and until <= now


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
