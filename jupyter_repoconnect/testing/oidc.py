"""The Anaconda Server's single sign-on provider: a Keycloak-like OpenID Connect server at the
root of its own host, as conda-repo-cli's ``oauth2`` login meets it (protocols.md, "Single
sign-on"; conda-repo-cli ``commands/login.py`` and ``utils/local_auth_server.py``).

One realm at ``/auth/realms/<realm>/`` (Keycloak before 17, what Anaconda Server's
``/api/auth/authorize`` redirects to and the only form conda-repo-cli accepts) or, with
``path_prefix = ""``, at ``/realms/<realm>/`` (Keycloak 17 and later). Strict: one public
client, ``repo-service-cli``; redirect URIs only ``http://localhost:<port>/…`` or
``http://127.0.0.1:<port>/…``; ``response_type=code`` only; PKCE checked (S256 only) when a
challenge was sent; codes live 60 s on the sandbox's clock and work once (a second use also
ends the session they started, as RFC 6749 4.1.2 advises); the token endpoint takes
form-encoded bodies only. Access and refresh tokens are JWTs signed HS256 with a secret of this
sandbox; the Server checks them with :meth:`OidcBook.user_of`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from .wire import Request, Response, json_response

if TYPE_CHECKING:
    from .sandbox import Sandbox

CLIENT_ID = "repo-service-cli"  # conda-repo-cli's OIDC_CLIENT_ID, a public client
REALM = "anaconda"
FORM = "application/x-www-form-urlencoded"
CODE_TTL = 60.0  # Keycloak's default "Client login timeout"
ACCESS_TTL = 300.0  # Keycloak's default "Access Token Lifespan"
REFRESH_TTL = 1800.0  # Keycloak's default "SSO Session Idle"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    user: str
    challenge: str | None
    issued_at: float
    session: str
    used: bool = False


class OidcBook:
    """The provider's state: codes, sessions, the signing secret. ``clock`` is the sandbox's."""

    def __init__(self, users: Mapping[str, str], clock: Callable[[], float] = time.time) -> None:
        self.users = users  # the sandbox's users, shared (added users can sign in too)
        self.clock = clock
        self.secret = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.path_prefix = "/auth"  # "" for Keycloak 17 and later
            self.access_ttl = ACCESS_TTL
            self.refresh_ttl = REFRESH_TTL
            self.codes: dict[str, _Code] = {}
            self.ended_sessions: set[str] = set()

    # -- where things are ------------------------------------------------------------------
    def realm_path(self) -> str:
        return f"{self.path_prefix}/realms/{REALM}"

    def issuer(self, root: str) -> str:
        return root + self.realm_path()

    # -- tokens ----------------------------------------------------------------------------
    def _sign(self, claims: dict[str, Any]) -> str:
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(self.secret, f"{header}.{payload}".encode(), hashlib.sha256)
        return f"{header}.{payload}.{_b64url(signature.digest())}"

    def claims(self, token: str | None, kind: str = "Bearer") -> dict[str, Any] | None:
        """The claims of a live token of ours of ``kind`` (signature, expiry, session checked)."""
        parts = (token or "").split(".")
        if len(parts) != 3:
            return None
        expected = hmac.new(self.secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256)
        try:
            if not hmac.compare_digest(_b64url(expected.digest()), parts[2]):
                return None
            claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        except (ValueError, TypeError):
            return None
        if not isinstance(claims, dict) or claims.get("typ") != kind:
            return None
        if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= self.clock():
            return None
        with self._lock:
            if claims.get("sid") in self.ended_sessions:
                return None
        return claims

    def user_of(self, token: str | None) -> str | None:
        """The user of a live access token (what the Server accepts as its login JWT)."""
        claims = self.claims(token)
        return str(claims["preferred_username"]) if claims else None

    def _tokens(self, root: str, user: str, session: str) -> dict[str, Any]:
        now = int(self.clock())
        common = {"iss": self.issuer(root), "sub": f"u-{user}", "azp": CLIENT_ID, "sid": session}
        access = self._sign(
            {
                **common,
                "typ": "Bearer",
                "iat": now,
                "exp": now + int(self.access_ttl),
                "aud": "account",
                "preferred_username": user,
                "scope": "openid profile email",
            }
        )
        refresh = self._sign(
            {**common, "typ": "Refresh", "iat": now, "exp": now + int(self.refresh_ttl)}
        )
        return {
            "access_token": access,
            "expires_in": int(self.access_ttl),
            "refresh_expires_in": int(self.refresh_ttl),
            "refresh_token": refresh,
            "token_type": "Bearer",
            "not-before-policy": 0,
            "session_state": session,
            "scope": "openid profile email",
        }


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    return json_response(status, {"error": error, "error_description": description})


def _page(status: int, title: str, body: str) -> Response:
    page = (
        f"<!DOCTYPE html>\n<html><head><title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>\n"
    )
    return Response(status, page.encode("utf-8"), "text/html; charset=utf-8")


def _error_page(status: int, text: str) -> Response:
    # Keycloak shows an error page, and never redirects, for a client or redirect URI it
    # cannot trust
    return _page(status, "We are sorry...", f"<p>{html.escape(text)}</p>")


def loopback_redirect(uri: str) -> bool:
    """``http://localhost:<port>/…`` or ``http://127.0.0.1:<port>/…``, nothing else."""
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "http"
        and parts.hostname in LOOPBACK_HOSTS
        and port is not None
        and parts.netloc == f"{parts.hostname}:{port}"  # no user info
        and parts.path.startswith("/")
        and not parts.fragment
    )


def _with_query(uri: str, values: dict[str, str]) -> str:
    joiner = "&" if urlsplit(uri).query else "?"
    return uri + joiner + urlencode(values)


def handle(sb: Sandbox, req: Request) -> Response:
    """Answer one request to the provider's host."""
    book: OidcBook = sb.oidc
    root = sb.root("oidc")
    realm = book.realm_path()
    path = req.path
    if path == realm + "/.well-known/openid-configuration" and req.method in ("GET", "HEAD"):
        issuer = book.issuer(root)
        return json_response(
            200,
            {
                "issuer": issuer,
                "authorization_endpoint": issuer + "/protocol/openid-connect/auth",
                "token_endpoint": issuer + "/protocol/openid-connect/token",
                "jwks_uri": issuer + "/protocol/openid-connect/certs",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
                "code_challenge_methods_supported": ["plain", "S256"],
                "token_endpoint_auth_methods_supported": ["none", "client_secret_post"],
            },
        )
    if path == realm + "/protocol/openid-connect/auth":
        return _authorize(book, req)
    if path == realm + "/protocol/openid-connect/token":
        return _token(book, req, root)
    return _page(404, "Page not found", "")


def _form(req: Request) -> dict[str, str] | None:
    kind = (req.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if kind != FORM:
        return None
    try:
        return dict(parse_qsl(req.body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        return None


def _authorize(book: OidcBook, req: Request) -> Response:
    """GET: the login page; POST (form, same query): the user signs in or cancels."""
    if req.method not in ("GET", "HEAD", "POST"):
        return _error_page(405, "Method not allowed.")
    query = req.query
    if query.get("client_id") != CLIENT_ID:
        return _error_page(400, "Client not found.")
    redirect_uri = query.get("redirect_uri", "")
    if not loopback_redirect(redirect_uri):
        return _error_page(400, "Invalid parameter: redirect_uri")
    state = query.get("state")

    def back(**values: str) -> Response:
        if state is not None:
            values["state"] = state  # echoed exactly
        return Response(302, b"", "", {"Location": _with_query(redirect_uri, values)})

    if query.get("response_type") != "code":
        return back(error="unsupported_response_type", error_description="Only code.")
    challenge = query.get("code_challenge")
    if challenge is not None and query.get("code_challenge_method") != "S256":
        return back(error="invalid_request", error_description="Only S256 is accepted.")
    if challenge is not None and not 43 <= len(challenge) <= 128:
        return back(error="invalid_request", error_description="Invalid code_challenge.")
    if req.method != "POST":
        return _login_page(200, req, "")
    form = _form(req)
    if form is None:
        return _error_page(400, "The login form must be form-encoded.")
    if "cancel" in form:
        return back(error="access_denied", error_description="The user cancelled the login.")
    user = form.get("username", "")
    if not user or book.users.get(user) != form.get("password"):
        return _login_page(200, req, "Invalid username or password.")
    code = secrets.token_urlsafe(32)
    with book._lock:
        book.codes[code] = _Code(
            CLIENT_ID, redirect_uri, user, challenge, book.clock(), secrets.token_hex(16)
        )
    return back(code=code)


def _login_page(status: int, req: Request, error: str) -> Response:
    action = html.escape(req.path + "?" + urlencode(req.query), quote=True)
    problem = f'<p class="error">{html.escape(error)}</p>' if error else ""
    return _page(
        status,
        "Sign in to your account",
        f'{problem}<form method="post" action="{action}">'
        '<label>Username <input name="username" autocomplete="username"></label> '
        '<label>Password <input name="password" type="password"></label> '
        '<button type="submit" name="login" value="Sign In">Sign In</button> '
        '<button type="submit" name="cancel" value="on">Cancel</button></form>',
    )


def _token(book: OidcBook, req: Request, root: str) -> Response:
    if req.method != "POST":
        return _oauth_error("invalid_request", "HTTP method not allowed.", 405)
    form = _form(req)
    if form is None:
        return _oauth_error("invalid_request", "The body must be form-encoded.")
    if form.get("client_id") != CLIENT_ID:
        return _oauth_error("invalid_client", "Invalid client credentials.", 401)
    grant = form.get("grant_type")
    if grant == "authorization_code":
        return _code_grant(book, form, root)
    if grant == "refresh_token":
        claims = book.claims(form.get("refresh_token"), "Refresh")
        if claims is None or claims.get("azp") != CLIENT_ID:
            return _oauth_error("invalid_grant", "Invalid refresh token.")
        user = str(claims["sub"]).removeprefix("u-")
        return json_response(200, book._tokens(root, user, str(claims["sid"])))
    return _oauth_error("unsupported_grant_type", "Unsupported grant_type.")


def _code_grant(book: OidcBook, form: dict[str, str], root: str) -> Response:
    with book._lock:
        code = book.codes.get(form.get("code", ""))
        if code is not None and code.used:
            book.ended_sessions.add(code.session)  # a replayed code ends what it started
        if code is None or code.used:
            return _oauth_error("invalid_grant", "Code not valid.")
        code.used = True
    if book.clock() - code.issued_at > CODE_TTL:
        return _oauth_error("invalid_grant", "Code not valid.")
    if form.get("redirect_uri") != code.redirect_uri:
        return _oauth_error("invalid_grant", "Incorrect redirect_uri.")
    verifier = form.get("code_verifier")
    if code.challenge is None and verifier is not None:
        return _oauth_error("invalid_grant", "PKCE code verifier specified but challenge not set.")
    if code.challenge is not None:
        digest = _b64url(hashlib.sha256((verifier or "").encode("ascii", "replace")).digest())
        if not verifier or not hmac.compare_digest(digest, code.challenge):
            return _oauth_error("invalid_grant", "PKCE verification failed.")
    if code.user not in book.users:
        return _oauth_error("invalid_grant", "User not found.")
    return json_response(200, book._tokens(root, code.user, code.session))
