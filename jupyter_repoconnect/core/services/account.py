"""anaconda.com, the Anaconda Cloud account: the protocol anaconda-auth 0.15 speaks.

OIDC discovery, the OAuth 2.0 device authorization grant (RFC 8628), an API key made from the
sign-in, then ``Authorization: Bearer <API key>`` for the account, its organisations and their
repository token. Endpoint paths live only here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .. import validate
from ..errors import AuthenticationRefused, BadInput, Conflict, ServiceUnavailable
from ..http import Caller

TITLE = "Anaconda Cloud (anaconda.com)"
CLIENT_ID = "b4ad7f1d-c784-46b5-a9fe-106e50441f5a"  # anaconda-auth's public client id
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DISCOVERY = "/.well-known/openid-configuration"
API_KEY_PATHS = ("/api/auth/api-keys", "/api/iam/api-keys")  # the second: anaconda-auth's fallback
API_KEY_SCOPES = ["cloud:read", "cloud:write", "repo:read"]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass(frozen=True)
class DeviceAuthorization:
    """What the token endpoint needs (``device_code``: a secret) and what the person sees."""

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: int
    interval: int


@dataclass(frozen=True)
class Poll:
    """One answer of the token endpoint: ``pending``, ``slow_down`` or ``done`` (with the
    access token). Expired and denied sign-ins raise."""

    state: str
    access_token: str = ""


@dataclass(frozen=True)
class OrgInfo:
    """An organisation of the account; ``business``: its subscription may issue a token."""

    name: str
    title: str
    business: bool


class AccountService:
    def __init__(self, caller: Caller, domain: str) -> None:
        self.caller = caller
        self.domain = domain.rstrip("/")

    # --- sign-in ---------------------------------------------------------------------------
    def endpoints(self) -> dict[str, str]:
        """The OIDC discovery document's endpoints."""
        data = self.caller.json(self.caller.send("GET", self.domain + DISCOVERY))
        if not isinstance(data, dict) or not isinstance(data.get("token_endpoint"), str):
            raise ServiceUnavailable(
                f"{self._where} did not describe its sign-in (no token endpoint in "
                f"{DISCOVERY}). Check the account domain.",
                code="bad_response",
            )
        if not isinstance(data.get("device_authorization_endpoint"), str):
            raise ServiceUnavailable(
                f"{self._where} does not offer the device sign-in. Create an API key on the "
                "website (Account Settings, API Keys) and sign in with it instead.",
                code="no_device_flow",
            )
        return {k: v for k, v in data.items() if isinstance(v, str)}

    def start_device(self, endpoints: dict[str, str]) -> DeviceAuthorization:
        """Ask for a user code (``scope=openid``, anaconda-auth's client id)."""
        response = self.caller.send(
            "POST",
            endpoints["device_authorization_endpoint"],
            data={"client_id": CLIENT_ID, "scope": "openid"},
            headers=FORM,
        )
        data = self.caller.json(response)
        try:
            return DeviceAuthorization(
                device_code=str(data["device_code"]),
                user_code=str(data["user_code"]),
                verification_uri=str(data["verification_uri"]),
                verification_uri_complete=str(
                    data.get("verification_uri_complete") or data["verification_uri"]
                ),
                expires_in=int(data.get("expires_in") or 600),
                interval=max(1, int(data.get("interval") or 5)),
            )
        except (KeyError, TypeError, ValueError):
            raise ServiceUnavailable(
                f"{self._where} answered the sign-in request without a user code. Try again later.",
                code="bad_response",
            ) from None

    def poll(self, endpoints: dict[str, str], device_code: str) -> Poll:
        """Ask the token endpoint once whether the person has approved."""
        response = self.caller.send(
            "POST",
            endpoints["token_endpoint"],
            data={"grant_type": DEVICE_GRANT, "device_code": device_code, "client_id": CLIENT_ID},
            headers=FORM,
        )
        if response.status_code == 200:
            data = self.caller.json(response)
            token = data.get("access_token") if isinstance(data, dict) else None
            if not isinstance(token, str) or not token:
                raise ServiceUnavailable(
                    f"{self._where} approved the sign-in but sent no access token. Try again.",
                    code="bad_response",
                )
            return Poll("done", token)
        try:
            error = response.json().get("error")
        except (ValueError, AttributeError):
            error = None
        if error in ("authorization_pending", "slow_down"):
            return Poll("pending" if error == "authorization_pending" else "slow_down")
        if error == "expired_token":
            raise AuthenticationRefused(
                "The sign-in code expired before it was approved. Start the sign-in again.",
                code="device_code_expired",
            )
        if error == "access_denied":
            raise AuthenticationRefused(
                "The sign-in was denied on the website. Start it again if that was a mistake.",
                code="device_access_denied",
            )
        if error == "invalid_grant":
            raise AuthenticationRefused(
                "This sign-in is no longer known to anaconda.com (already used or cancelled). "
                "Start the sign-in again.",
                code="device_code_invalid",
            )
        self.caller.json(response)  # 401/403/5xx/HTML: the usual clear errors
        raise ServiceUnavailable(
            f"{self._where} answered the sign-in check with HTTP {response.status_code}"
            + (f" ({error})" if isinstance(error, str) else "")
            + ". Try again later.",
            code="bad_response",
        )

    def create_api_key(self, access_token: str) -> str:
        """Turn the sign-in into an API key (only the key is kept, as anaconda-auth does)."""
        from jupyter_repoconnect import __version__

        body = {"scopes": API_KEY_SCOPES, "tags": [f"jupyter_repoconnect/v{__version__}"]}
        headers = {"Authorization": f"Bearer {access_token}"}
        response = None
        for path in API_KEY_PATHS:
            response = self.caller.send("POST", self.domain + path, json=body, headers=headers)
            if response.status_code == 201:
                break
        assert response is not None
        if response.status_code != 201:
            self.caller.json(response)
            raise ServiceUnavailable(
                f"{self._where} did not create an API key (HTTP {response.status_code}). "
                "Try again later.",
                code="bad_response",
            )
        data = self.caller.json(response)
        key = data.get("api_key") if isinstance(data, dict) else None
        if not isinstance(key, str) or not key:
            raise ServiceUnavailable(
                f"{self._where} created no API key. Try again later.", code="bad_response"
            )
        return validate.issued_secret(key, self._where, "API key", repository=False)

    # --- with the API key --------------------------------------------------------------------
    def account(self, api_key: str) -> dict[str, Any]:
        data = self._get(api_key, "/api/account")
        if not isinstance(data, dict):
            raise ServiceUnavailable(f"{self._where} sent no account.", code="bad_response")
        return data

    def organizations(self, api_key: str) -> list[OrgInfo]:
        """The account's organisations; ``business`` unless its subscription is a starter one
        (anaconda-auth offers only those for a repository token)."""
        orgs = self._get(api_key, "/api/organizations/my")
        subscriptions = self.account(api_key).get("subscriptions") or []
        business_ids = {
            str(s.get("org_id"))
            for s in subscriptions
            if isinstance(s, dict) and "starter" not in str(s.get("product_code", ""))
        }
        found = []
        for item in orgs if isinstance(orgs, list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                name = item["name"]
                title = str(item.get("title") or name)
                found.append(OrgInfo(name, title, str(item.get("id")) in business_ids))
        return found

    def current_token(self, api_key: str, org: str) -> str | None:
        """The expiry (ISO 8601) of the organisation's current repository token, or None."""
        response = self._send(api_key, "GET", self._token_path(org))
        if response.status_code == 404:
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict):  # the API's own "no token" answer, not a wrong domain
                return None
        data = self.caller.json(response)
        if not isinstance(data, dict) or "expires_at" not in data:
            raise ServiceUnavailable(f"{self._where} sent no token expiry.", code="bad_response")
        return validate.issued_expiry(data["expires_at"]) or ""  # a token exists; expiry unknown

    def reissue_token(self, api_key: str, org: str) -> tuple[str, str]:
        """Issue the organisation's repository token: (token, expiry). This revokes the one
        it had — callers ask the person first."""
        response = self._send(api_key, "PUT", self._token_path(org), json={"confirm": "yes"})
        if response.status_code == 403:
            raise Conflict(
                f"anaconda.com refused to issue a repository token for {org}: its subscription "
                "has no repository access, or you may not manage its tokens. Ask an "
                "administrator of the organisation.",
                code="org_token_refused",
            )
        data = self.caller.json(response)
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise ServiceUnavailable(f"{self._where} sent no token.", code="bad_response")
        token = validate.issued_secret(token, self._where, "repository token")
        return token, validate.issued_expiry(data.get("expires_at")) or ""

    # --- helpers -----------------------------------------------------------------------------
    @property
    def _where(self) -> str:
        return f"{TITLE} at {self.domain}"

    @staticmethod
    def _token_path(org: str) -> str:
        if not org or "/" in org or not org.isprintable():
            raise BadInput("Choose an organisation from the list.", code="bad_org")
        return f"/api/organizations/{quote(org, safe='')}/ce/current-token"

    def _send(self, api_key: str, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {api_key}"}
        response = self.caller.send(method, self.domain + path, headers=headers, **kwargs)
        if response.status_code == 401:
            raise AuthenticationRefused(
                "anaconda.com did not accept the stored API key (expired or revoked). Sign in "
                "to your Anaconda Cloud account again.",
                code="api_key_refused",
            )
        return response

    def _get(self, api_key: str, path: str) -> Any:
        return self.caller.json(self._send(api_key, "GET", path))
