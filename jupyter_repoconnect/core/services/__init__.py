"""The repository services: one module per service (its object and its HTTP client).

Endpoint paths live only here; :mod:`.registry` lists the services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from ..condarc import CondarcDocument


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
    content_type = str(getattr(response, "headers", {}).get("content-type", "")).lower()
    head = bytes(getattr(response, "content", b"")[:512]).lstrip().lower()
    return "html" in content_type or head.startswith((b"<!doctype", b"<html"))


def alias_change(alias: str) -> Callable[[CondarcDocument], None]:
    """What Navigator writes after a Server or Enterprise 4 login: channel names resolve under
    ``alias`` (so conda puts the token where the service expects it), no channels yet."""

    def change(doc: CondarcDocument) -> None:
        if doc.get_scalar("channel_alias") != alias:
            doc.set_scalar("channel_alias", alias)
        doc.set_list("channels", [])
        doc.set_list("default_channels", None)

    return change
