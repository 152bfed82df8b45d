"""Anaconda Enterprise 4 Repository / anaconda.org, at the root of its own host: the
anaconda-client API at `/api` (`Authorization: token <TOKEN>` only) and the repository at
`/conda/t/<TOKEN>/<owner>/<subdir>/repodata.json` (what conda derives from
`channel_alias: <host>/conda`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .catalog import ENTERPRISE_OWNERS
from .packages import serve_channel_file
from .records import TokenRecord, iso
from .wire import BadBody, Request, Response, html_response, json_response

if TYPE_CHECKING:
    from .sandbox import Sandbox

MEMBER_SINCE = "2020-01-01T00:00:00+00:00"


def _error(status: int, message: str) -> Response:
    # anaconda-client shows the "error" key of an error body.
    return json_response(status, {"error": message})


def _caller(sb: Sandbox, req: Request) -> TokenRecord | None:
    return sb.tokens.valid(req.scheme_token("token"), "enterprise")


def handle(sb: Sandbox, req: Request) -> Response:
    """Answer one request to the Enterprise 4 host."""
    rest = req.path
    reading = req.method in ("GET", "HEAD")
    if rest in ("", "/"):
        return html_response(200, "Anaconda Repository (sandbox)")
    if rest.startswith("/conda/"):
        return _repo(sb, req, rest[len("/conda/") :]) if reading else _error(405, "Not allowed")
    if rest != "/api" and not rest.startswith("/api/"):
        return html_response(404, "404 Not Found")
    api = rest[len("/api") :].rstrip("/")
    try:
        if api == "" and reading:
            return json_response(200, {"ok": 1, "versions": {"binstar": "2.38.0-sandbox"}})
        if api == "/authentication-type" and reading:
            return json_response(200, {"authentication_type": "password"})
        if api == "/authentications" and req.method == "POST":
            return _login(sb, req)
        if api == "/authentications" and req.method == "DELETE":
            return _logout(sb, req)
        if api == "/authentications" and reading:
            return _list(sb, req)
        if api == "/authentication" and reading:
            return _current(sb, req)
        if api == "/user" and reading:
            return _user(sb, req)
        if api.startswith("/user/") and reading:
            return _public_user(sb, api[len("/user/") :])
    except BadBody as err:
        return _error(400, str(err))
    return _error(404, "Not found")


def _user_info(sb: Sandbox, login: str) -> dict[str, object]:
    return {
        "login": login,
        "name": login.title(),
        "user_type": "user",
        "created_at": MEMBER_SINCE,
        "company": "",
        "location": "",
        "url": "",
        "description": "",
    }


def _login(sb: Sandbox, req: Request) -> Response:
    auth = req.authorization()
    if auth and auth[0] == "bearer":
        return _error(401, "Bearer token authentication is not enabled")
    pair = req.basic_auth()
    if pair is None:
        return _error(401, "Authentication required")
    username, password = pair
    if sb.users.get(username) != password:
        return _error(401, "Invalid username or password")
    body = req.json()
    note = str(body.get("note") or "")
    hostname = body.get("hostname")
    max_age = body.get("max-age")
    if max_age is not None and (isinstance(max_age, bool) or not isinstance(max_age, int)):
        return _error(400, "max-age must be a number of seconds")
    same = [
        r
        for r in sb.tokens.select("enterprise").values()
        if r.user == username and r.name == note and r.hostname == hostname and r.valid
    ]
    if same and body.get("fail-if-exists"):
        return _error(400, "A token with this note already exists for this host")
    for old in same:
        old.revoked = True
    scopes = body.get("scopes")
    record = sb.tokens.issue(
        "enterprise",
        "enterprise",
        user=username,
        name=note,
        hostname=hostname if isinstance(hostname, str) else None,
        scopes=[s for s in scopes if isinstance(s, str)] if isinstance(scopes, list) else [],
        ttl=float(max_age) if max_age else None,
    )
    return json_response(200, {"token": record.token, "id": record.id})


def _logout(sb: Sandbox, req: Request) -> Response:
    caller = _caller(sb, req)
    if caller is None:
        return _error(401, "Invalid token")
    caller.revoked = True
    return json_response(201, {})


def _describe(record: TokenRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "application": record.name,
        "note": record.name,
        "hostname": record.hostname,
        "scopes": record.scopes,
        "created_at": iso(record.created_at),
        "expires_at": iso(record.expires_at),
    }


def _current(sb: Sandbox, req: Request) -> Response:
    caller = _caller(sb, req)
    if caller is None:
        return _error(401, "Invalid token")
    return json_response(200, _describe(caller))


def _list(sb: Sandbox, req: Request) -> Response:
    caller = _caller(sb, req)
    if caller is None:
        return _error(401, "Invalid token")
    mine = [
        _describe(r)
        for r in sb.tokens.select("enterprise").values()
        if r.user == caller.user and r.valid
    ]
    return json_response(200, mine)


def _user(sb: Sandbox, req: Request) -> Response:
    caller = _caller(sb, req)
    if caller is None or caller.user not in sb.users:
        return _error(401, "Invalid token")
    return json_response(200, _user_info(sb, caller.user))


def _public_user(sb: Sandbox, login: str) -> Response:
    if login not in sb.users:
        return _error(404, "User not found")
    return json_response(200, _user_info(sb, login))


def _repo(sb: Sandbox, req: Request, rest: str) -> Response:
    parts = rest.split("/")
    if len(parts) != 3 or not all(parts):
        return _error(404, "Not found")
    owner, subdir, filename = parts
    # Public owners read anonymously; a user's own channel needs a token (the sandbox's users
    # keep private packages); a token that is presented must be live.
    caller = sb.tokens.valid(req.url_token, "enterprise") if req.url_token else None
    if req.url_token and caller is None:
        return _error(401, "Invalid token")
    if owner not in sb.users and owner not in ENTERPRISE_OWNERS:
        return _error(404, "Channel not found")
    if owner in sb.users and caller is None:
        return _error(401, "Authentication required")
    if owner in sb.users and caller is not None and caller.user != owner:
        return _error(403, "This channel is private to its owner")
    return serve_channel_file(sb, req, owner, subdir, filename) or _error(404, "Not found")
