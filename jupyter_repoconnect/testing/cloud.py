"""Anaconda Professional / Package Security Manager (Cloud) repository, at the root of its own
host: `/t/<TOKEN>/repo/<channel>/...` (the token tools and conda), or `Authorization: token
<TOKEN>` (anaconda-auth's conda auth handler), or `Authorization: Bearer <API key>` (the
same handler with an account API key: anaconda-auth `_conda/auth_handler.py` sends it for
`/repo/main-x/` and, with `use_unified_repo_api_key`, for every channel). Nothing else carries
a credential here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .account import ORGS
from .catalog import CLOUD_CHANNELS
from .packages import serve_channel_file
from .wire import Request, Response, html_response, json_response

if TYPE_CHECKING:
    from .sandbox import Sandbox


def _error(status: int, message: str) -> Response:
    return json_response(status, {"message": message})


def _readable_orgs(sb: Sandbox, req: Request) -> set[str | None] | None:
    """The organisations whose channels the request's credential reads (None: refused).

    A repository token reads its organisation's; an account API key with `repo:read` reads
    those of every organisation its user belongs to. One credential per request: a token in
    the URL and an Authorization header together is refused, as ambiguous."""
    bearer = req.scheme_token("bearer")
    if bearer is not None:
        if req.url_token is not None:
            return None
        key = sb.account.api_keys.get(bearer)
        if key is None or not key.valid or "repo:read" not in key.scopes:
            return None
        return {None, *(name for _, name, _, _ in ORGS)}
    record = sb.tokens.valid(req.url_token or req.scheme_token("token"), "cloud")
    return None if record is None else {None, record.org}


def handle(sb: Sandbox, req: Request) -> Response:
    """Answer one request to the Cloud repository host."""
    rest = req.path
    if rest in ("", "/", "/repo", "/repo/"):
        return html_response(200, "Anaconda repository (sandbox)")
    if not rest.startswith("/repo/"):
        return _error(404, "Not found.")
    if req.method not in ("GET", "HEAD"):
        return _error(405, "Method not allowed.")
    parts = rest[len("/repo/") :].split("/")
    if len(parts) < 3 or not all(parts):
        return _error(404, "Not found.")
    channel, subdir, filename = "/".join(parts[:-2]), parts[-2], parts[-1]
    orgs = _readable_orgs(sb, req)
    if orgs is None:
        return _error(401, "A valid token is required.")
    if channel not in CLOUD_CHANNELS:
        return _error(404, f"Channel {channel} not found.")
    org = CLOUD_CHANNELS[channel]
    if org is not None and org not in orgs:
        return _error(403, "This token may not read this channel.")
    served = serve_channel_file(sb, req, channel, subdir, filename, cdn=True)
    return served or _error(404, "Not found.")
