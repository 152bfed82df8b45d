"""anaconda.com (the Anaconda Cloud account), at the root of its own host, as anaconda-auth 0.15
sees it: OIDC discovery, the device authorization grant, API keys, the account, organisations and
their repository token. Strict: `/api/...` takes `Authorization: Bearer <API key>` only (the API
key creation takes the sign-in's access token), everything else is 401.

`/device` is the page where a person types the user code and approves (or denies) the sign-in;
tests call `AccountBook.approve()` / `deny()` / `force()` instead, or drive the page in a browser.
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from .catalog import CLOUD_ORG
from .records import iso
from .wire import BadBody, Request, Response, json_response

if TYPE_CHECKING:
    from .sandbox import Sandbox

CLIENT_ID = "b4ad7f1d-c784-46b5-a9fe-106e50441f5a"  # anaconda-auth's public client id
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
FORM = "application/x-www-form-urlencoded"
API_KEY_SCOPES = ("cloud:read", "cloud:write", "repo:read")
USER = {
    "id": "0b5e5d5e-6f1b-4b8e-9d53-5a9e0c2f7a11",
    "username": "demo",
    "email": "demo@example.com",
    "first_name": "Demo",
    "last_name": "User",
}
STARTER_ORG = "hobby"
# (id, name, title, product code): a business subscription may issue repository tokens
ORGS = (
    ("7c2f6a8e-1d7b-4c0e-9a57-2f1f3b6d9e01", CLOUD_ORG, "Acme Corp", "commercial_subscription"),
    ("9a4d1c22-5e3f-4a8b-8c61-0d7e2b4f5a02", STARTER_ORG, "Hobby projects", "starter_subscription"),
)
TOKEN_DAYS = 365


@dataclass
class DeviceFlow:
    """One device authorization: pending until approved, denied or expired."""

    device_code: str = field(repr=False)
    user_code: str
    expires_at: float
    interval: int
    state: str = "pending"  # pending, approved, denied, used
    last_poll: float | None = None
    forced: list[str] = field(default_factory=list)  # answers a test made the next polls give


@dataclass
class ApiKey:
    key: str = field(repr=False)
    user: str
    scopes: tuple[str, ...]
    expires_at: float
    revoked: bool = False

    @property
    def valid(self) -> bool:
        return not self.revoked and self.expires_at > time.time()


class AccountBook:
    """The account side's state: device flows, access tokens, API keys, organisation tokens."""

    def __init__(self, interval: int = 5, expires_in: int = 600) -> None:
        self.interval = interval  # seconds between polls (RFC 8628 default: 5)
        self.expires_in = expires_in  # lifetime of a device code
        self.auth_api_keys = True  # False: /api/auth/api-keys is 404 (anaconda-auth falls back)
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.flows: dict[str, DeviceFlow] = {}
            self.access_tokens: dict[str, tuple[str, float]] = {}  # token -> (user, expiry)
            self.api_keys: dict[str, ApiKey] = {}
            self.org_tokens: dict[str, str] = {}  # org -> id of its current Cloud token
            self.auth_api_keys = True

    # -- what tests (and the device page) do --------------------------------------------
    def _flow(self, user_code: str) -> DeviceFlow:
        wanted = user_code.strip().upper().replace("-", "").replace(" ", "")
        with self._lock:
            for flow in self.flows.values():
                if flow.user_code.replace("-", "") == wanted:
                    return flow
        raise KeyError("unknown user code")

    def approve(self, user_code: str) -> None:
        """The person approves the sign-in (KeyError for an unknown code, ValueError if over)."""
        flow = self._flow(user_code)
        if flow.state != "pending" or flow.expires_at <= time.time():
            raise ValueError("This code has expired or was already used.")
        flow.state = "approved"

    def deny(self, user_code: str) -> None:
        flow = self._flow(user_code)
        if flow.state != "pending" or flow.expires_at <= time.time():
            raise ValueError("This code has expired or was already used.")
        flow.state = "denied"

    def expire(self, user_code: str) -> None:
        self._flow(user_code).expires_at = time.time() - 1

    def force(self, user_code: str, *answers: str) -> None:
        """Make the next polls of this flow answer `answers` (e.g. "slow_down") first."""
        self._flow(user_code).forced.extend(answers)

    def pending_codes(self) -> list[str]:
        with self._lock:
            return [f.user_code for f in self.flows.values() if f.state == "pending"]

    def valid_api_keys(self) -> list[ApiKey]:
        with self._lock:
            return [k for k in self.api_keys.values() if k.valid]

    def revoke_api_key(self, key: str) -> None:
        self.api_keys[key].revoked = True

    def add_api_key(self, days: float = TOKEN_DAYS) -> str:
        """An API key as a user creates it on anaconda.com (Account Settings → API Keys)."""
        return self._new_api_key(USER["username"], API_KEY_SCOPES, days)

    # -- issuing ---------------------------------------------------------------------------
    def _new_flow(self) -> DeviceFlow:
        letters = "BCDFGHJKLMNPQRSTVWXZ"  # no vowels: no words, as RFC 8628 suggests
        code = "".join(secrets.choice(letters) for _ in range(8))
        flow = DeviceFlow(
            device_code=secrets.token_urlsafe(32),
            user_code=f"{code[:4]}-{code[4:]}",
            expires_at=time.time() + self.expires_in,
            interval=self.interval,
        )
        with self._lock:
            self.flows[flow.device_code] = flow
        return flow

    def _new_api_key(self, user: str, scopes: tuple[str, ...], days: float) -> str:
        expires = time.time() + days * 86400
        key = _jwt({"sub": USER["id"], "exp": int(expires), "scopes": list(scopes)})
        with self._lock:
            self.api_keys[key] = ApiKey(key, user, scopes, expires)
        return key


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(claims: dict[str, Any]) -> str:
    """A JWT-shaped key as anaconda.com issues (anaconda-auth reads its `exp` unverified)."""
    header = _b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    payload = _b64url(json.dumps({**claims, "iat": int(time.time())}).encode())
    return f"{header}.{payload}.{_b64url(secrets.token_bytes(64))}"


def _error(status: int, message: str) -> Response:
    return json_response(status, {"message": message})


def _oauth_error(error: str, description: str = "", status: int = 400) -> Response:
    return json_response(status, {"error": error, "error_description": description})


def _form(req: Request) -> dict[str, str] | None:
    if (req.headers.get("Content-Type") or "").split(";")[0].strip().lower() != FORM:
        return None
    try:
        return dict(parse_qsl(req.body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        return None


def handle(sb: Sandbox, req: Request) -> Response:
    """Answer one request to the anaconda.com host."""
    book: AccountBook = sb.account
    root = sb.root("account")
    path = req.path.rstrip("/") or "/"
    if path == "/.well-known/openid-configuration" and req.method in ("GET", "HEAD"):
        return json_response(
            200,
            {
                "issuer": root,
                "authorization_endpoint": root + "/authorize",
                "token_endpoint": root + "/api/auth/oauth2/token",
                "device_authorization_endpoint": root + "/api/auth/oauth2/device/authorize",
                "jwks_uri": root + "/.well-known/jwks.json",
            },
        )
    if path == "/api/auth/oauth2/device/authorize":
        return _device_authorize(book, req, root)
    if path == "/api/auth/oauth2/token":
        return _token(book, req)
    if path == "/device":
        return _device_page(book, req)
    if path in ("/api/auth/api-keys", "/api/iam/api-keys"):
        if path == "/api/auth/api-keys" and not book.auth_api_keys:
            return _error(404, "Not found.")
        return _create_api_key(book, req)
    if path.startswith("/api/"):
        return _api(sb, book, req, path)
    return _error(404, "Not found.")


def _client_form(req: Request) -> dict[str, str] | Response:
    """The form of an OAuth endpoint's POST from our client, or the OAuth error to answer."""
    if req.method != "POST":
        return _error(405, "Method not allowed.")
    form = _form(req)
    if form is None:
        return _oauth_error("invalid_request", "Send the parameters form-encoded.")
    if form.get("client_id") != CLIENT_ID:
        return _oauth_error("invalid_client", "Unknown client.", 401)
    return form


def _device_authorize(book: AccountBook, req: Request, root: str) -> Response:
    form = _client_form(req)
    if isinstance(form, Response):
        return form
    if "openid" not in (form.get("scope") or "").split():
        return _oauth_error("invalid_scope", "The scope must include openid.")
    flow = book._new_flow()
    return json_response(
        200,
        {
            "device_code": flow.device_code,
            "user_code": flow.user_code,
            "verification_uri": root + "/device",
            "verification_uri_complete": f"{root}/device?user_code={flow.user_code}",
            "expires_in": book.expires_in,
            "interval": flow.interval,
        },
    )


def _token(book: AccountBook, req: Request) -> Response:
    form = _client_form(req)
    if isinstance(form, Response):
        return form
    if form.get("grant_type") != DEVICE_GRANT:
        return _oauth_error("unsupported_grant_type", "Only the device code grant is offered.")
    with book._lock:
        flow = book.flows.get(form.get("device_code") or "")
        if flow is None or flow.state == "used":
            return _oauth_error("invalid_grant", "Unknown or used device code.")
        now = time.time()
        if flow.forced:
            return _oauth_error(flow.forced.pop(0))
        if flow.expires_at <= now:
            return _oauth_error("expired_token", "The device code has expired.")
        if flow.state == "denied":
            return _oauth_error("access_denied", "The sign-in was denied.")
        too_soon = flow.last_poll is not None and now - flow.last_poll < flow.interval
        flow.last_poll = now
        if too_soon:
            flow.interval += 5  # RFC 8628 3.5: the client must wait 5 s longer from now on
            return _oauth_error("slow_down", "Polling too often.")
        if flow.state == "pending":
            return _oauth_error("authorization_pending", "Waiting for the user.")
        flow.state = "used"
        access = secrets.token_urlsafe(32)
        book.access_tokens[access] = (USER["username"], now + 300)
    return json_response(
        200,
        {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": _jwt({"sub": USER["id"], "exp": int(now + 300)}),
            "scope": "openid",
        },
    )


def _device_page(book: AccountBook, req: Request) -> Response:
    code = req.query.get("user_code", "")
    if req.method == "POST":
        form = _form(req) or {}
        code = form.get("user_code", "")
        action = form.get("action", "")
        try:
            (book.approve if action == "approve" else book.deny)(code)
        except KeyError:
            return _page(400, "Unknown code", "No sign-in is waiting for this code.", code)
        except ValueError as err:
            return _page(400, "Code no longer valid", str(err), code)
        if action == "approve":
            return _page(200, "Device approved", "You can close this tab and go back.")
        return _page(200, "Sign-in denied", "The device was not signed in.")
    if req.method not in ("GET", "HEAD"):
        return _error(405, "Method not allowed.")
    return _page(200, "Connect a device", "Enter the code shown by the application.", code, True)


def _page(status: int, title: str, text: str, code: str = "", form: bool = False) -> Response:
    body = f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
    if form:
        body += (
            '<form method="post" action="/device">'
            f"<p>Signed in as <b>{USER['username']}</b> (sandbox anaconda.com).</p>"
            '<label>Code <input name="user_code" autocomplete="off" '
            f'value="{html.escape(code, quote=True)}"></label> '
            '<button name="action" value="approve" type="submit">Approve</button> '
            '<button name="action" value="deny" type="submit">Deny</button></form>'
        )
    page = (
        f"<!DOCTYPE html>\n<html><head><title>{html.escape(title)}</title></head>"
        f"<body>{body}</body></html>\n"
    )
    return Response(status, page.encode("utf-8"), "text/html; charset=utf-8")


def _create_api_key(book: AccountBook, req: Request) -> Response:
    if req.method != "POST":
        return _error(405, "Method not allowed.")
    bearer = req.scheme_token("bearer")
    with book._lock:
        entry = book.access_tokens.get(bearer or "")
    if entry is None or entry[1] <= time.time():
        return _error(401, "A valid access token is required.")
    try:
        body = req.json()
    except BadBody as err:
        return _error(400, str(err))
    scopes = body.get("scopes")
    if not isinstance(scopes, list) or not scopes or not set(scopes) <= set(API_KEY_SCOPES):
        return _error(422, f"scopes must be a non-empty subset of {list(API_KEY_SCOPES)}.")
    key = book._new_api_key(entry[0], tuple(scopes), TOKEN_DAYS)
    record = book.api_keys[key]
    return json_response(
        201, {"id": str(uuid.uuid4()), "api_key": key, "expires_at": iso(record.expires_at)}
    )


def _api(sb: Sandbox, book: AccountBook, req: Request, path: str) -> Response:
    bearer = req.scheme_token("bearer")
    with book._lock:
        key = book.api_keys.get(bearer or "")
    if key is None or not key.valid:
        return _error(401, "Authentication required: send a valid API key as a Bearer token.")
    if path == "/api/account" and req.method == "GET":
        subscriptions = [{"org_id": oid, "product_code": code} for oid, _, _, code in ORGS]
        return json_response(200, {"user": dict(USER), "subscriptions": subscriptions})
    if path == "/api/organizations/my" and req.method == "GET":
        return json_response(200, [{"id": oid, "name": n, "title": t} for oid, n, t, _ in ORGS])
    prefix, _, rest = path.partition("/api/organizations/")
    org, _, tail = rest.partition("/")
    if prefix or tail != "ce/current-token":
        return _error(404, "Not found.")
    found = next((o for o in ORGS if o[1] == org), None)
    if found is None:
        return _error(404, "Organization not found.")
    if req.method == "GET":
        record = sb.tokens.find(book.org_tokens.get(org, ""))
        if record is None or not record.valid:
            return _error(404, "This organization has no current token.")
        return json_response(200, {"id": record.id, "expires_at": iso(record.expires_at)})
    if req.method != "PUT":
        return _error(405, "Method not allowed.")
    if "repo:read" not in key.scopes:
        return _error(403, "This API key may not issue repository tokens.")
    if "starter" in found[3]:
        return _error(403, "This organization's subscription has no repository access.")
    try:
        body = req.json()
    except BadBody as err:
        return _error(400, str(err))
    if body.get("confirm") != "yes":
        return _error(400, 'Reissuing revokes the current token: send {"confirm": "yes"}.')
    with book._lock:
        old = sb.tokens.find(book.org_tokens.get(org, ""))
        if old is not None:
            old.revoked = True  # the organisation has one current token
        record = sb.tokens.issue("cloud", "cloud", ttl=TOKEN_DAYS * 86400, org=org)
        book.org_tokens[org] = record.id
    return json_response(200, {"token": record.token, "expires_at": iso(record.expires_at)})
