"""The repository services: one module per service (its object and its HTTP client).

Endpoint paths live only here; :mod:`.registry` lists the services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from ..condarc import CondarcDocument
    from ..http import Caller


def insert_token(url: str, token: str, location: str | None = None) -> str:
    """conda's rule: ``/t/<TOKEN>`` right after the channel's location.

    The location is the ``channel_alias`` (or another known channel root) when ``url`` lies
    under it, else the host.
    """
    if location and url.startswith(location.rstrip("/") + "/"):
        root = location.rstrip("/")
        return f"{root}/t/{token}{url[len(root) :]}"
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/t/{token}{parts.path}"))


def is_html(response: object) -> bool:
    """Whether an answer is a web page (a proxy's or captive portal's) rather than data."""
    headers = getattr(response, "headers", {})
    content_type = str(headers.get("content-type", "")).lower()
    if "html" in content_type:
        return True
    if str(headers.get("content-encoding", "identity")).lower() not in ("", "identity"):
        return False  # a compressed body is never a page's text; it is not decoded here
    head = bytes(getattr(response, "content", b"")[:512]).lstrip().lower()
    return head.startswith((b"<!doctype", b"<html"))


def acknowledged(response: object, *statuses: int) -> bool:
    """Whether an answer confirms a revoke: one of ``statuses`` with no body or a JSON one.

    A 2xx whose body cannot be read (garbage, a web page) is not taken for success: a proxy
    or a broken server may answer that while the token stays valid."""
    if int(getattr(response, "status_code", 0)) not in statuses or is_html(response):
        return False
    body = bytes(getattr(response, "content", b"") or b"").strip()
    if not body:
        return True
    import json

    try:
        json.loads(body)
    except (ValueError, RecursionError):
        return False
    return True


def peek(caller: Caller, url: str) -> int:
    """The status of a GET of ``url`` as conda sends it; a 2xx web page counts as 502."""
    return peek_start(caller, url)[0]


def peek_start(caller: Caller, url: str) -> tuple[int, bytes | None]:
    """The status of a GET of ``url`` and the first bytes of its body (``None``: compressed).

    The body is never decoded (``Accept-Encoding: identity`` is asked; a server may compress
    anyway), and the connection is closed after the first chunk: repodata is megabytes. A
    2xx web page (a proxy's or a captive portal's) counts as 502.
    """
    with caller.stream("GET", url, headers={"Accept-Encoding": "identity"}) as response:
        head = b""
        for chunk in response.iter_raw(1024):
            head = chunk
            break
        status = int(response.status_code)
        encoding = str(response.headers.get("content-encoding", "identity")).lower()
        plain = encoding in ("", "identity")
        page = "html" in str(response.headers.get("content-type", "")).lower() or (
            plain and head.lstrip().lower().startswith((b"<!doctype", b"<html"))
        )
    return (502 if status < 300 and page else status), (head if plain else None)


def alias_change(alias: str) -> Callable[[CondarcDocument], None]:
    """What Navigator writes after a Server or Enterprise 4 login: channel names resolve under
    ``alias`` (so conda puts the token where the service expects it), no channels yet."""

    def change(doc: CondarcDocument) -> None:
        if doc.get_scalar("channel_alias") != alias:
            doc.set_scalar("channel_alias", alias)
        doc.set_list("channels", [])
        doc.set_list("default_channels", None)

    return change
