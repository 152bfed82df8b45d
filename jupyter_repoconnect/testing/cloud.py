"""Anaconda Professional / Package Security Manager (Cloud) repository, at the root of its own
host: `/t/<TOKEN>/repo/<channel>/...` (the token tools and conda), or `Authorization: token
<TOKEN>` (anaconda-auth's conda auth handler). Nothing else carries a token here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .catalog import CLOUD_CHANNELS
from .packages import serve_channel_file
from .wire import Request, Response, html_response, json_response

if TYPE_CHECKING:
    from .sandbox import Sandbox


def _error(status: int, message: str) -> Response:
    return json_response(status, {"message": message})


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
    record = sb.tokens.valid(req.url_token or req.scheme_token("token"), "cloud")
    if record is None:
        return _error(401, "A valid token is required.")
    if channel not in CLOUD_CHANNELS:
        return _error(404, f"Channel {channel} not found.")
    org = CLOUD_CHANNELS[channel]
    if org is not None and record.org != org:
        return _error(403, "This token may not read this channel.")
    served = serve_channel_file(sb, req, channel, subdir, filename, cdn=True)
    return served or _error(404, "Not found.")
