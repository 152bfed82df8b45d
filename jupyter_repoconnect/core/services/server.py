"""Anaconda Server / Package Security Manager (On-prem).

The exact REST paths are the working assumption of protocols.md; they live only here (and in
the sandbox) so they can be corrected in one place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..errors import AuthenticationRefused, ServiceUnavailable
from ..http import Caller
from ..models import Channel
from . import insert_token

TITLE = "Anaconda Server"
TOKEN_SCOPES = ["channel:view", "artifact:view", "artifact:download"]
TOKEN_DAYS = 90


@dataclass(frozen=True)
class IssuedToken:
    id: str
    token: str
    expires_at: str | None


class ServerService:
    def __init__(self, caller: Caller, domain: str) -> None:
        self.caller = caller
        self.domain = domain
        self.api = f"{domain}/api"

    def channel_url(self, name: str) -> str:
        return f"{self.api}/repo/{name}"

    def login(self, username: str, password: str) -> str:
        """Exchange credentials for a short-lived session credential."""
        response = self.caller.send(
            "POST", f"{self.api}/auth/login", json={"username": username, "password": password}
        )
        if response.status_code in (401, 403):
            raise AuthenticationRefused(
                f"{TITLE} at {self.domain} did not accept this user name and password. Check them "
                "and try again. (Single sign-on accounts cannot log in with a password here.)",
                code="wrong_credentials",
            )
        body = self.caller.json(response)
        session = body.get("token") if isinstance(body, dict) else None
        if not isinstance(session, str) or not session:
            raise ServiceUnavailable(
                f"{TITLE} at {self.domain} answered the login without a session. Check the domain.",
                code="bad_response",
            )
        return session

    def create_token(self, session: str, name: str) -> IssuedToken:
        """Create the private access token conda will use."""
        expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=TOKEN_DAYS)
        response = self.caller.send(
            "POST",
            f"{self.api}/account/tokens",
            headers=_bearer(session),
            json={"name": name, "expires_at": expires.strftime("%Y-%m-%d"), "scopes": TOKEN_SCOPES},
        )
        body = self.caller.json(response)
        if not isinstance(body, dict) or not body.get("token") or body.get("id") is None:
            raise ServiceUnavailable(
                f"{TITLE} at {self.domain} did not return an access token.", code="bad_response"
            )
        return IssuedToken(str(body["id"]), str(body["token"]), body.get("expires_at"))

    def revoke_token(self, credential: str, token_id: str) -> bool:
        """Revoke a private token; False when the server no longer knows it."""
        response = self.caller.send(
            "DELETE", f"{self.api}/account/tokens/{token_id}", headers=_bearer(credential)
        )
        if response.status_code in (200, 202, 204, 404, 401):
            return response.status_code in (200, 202, 204)
        raise ServiceUnavailable(
            f"{TITLE} at {self.domain} failed with HTTP {response.status_code} while revoking "
            "the access token."
        )

    def whoami(self, credential: str) -> str | None:
        body = self.caller.json(
            self.caller.send("GET", f"{self.api}/account", headers=_bearer(credential))
        )
        return body.get("username") if isinstance(body, dict) else None

    def channels(
        self, credential: str, q: str, offset: int, limit: int
    ) -> tuple[list[Channel], int]:
        params: dict[str, Any] = {"offset": offset, "limit": limit}
        if q:
            params["q"] = q
        body = self.caller.json(
            self.caller.send(
                "GET", f"{self.api}/channels", params=params, headers=_bearer(credential)
            )
        )
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise ServiceUnavailable(
                f"{TITLE} at {self.domain} answered the channel list in an unknown format.",
                code="bad_response",
            )
        items = [
            Channel(
                name=str(item["name"]),
                url=self.channel_url(str(item["name"])),
                privacy=item.get("privacy"),
                description=item.get("description"),
            )
            for item in body["items"]
            if isinstance(item, dict) and item.get("name")
        ]
        return items, int(body.get("total_count", len(items)))

    def channel_reachable(self, channel_url: str, token: str | None) -> int:
        url = channel_url.rstrip("/") + "/noarch/repodata.json"
        if token and "/t/" not in url:
            url = insert_token(url, token)
        return int(self.caller.send("HEAD", url).status_code)


def _bearer(credential: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {credential}"}
