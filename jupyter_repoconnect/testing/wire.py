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

# Where each service documents a `/t/<TOKEN>/` segment (protocols.md): the Cloud repository
# right after the host, Anaconda Server after its repository root `/api/repo`, Enterprise 4
# after `/conda`. A `/t/` anywhere else is just a path segment, as on the real host.
TOKEN_BASES = {"cloud": "", "server": "/api/repo", "enterprise": "/conda"}
# conda parses `/t/<TOKEN>` only for these characters; real tokens are hex or `xx-<uuid>`.
TOKEN_FORM = re.compile(r"^[A-Za-z0-9-]+$")
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

    def scheme_token(self, *schemes: str) -> str | None:
        """The credential of an `Authorization: <scheme> <credential>` header of `schemes`."""
        auth = self.authorization()
        if auth and auth[0] in schemes and auth[1]:
            return auth[1]
        return None


@dataclass
class Response:
    """What a route answers; `drop` closes the connection without any response."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


def is_json(req: Request) -> bool:
    """True if the request's Content-Type is `application/json` (parameters ignored)."""
    value = (req.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    return value == "application/json"


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


def split_request_path(
    raw: str, service: str | None = None
) -> tuple[str, dict[str, str], str | None, str]:
    """Split a raw request target into (path, query, url token, loggable target).

    The token is taken only at the position `service` documents (TOKEN_BASES) and only in
    conda's token form. The loggable target has it replaced by `<TOKEN>` and secret-looking
    query values masked.
    """
    parts = urlsplit(raw)
    path = parts.path or "/"
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    token: str | None = None
    masked = path
    base = TOKEN_BASES.get(service or "")
    if base is not None and path.startswith(base + "/t/"):
        candidate, sep, tail = path[len(base) + 3 :].partition("/")
        if sep and TOKEN_FORM.match(candidate):
            token = candidate
            path = f"{base}/{tail}"
            masked = f"{base}/t/<TOKEN>/{tail}"
    if "/t/" in masked:  # a token at an undocumented position (or last) must not be logged either
        masked = re.sub(r"/t/[^/]+(?=/|$)", "/t/<TOKEN>", masked)
    if parts.query:
        masked += "?" + _SECRET_QUERY.sub(r"\1<MASKED>", parts.query)
    return path, query, token, masked
