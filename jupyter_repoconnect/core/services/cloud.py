"""Anaconda Professional / Package Security Manager (Cloud): the token tool's protocol."""

from __future__ import annotations

from ..errors import AuthenticationRefused, ServiceUnavailable
from ..http import Caller
from . import insert_token, is_html

TITLE = "Anaconda Professional"
DEFAULT_CHANNELS = ("main", "r", "msys2")
INVALID_TOKEN = "The token could not be validated. Please check that you have typed it correctly."
# The token tools HEAD the repodata; we read its first bytes instead, so that a proxy's or a
# captive portal's "200 OK" page is not taken for a valid token (repodata is megabytes: ask
# for a range, which the repository's CDN honours).
PEEK = {"Range": "bytes=0-1023"}


class CloudService:
    def __init__(self, caller: Caller, repo_url: str) -> None:
        self.caller = caller
        self.repo_url = repo_url if repo_url.endswith("/") else repo_url + "/"

    def default_channels(self) -> list[str]:
        return [self.repo_url + name for name in DEFAULT_CHANNELS]

    def validate(self, token: str) -> None:
        """GET the start of ``main``'s token-protected repodata; repodata JSON means valid."""
        url = insert_token(self.repo_url + "main/noarch/repodata.json", token)
        response = self.caller.send("GET", url, headers=PEEK)
        if response.status_code in (401, 403, 404):
            raise AuthenticationRefused(INVALID_TOKEN, code="invalid_token")
        if response.status_code not in (200, 206):
            raise ServiceUnavailable(
                f"{TITLE} at {self.repo_url} failed with HTTP {response.status_code} while "
                "checking the token. Try again later."
            )
        if is_html(response) or not response.content.lstrip().startswith(b"{"):
            kind = "a web page" if is_html(response) else "something other than repository data"
            raise ServiceUnavailable(
                f"{TITLE} at {self.repo_url} answered with {kind}, so the token could not be "
                "checked. A proxy or a network sign-in page may be in the way: check "
                "proxy_servers in .condarc and your network, then try again.",
                code="bad_response",
            )

    def channel_url(self, channel: str) -> str:
        return channel if "://" in channel else self.repo_url + channel

    def channel_reachable(self, channel: str, token: str | None) -> int:
        """Status code of the channel's noarch repodata (token inserted when given)."""
        url = self.channel_url(channel).rstrip("/") + "/noarch/repodata.json"
        if token and "/t/" not in url:
            url = insert_token(url, token)
        response = self.caller.send("GET", url, headers=PEEK)
        return 502 if response.status_code < 300 and is_html(response) else response.status_code
