"""Anaconda Server / PSM on-prem, at the root of its own host: `/api/...` and the repository
`/api/repo/t/<TOKEN>/<channel>/...`.

As strict as protocols.md's Server section: the login JWT is accepted only as
`Authorization: Bearer` on the token endpoints; the private access token only as `X-Auth` on
the API and only as `/api/repo/t/<TOKEN>/` in the repository; the login takes a JSON body only;
token creation answers 200; listings refuse `limit` over 1000 and sort keys other than
`name`/`updated_at`; scopes are enforced. Single sign-on: `/api/auth/authorize` answers 302 to
the provider (`oidc.py`), whose access token the token endpoints take like the login JWT; a
Server may be set to single sign-on only (`ServerSettings`). Repository files: `packages.py`.
Keep it in step with `jupyter_repoconnect/core/services/server.py`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from .catalog import SORT_KEYS, ChannelInfo, parse_sort
from .packages import serve_channel_file
from .records import TokenRecord, iso
from .wire import BadBody, Request, Response, empty, html_response, is_json, json_response

if TYPE_CHECKING:
    from .sandbox import Sandbox

SESSION_TTL = 15 * 60.0
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
VERSION = "6.6.0"
# What every seeded user may grant a token (the sandbox's users are ordinary users).
USER_SCOPES = (
    "channel:view",
    "channel:view-artifacts",
    "subchannel:view",
    "subchannel:view-artifacts",
    "artifact:view",
    "artifact:download",
)
_SCOPE_FORM = re.compile(r"^[a-z][a-z-]*:[a-z][a-z-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TOKEN_ENDPOINTS = ("/account/tokens", "/account/scopes")
WEB_CLIENT_ID = "anaconda-server-web"  # the server's own web login at the provider


@dataclass
class ServerSettings:
    """How this Server is set up (a test changes them; reset() restores them)."""

    sso: bool = True  # single sign-on configured: /api/auth/authorize redirects to the provider
    sso_only: bool = False  # password login turned off (accounts come from single sign-on)


def _error(status: int, message: str) -> Response:
    return json_response(status, {"message": message})


def _session(sb: Sandbox, req: Request) -> TokenRecord | None:
    """The login session of a token endpoint: the JWT as `Bearer`, nothing else — the password
    login's, or an access token of the single sign-on provider (protocols.md)."""
    bearer = req.scheme_token("bearer")
    record = sb.tokens.valid(bearer, "server", ("session",))
    user = None if record is not None else sb.oidc.user_of(bearer)
    if user is not None and user in sb.users:
        return TokenRecord(id="sso", service="server", kind="session", token="", user=user)
    return record


def _access(sb: Sandbox, req: Request) -> TokenRecord | None:
    """The private access token of an API call: `X-Auth` only. No public client sends it any
    other way (conda-repo-cli's `get_xauth_headers`, Navigator): not `Bearer`, and not basic
    auth `<token>:x-auth-token`, which nothing public shows the server accepting."""
    auth = req.authorization()
    if auth is not None and auth[0] == "bearer":
        return None  # `Bearer <access token>` is refused by the real server
    return sb.tokens.valid(req.headers.get("X-Auth"), "server", ("private",))


def handle(sb: Sandbox, req: Request) -> Response:
    """Answer one request to the Server host."""
    path = req.path
    if path != "/api" and not path.startswith("/api/"):
        if path in ("", "/"):
            return html_response(200, "Anaconda Server (sandbox)", "Sign in to continue.")
        return html_response(404, "404 Not Found")
    api = path[len("/api") :].rstrip("/")
    reading = req.method in ("GET", "HEAD")
    if api.startswith("/repo/"):
        return _repo(sb, req, api) if reading else _error(405, "Method not allowed.")
    routes = {
        ("/system", "GET"): _system,
        ("/auth/login", "POST"): _login,
        ("/auth/authorize", "GET"): _authorize,
        ("/account/tokens", "POST"): _create_token,
        ("/account/tokens", "GET"): _list_tokens,
        ("/account/scopes", "GET"): _scopes,
        ("/account", "GET"): _account,
        ("/account/channels", "GET"): lambda s, r: _channels(s, r, mine=True),
        ("/channels", "GET"): lambda s, r: _channels(s, r, mine=False),
    }
    method = "GET" if req.method == "HEAD" else req.method
    try:
        if api.startswith("/account/tokens/") and req.method == "DELETE":
            return _revoke(sb, req, api[len("/account/tokens/") :])
        route = routes.get((api, method))
        if route is not None:
            return route(sb, req)
    except BadBody as err:
        return _error(400, str(err))
    if any(known == api for known, _ in routes):
        return _error(405, "Method not allowed.")
    return _error(404, "Not found.")


def _system(sb: Sandbox, req: Request) -> Response:
    return json_response(200, {"status": "ok", "version": VERSION, "name": "Anaconda Server"})


def _login(sb: Sandbox, req: Request) -> Response:
    # Both public clients send `Content-Type: application/json` (conda-repo-cli's `login`,
    # Navigator); a body of another or no media type is refused with 415 (RFC 9110 15.5.16).
    if not is_json(req):
        return _error(415, "The login body must be JSON (Content-Type: application/json).")
    body = req.json()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        return _error(400, "username and password are required.")
    if sb.server_settings.sso_only:
        return _error(401, "Password login is disabled: sign in with single sign-on.")
    if sb.users.get(username) != password:
        return _error(401, "Invalid username or password.")
    record = sb.tokens.issue("server", "session", user=username, name="session", ttl=SESSION_TTL)
    # Navigator reads both; nothing public says where the refresh token is used
    refresh = "eyJ" + secrets.token_urlsafe(96)
    answer = {"token": record.token, "refresh_token": refresh, "expires_at": iso(record.expires_at)}
    return json_response(200, answer)


def _authorize(sb: Sandbox, req: Request) -> Response:
    """The server's web login: a redirect to its single sign-on provider's authorization
    endpoint (conda-repo-cli reads only the path of the `Location`)."""
    if not sb.server_settings.sso:
        return _error(404, "Single sign-on is not configured.")
    query = urlencode(
        {
            "client_id": WEB_CLIENT_ID,
            "response_type": "code",
            "redirect_uri": sb.root("server") + "/api/auth/callback",
        }
    )
    target = f"{sb.oidc.issuer(sb.root('oidc'))}/protocol/openid-connect/auth?{query}"
    return Response(302, b"", "", {"Location": target})


def _create_token(sb: Sandbox, req: Request) -> Response:
    caller = _session(sb, req)
    if caller is None:
        return _error(401, "Authentication required.")
    body = req.json()
    name, scopes, resources = body.get("name"), body.get("scopes"), body.get("resources")
    if not isinstance(name, str) or not name.strip():
        return _error(400, "name is required.")
    if scopes and resources:
        return _error(400, "A token has either scopes or resources, not both.")
    if not isinstance(scopes, list) or not scopes or not all(isinstance(s, str) for s in scopes):
        return _error(400, "scopes must be a non-empty list of strings.")
    bad = [s for s in scopes if not _SCOPE_FORM.match(s)]
    if bad:
        return _error(400, f"Unknown scope(s): {', '.join(bad)}.")
    denied = [s for s in scopes if s not in USER_SCOPES]
    if denied:
        return _error(403, f"You may not grant the scope(s): {', '.join(denied)}.")
    expires = body.get("expires_at")
    if not isinstance(expires, str) or not _DATE.match(expires):
        return _error(400, "expires_at must be a date YYYY-MM-DD.")
    try:
        moment = datetime.strptime(expires, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        return _error(400, "expires_at must be a date YYYY-MM-DD.")
    if moment.timestamp() <= datetime.now(timezone.utc).timestamp():
        return _error(400, "expires_at must be in the future.")
    record = sb.tokens.issue(
        "server",
        "private",
        user=caller.user,
        name=name,
        scopes=list(scopes),
        expires_at=moment.timestamp(),
    )
    data = {
        "id": record.id,
        "token": record.token,
        "name": record.name,
        "scopes": record.scopes,
        "expires_at": expires,
    }
    return json_response(200, data)


def _list_tokens(sb: Sandbox, req: Request) -> Response:
    caller = _session(sb, req)
    if caller is None:
        return _error(401, "Authentication required.")
    mine = [
        {"id": r.id, "name": r.name, "scopes": r.scopes, "expires_at": iso(r.expires_at)}
        for r in sb.tokens.select("server", "private").values()
        if r.user == caller.user and r.valid
    ]
    return json_response(200, {"items": mine, "total_count": len(mine)})


def _scopes(sb: Sandbox, req: Request) -> Response:
    if _session(sb, req) is None:
        return _error(401, "Authentication required.")
    return json_response(200, {"scopes": list(USER_SCOPES)})


def _revoke(sb: Sandbox, req: Request, token_id: str) -> Response:
    caller = _session(sb, req)
    if caller is None:
        return _error(401, "Authentication required.")
    target = sb.tokens.select("server", "private").get(token_id)
    if target is None or target.user != caller.user or target.revoked:
        return _error(404, "Token not found.")
    target.revoked = True
    return empty(204)


def _account(sb: Sandbox, req: Request) -> Response:
    caller = _access(sb, req)
    if caller is None or caller.user not in sb.users:
        return _error(401, "Authentication required.")
    user = caller.user
    return json_response(
        200,
        {"username": user, "user_id": f"u-{user}", "email": f"{user}@example.com", "name": user},
    )


def _int_param(req: Request, name: str, default: int) -> int:
    raw = req.query.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise ValueError
    return int(raw)


def _channels(sb: Sandbox, req: Request, mine: bool) -> Response:
    caller = _access(sb, req)
    if caller is None:
        return _error(401, "Authentication required.")
    if "channel:view" not in caller.scopes:
        return _error(403, "This token lacks the scope channel:view.")
    try:
        offset = _int_param(req, "offset", 0)
        limit = _int_param(req, "limit", DEFAULT_LIMIT)
    except ValueError:
        return _error(400, "offset and limit must be non-negative integers.")
    if not 1 <= limit <= MAX_LIMIT:
        return _error(400, f"limit must be between 1 and {MAX_LIMIT}.")
    sort = parse_sort(req.query.get("sort", "name"))
    if sort is None:
        keys = ", ".join(sorted(SORT_KEYS))
        return _error(400, f"sort is a comma list of {keys}, each optionally prefixed by -.")
    subchannels = req.query.get("include_subchannels", "false").lower() == "true"
    items, total = sb.catalog.page(
        offset, limit, user=caller.user if mine else None, subchannels=subchannels, sort=sort
    )
    return json_response(200, {"items": items, "total_count": total})


def _may_read(caller: TokenRecord | None, channel: ChannelInfo) -> int:
    """0 if `caller` may read `channel`'s repodata, else the refusal status."""
    if caller is None:
        return 401  # protocols.md documents token access only: no anonymous reads here
    if not channel.visible_to(caller.user):
        return 403
    needed = (
        ("subchannel:view", "subchannel:view-artifacts")
        if channel.is_subchannel
        else ("channel:view",)
    )
    if not all(s in caller.scopes for s in needed):
        return 403
    if channel.is_subchannel:
        return 0
    return 0 if {"channel:view-artifacts", "artifact:view"} & set(caller.scopes) else 403


def _repo(sb: Sandbox, req: Request, api: str) -> Response:
    parts = api[len("/repo/") :].split("/")
    if len(parts) < 3 or not all(parts):
        return _error(404, "Not found.")
    channel_name, subdir, filename = "/".join(parts[:-2]), parts[-2], parts[-1]
    caller: TokenRecord | None = None
    if req.url_token is not None:
        caller = sb.tokens.valid(req.url_token, "server", ("private",))
        if caller is None:
            return _error(401, "The token is invalid, expired or revoked.")
    channel = sb.catalog.get(channel_name)
    if channel is None:
        return _error(404, f"Channel {channel_name} not found.")
    refused = _may_read(caller, channel)
    if refused:
        return _error(refused, f"Access to {channel_name} denied.")
    served = serve_channel_file(sb, req, channel_name, subdir, filename)
    return served or _error(404, "Not found.")
