"""Anaconda Professional / Package Security Manager (Cloud): the token tool's protocol."""

from __future__ import annotations

from ..errors import AuthenticationRefused, ServiceUnavailable
from ..http import Caller
from . import insert_token

TITLE = "Anaconda Professional"
DEFAULT_CHANNELS = ("main", "r", "msys2")
INVALID_TOKEN = "The token could not be validated. Please check that you have typed it correctly."


class CloudService:
    def __init__(self, caller: Caller, repo_url: str) -> None:
        self.caller = caller
        self.repo_url = repo_url if repo_url.endswith("/") else repo_url + "/"

    def default_channels(self) -> list[str]:
        return [self.repo_url + name for name in DEFAULT_CHANNELS]

    def validate(self, token: str) -> None:
        """HEAD the token-protected repodata of ``main``; 200 means the token is valid."""
        url = insert_token(self.repo_url + "main/noarch/repodata.json", token)
        response = self.caller.send("HEAD", url)
        if response.status_code == 200:
            return
        if response.status_code in (401, 403, 404):
            raise AuthenticationRefused(INVALID_TOKEN, code="invalid_token")
        raise ServiceUnavailable(
            f"{TITLE} at {self.repo_url} failed with HTTP {response.status_code} while checking "
            "the token. Try again later."
        )

    def channel_reachable(self, channel_url: str, token: str | None) -> int:
        """Status code of the channel's noarch repodata (token inserted when given)."""
        url = channel_url.rstrip("/") + "/noarch/repodata.json"
        if token and "/t/" not in url:
            url = insert_token(url, token)
        return int(self.caller.send("HEAD", url).status_code)
