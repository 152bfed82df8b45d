"""Where conda puts a stored token in a channel's URL (protocols.md, "How conda uses a stored
token"), so the doctor can ask the repository the way conda will, not the way we would.

conda resolves a channel name under ``custom_multichannels``, ``custom_channels`` or
``channel_alias``; it sends a token only when a stored token's URL is a prefix of the
channel's URL (a stored ``.../api...`` URL also serves its ``.../conda...`` twin), and puts
``/t/<TOKEN>`` right after the channel's *location*: the ``channel_alias`` when the URL lies
under it, else the matching ``custom_channels`` location, else host + ``/conda`` for an
Enterprise 4 path, else the host.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

DEFAULT_ALIAS = "https://conda.anaconda.org"


@dataclass(frozen=True)
class CondaRequest:
    """How conda would ask for one configured channel."""

    entry: str  # as written in .condarc (a name or a URL)
    url: str  # the channel's URL, no token
    token_url: str | None  # the URL conda requests with the token in it (None: sends none)
    location: str  # where conda decided the token goes
    why: str  # which rule chose the location, in words


def _mapping(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def configured_entries(settings: dict[str, Any]) -> list[str]:
    """Every channel a conda command would read: ``channels`` (``defaults`` expanded to
    ``default_channels``) and the members of ``custom_multichannels`` named there."""

    def listed(key: str) -> list[str]:
        value = settings.get(key)
        return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []

    multi = _mapping(settings.get("custom_multichannels"))
    found: list[str] = []
    for entry in listed("channels") or ["defaults"]:
        if entry == "defaults":
            found += listed("default_channels")
        elif entry in multi and isinstance(multi[entry], list):
            found += [str(v) for v in multi[entry] if isinstance(v, str)]
        else:
            found.append(entry)
    return list(dict.fromkeys(found))


def channel_url(entry: str, settings: dict[str, Any]) -> tuple[str, str | None]:
    """The URL of a configured channel and the ``custom_channels`` name that placed it."""
    if "://" in entry:
        return entry.rstrip("/"), None
    custom = _mapping(settings.get("custom_channels"))
    for name in sorted(custom, key=len, reverse=True):  # the longest name prefix wins
        if (entry == name or entry.startswith(name + "/")) and isinstance(custom[name], str):
            return f"{custom[name].rstrip('/')}/{entry}", name
    alias = settings.get("channel_alias")
    root = alias.rstrip("/") if isinstance(alias, str) and alias else DEFAULT_ALIAS
    return f"{root}/{entry}", None


def _twins(url: str) -> list[str]:
    """A stored URL and its ``api`` → ``conda`` twin (conda registers both)."""
    parts = urlsplit(url)
    path = "/".join("conda" if p == "api" else p for p in parts.path.split("/"))
    host = "conda." + parts.netloc[4:] if parts.netloc.startswith("api.") else parts.netloc
    twin = parts._replace(netloc=host, path=path).geturl()
    return [url] if twin == url else [url, twin]


def _under(url: str, root: str) -> bool:
    root = root.rstrip("/")
    return url == root or url.startswith(root + "/")


def request(entry: str, settings: dict[str, Any], stored: dict[str, str]) -> CondaRequest:
    """How conda requests ``entry`` given the stored tokens ``{url: token}``."""
    url, custom_name = channel_url(entry, settings)
    token = None
    for stored_url, value in sorted(stored.items(), key=lambda kv: len(kv[0]), reverse=True):
        if any(
            url == u.rstrip("/") or url.startswith(u.rstrip("/") + "/") for u in _twins(stored_url)
        ):
            token = value
            break
    parts = urlsplit(url)
    host = f"{parts.scheme}://{parts.netloc}"
    alias = settings.get("channel_alias")
    alias = alias.rstrip("/") if isinstance(alias, str) and alias else DEFAULT_ALIAS
    if url.startswith(alias + "/"):
        location, why = alias, "channel_alias"
    elif custom_name is not None:
        location = str(_mapping(settings.get("custom_channels"))[custom_name]).rstrip("/")
        why = f"custom_channels entry '{custom_name}'"
    elif parts.path.startswith("/conda/"):
        location, why = host + "/conda", "an Enterprise 4 /conda path"
    else:
        location, why = host, "the host (no channel_alias or custom_channels entry covers it)"
    if token is None or settings.get("add_anaconda_token") is False:
        return CondaRequest(entry, url, None, location, why)
    return CondaRequest(entry, url, f"{location}/t/{token}{url[len(location) :]}", location, why)
