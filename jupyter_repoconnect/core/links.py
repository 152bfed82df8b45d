"""Addresses a server sends for a person to open (a device sign-in's ``verification_uri``):
checked once, where the answer is read, so that no surface (CLI, magic, widget, Lab panel)
shows a ``javascript:`` or ``data:`` link, a plain-http page on another machine, or an address
that hides its host (``https://anaconda.com@evil.example/``).

Only ``https`` (any host) and ``http`` on this machine (127.0.0.0/8, ``::1``, ``localhost``: the
sandbox, a loopback redirect) pass. :func:`link_host` is the host a surface names next to it.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from .errors import Code, ServiceUnavailable

MAX_LINK = 2048  # longer than any sign-in page's address needs


def openable_link(value: object, where: str) -> str:
    """``value`` if it is an address to show a person as a link; else ServiceUnavailable
    (``bad_response``), naming ``where`` (e.g. "anaconda.com") and never quoting the value."""
    refused = ServiceUnavailable(
        f"{where} sent a sign-in page address that is not a plain https address, so it is not "
        "shown. Check the domain (a mistyped or hostile one answers this), then try again.",
        code=Code.BAD_RESPONSE,
    )
    if not isinstance(value, str) or not value or len(value) > MAX_LINK:
        raise refused
    if not value.isascii() or not value.isprintable() or any(c.isspace() for c in value):
        raise refused  # control, bidi or look-alike characters; a link is ASCII (IDNA, %-escapes)
    try:
        parts = urlsplit(value)
        port = parts.port  # a port that is not a number raises here
    except ValueError:
        raise refused from None
    del port
    host = parts.hostname or ""
    if "@" in parts.netloc or not host or "\\" in value:
        raise refused  # user info hides the real host; a backslash is read as "/" by browsers
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback(host)):
        return value
    raise refused


def link_host(value: str) -> str:
    """The host a checked link opens (the name a surface shows next to it)."""
    return urlsplit(value).hostname or ""


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
