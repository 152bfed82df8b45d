"""HTTP clients of the three repository services. Endpoint paths live only here."""

from urllib.parse import urlsplit, urlunsplit


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
