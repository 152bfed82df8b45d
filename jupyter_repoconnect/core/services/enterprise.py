"""Anaconda Enterprise 4 Repository: the anaconda-client (binstar) protocol."""

from __future__ import annotations

import platform

from ..errors import AuthenticationRefused, ServiceUnavailable
from ..http import Caller

TITLE = "Enterprise 4 Repository"
NOTE = "jupyter_repoconnect"


class EnterpriseService:
    def __init__(self, caller: Caller, api: str) -> None:
        self.caller = caller
        self.api = api

    def check_reachable(self) -> None:
        response = self.caller.send("HEAD", self.api)
        if response.status_code == 404 or response.status_code >= 500:
            raise ServiceUnavailable(
                f"API server is unavailable. Please check your API url configuration ({self.api}).",
                code="wrong_domain",
            )

    def authentication_type(self) -> str:
        try:
            body = self.caller.json(self.caller.send("GET", f"{self.api}/authentication-type"))
        except ServiceUnavailable:
            return "password"
        kind = body.get("authentication_type") if isinstance(body, dict) else None
        return kind if isinstance(kind, str) else "password"

    def login(self, username: str, password: str) -> str:
        hostname = platform.node() or "jupyter"
        body = {
            "scopes": ["all"],
            "note": f"{NOTE} on {hostname}",
            "note_url": "https://github.com/jupyter_repoconnect",
            "hostname": hostname,
            "user": None,
            "max-age": None,
            "strength": "strong",
            "fail-if-exists": False,
        }
        response = self.caller.send(
            "POST", f"{self.api}/authentications", auth=(username, password), json=body
        )
        if response.status_code in (401, 403):
            raise AuthenticationRefused(
                f"{TITLE} at {self.api} did not accept this user name and password. Check them and "
                "try again.",
                code="wrong_credentials",
            )
        data = self.caller.json(response)
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise ServiceUnavailable(
                f"{TITLE} at {self.api} did not return a token.", code="bad_response"
            )
        return token

    def whoami(self, token: str) -> str | None:
        body = self.caller.json(self.caller.send("GET", f"{self.api}/user", headers=_auth(token)))
        return body.get("login") if isinstance(body, dict) else None

    def logout(self, token: str) -> bool:
        """Revoke the current token on the server; 401 means it was already gone."""
        response = self.caller.send("DELETE", f"{self.api}/authentications", headers=_auth(token))
        if response.status_code in (200, 201, 204, 401):
            return response.status_code != 401
        raise ServiceUnavailable(
            f"{TITLE} at {self.api} failed with HTTP {response.status_code} while signing out."
        )


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"token {token}"}
