"""Anaconda Server / PSM on-prem: `/server` (web page) and `/server/api/...` (REST + repo).

The REST paths follow the working assumption of protocols.md; keep them in step with
`jupyter_repoconnect/core/services/server.py`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .catalog import REPODATA_FILES, SUBDIRS, repodata
from .records import TokenRecord, iso
from .wire import BadBody, Request, Response, empty, html_response, json_response

if TYPE_CHECKING:
    from .sandbox import Sandbox

SESSION_TTL = 15 * 60.0
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


def _error(status: int, message: str) -> Response:
    return json_response(status, {"message": message})


def _parse_expiry(value: object) -> float:
    """Seconds since the epoch for an ISO 8601 date or date-time; naive means UTC."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError
    text = value.strip()
    moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _caller(sb: Sandbox, req: Request) -> TokenRecord | None:
    return sb.tokens.valid(req.credential(basic_token=True), "server", ("session", "private"))


def handle(sb: Sandbox, req: Request, rest: str) -> Response:
    """Answer a request whose path was `/server` + `rest`."""
    if rest in ("", "/"):
        return html_response(200, "Anaconda Server (sandbox)", "Sign in to continue.")
    if rest != "/api" and not rest.startswith("/api/"):
        return html_response(404, "404 Not Found")
    api = rest[len("/api") :].rstrip("/")
    reading = req.method in ("GET", "HEAD")
    if api == "":
        if not reading:
            return _error(405, "Method not allowed.")
        return json_response(200, {"name": "Anaconda Server (sandbox)", "version": "6.6.0"})
    if api.startswith("/repo/"):
        return _error(405, "Method not allowed.") if not reading else _repo(sb, req, api)
    try:
        if api == "/auth/login" and req.method == "POST":
            return _login(sb, req)
        if api == "/account/tokens" and req.method == "POST":
            return _create_token(sb, req)
        if api == "/account/tokens" and reading:
            return _list_tokens(sb, req)
        if api.startswith("/account/tokens/") and req.method == "DELETE":
            return _revoke(sb, req, api[len("/account/tokens/") :])
        if api == "/account" and reading:
            return _account(sb, req)
        if api == "/channels" and reading:
            return _channels(sb, req)
    except BadBody as err:
        return _error(400, str(err))
    if api in ("/auth/login", "/account/tokens", "/account", "/channels"):
        return _error(405, "Method not allowed.")
    return _error(404, "Not found.")


def _login(sb: Sandbox, req: Request) -> Response:
    body = req.json()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        return _error(400, "username and password are required.")
    if sb.users.get(username) != password:
        return _error(401, "Invalid username or password.")
    record = sb.tokens.issue("server", "session", user=username, name="session", ttl=SESSION_TTL)
    return json_response(200, {"token": record.token, "expires_at": iso(record.expires_at)})


def _create_token(sb: Sandbox, req: Request) -> Response:
    caller = _caller(sb, req)
    if caller is None:
        return _error(401, "Authentication required.")
    body = req.json()
    name, scopes, resources = body.get("name"), body.get("scopes"), body.get("resources")
    if not isinstance(name, str) or not name.strip():
        return _error(400, "name is required.")
    if scopes and resources:
        return _error(400, "A token has either scopes or resources, not both.")
    if scopes is not None and (
        not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes)
    ):
        return _error(400, "scopes must be a list of strings.")
    expires_at: float | None = None
    if body.get("expires_at") is not None:
        try:
            expires_at = _parse_expiry(body["expires_at"])
        except ValueError:
            return _error(400, "expires_at must be an ISO 8601 date or date-time.")
        if expires_at <= datetime.now(timezone.utc).timestamp():
            return _error(400, "expires_at must be in the future.")
    record = sb.tokens.issue(
        "server",
        "private",
        user=caller.user,
        name=name,
        scopes=list(scopes or []),
        expires_at=expires_at,
    )
    data = {
        "id": record.id,
        "token": record.token,
        "name": record.name,
        "scopes": record.scopes,
        "expires_at": body.get("expires_at"),
    }
    return json_response(201, data)


def _list_tokens(sb: Sandbox, req: Request) -> Response:
    caller = _caller(sb, req)
    if caller is None:
        return _error(401, "Authentication required.")
    mine = [
        {"id": r.id, "name": r.name, "scopes": r.scopes, "expires_at": iso(r.expires_at)}
        for r in sb.tokens.select("server", "private").values()
        if r.user == caller.user and r.valid
    ]
    return json_response(200, {"items": mine, "total_count": len(mine)})


def _revoke(sb: Sandbox, req: Request, token_id: str) -> Response:
    caller = _caller(sb, req)
    if caller is None:
        return _error(401, "Authentication required.")
    target = sb.tokens.select("server", "private").get(token_id)
    if target is None or target.user != caller.user or target.revoked:
        return _error(404, "Token not found.")
    target.revoked = True
    return empty(204)


def _account(sb: Sandbox, req: Request) -> Response:
    caller = _caller(sb, req)
    if caller is None or caller.user not in sb.users:
        return _error(401, "Authentication required.")
    user = caller.user
    return json_response(
        200, {"username": user, "email": f"{user}@example.com", "name": user.title()}
    )


def _int_param(req: Request, name: str, default: int) -> int:
    raw = req.query.get(name, "")
    if raw == "":
        return default
    value = int(raw)
    if value < 0:
        raise ValueError
    return value


def _channels(sb: Sandbox, req: Request) -> Response:
    if _caller(sb, req) is None:
        return _error(401, "Authentication required.")
    try:
        offset = _int_param(req, "offset", 0)
        limit = min(_int_param(req, "limit", DEFAULT_LIMIT), MAX_LIMIT)
    except ValueError:
        return _error(400, "offset and limit must be non-negative integers.")
    items, total = sb.catalog.page(req.query.get("q", ""), offset, limit)
    return json_response(
        200, {"items": items, "total_count": total, "offset": offset, "limit": limit}
    )


def _repo(sb: Sandbox, req: Request, api: str) -> Response:
    parts = api[len("/repo/") :].split("/")
    if len(parts) < 3 or not all(parts):
        return _error(404, "Not found.")
    channel, subdir, filename = "/".join(parts[:-2]), parts[-2], parts[-1]
    if _caller(sb, req) is None:
        return _error(401, "A valid token is required.")
    known = sb.catalog.get(channel) or sb.catalog.get(channel.split("/", 1)[0])
    if known is None:
        return _error(404, f"Channel {channel} not found.")
    if subdir not in SUBDIRS or filename not in REPODATA_FILES:
        return _error(404, "Not found.")
    return Response(200, repodata(channel, subdir))
