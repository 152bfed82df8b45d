"""Request and response values shared by the sandbox's service modules."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# Where a `/t/<TOKEN>` segment may sit: right after the host (what conda does for a URL
# outside its channel_alias), or right after a service's channel location (what conda does
# when channel_alias points at the service).
_TOKEN_BASES = (
    "/server/api/repo",
    "/enterprise/conda",
    "/cloud/repo",
    "/enterprise",
    "/server",
    "/cloud",
    "",
)
_SECRET_QUERY = re.compile(r"(?i)((?:^|&)[^=&]*(?:token|password|secret)[^=&]*=)[^&]*")


class BadBody(ValueError):
    """The request body is not the JSON object the endpoint expects."""


@dataclass
class Request:
    """One parsed HTTP request; `url_token` is the credential taken from `/t/<TOKEN>/`."""

    method: str
    path: str
    query: dict[str, str]
    headers: Message
    body: bytes = b""
    url_token: str | None = None

    def json(self) -> dict[str, Any]:
        """The body as a JSON object (empty body: {})."""
        if not self.body.strip():
            return {}
        try:
            data = json.loads(self.body)
        except ValueError as err:
            raise BadBody("The request body is not valid JSON.") from err
        if not isinstance(data, dict):
            raise BadBody("The request body must be a JSON object.")
        return data

    def authorization(self) -> tuple[str, str] | None:
        """(scheme in lower case, credentials) of the Authorization header, if any."""
        value = self.headers.get("Authorization")
        if not value:
            return None
        scheme, _, rest = value.strip().partition(" ")
        return scheme.lower(), rest.strip()

    def basic_auth(self) -> tuple[str, str] | None:
        """(user, password) from HTTP basic auth, if given and well formed."""
        auth = self.authorization()
        if not auth or auth[0] != "basic":
            return None
        try:
            decoded = base64.b64decode(auth[1], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        user, sep, password = decoded.partition(":")
        return (user, password) if sep else None

    def credential(self, basic_token: bool = False) -> str | None:
        """The token this request presents: `/t/`, `Bearer`/`token` header, or basic auth.

        With `basic_token`, basic auth with password `x-auth-token` carries the token as user.
        """
        if self.url_token:
            return self.url_token
        auth = self.authorization()
        if auth and auth[0] in ("bearer", "token") and auth[1]:
            return auth[1]
        if basic_token:
            pair = self.basic_auth()
            if pair and pair[1] == "x-auth-token" and pair[0]:
                return pair[0]
        return None


@dataclass
class Response:
    """What a route answers; `drop` closes the connection without any response."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> Response:
    """A JSON response."""
    body = json.dumps(data).encode("utf-8")
    return Response(status, body, "application/json", dict(headers or {}))


def html_response(status: int, title: str, text: str = "") -> Response:
    """A small HTML page, as proxies and web front ends answer."""
    page = (
        f"<!DOCTYPE html>\n<html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{text}</p></body></html>\n"
    )
    return Response(status, page.encode("utf-8"), "text/html; charset=utf-8")


def empty(status: int) -> Response:
    """A response without a body (204 and friends)."""
    return Response(status, b"", "")


def split_request_path(raw: str) -> tuple[str, dict[str, str], str | None, str]:
    """Split a raw request target into (path, query, url token, loggable target).

    The loggable target has the token replaced by `<TOKEN>` and secret-looking query
    values masked.
    """
    parts = urlsplit(raw)
    path = parts.path or "/"
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    token: str | None = None
    masked = path
    for base in _TOKEN_BASES:
        prefix = base + "/t/"
        if path.startswith(prefix):
            candidate, sep, tail = path[len(prefix) :].partition("/")
            if candidate and sep:
                token = candidate
                path = f"{base}/{tail}"
                masked = f"{base}/t/<TOKEN>/{tail}"
            break
    if parts.query:
        masked += "?" + _SECRET_QUERY.sub(r"\1<MASKED>", parts.query)
    return path, query, token, masked
