"""Anaconda Enterprise 4 Repository (and anaconda.org): the anaconda-client (binstar) protocol."""

from __future__ import annotations

import platform
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from .. import validate
from ..errors import AuthenticationRefused, ServiceUnavailable
from . import acknowledged, alias_change, insert_token, is_html, peek
from .base import PASSWORD_LOGIN, Capabilities, RepositoryService, SignInMethod

if TYPE_CHECKING:
    from ..connection import Connection
    from ..http import Caller
    from ..signin import Attempt
    from ..state import RecordedState

TITLE = "Enterprise 4 Repository"
NOTE = "jupyter_repoconnect"
UNAVAILABLE = "API server is unavailable. Please check your API url configuration"


def conda_url(api: str) -> str:
    """Where conda finds this site's channels: the API URL with its ``api`` part replaced by
    ``conda`` (``https://host/api`` → ``https://host/conda``, ``https://api.anaconda.org`` →
    ``https://conda.anaconda.org``) — conda's own rule for tokens, and Navigator's alias."""
    parts = urlsplit(api.rstrip("/"))
    segments = parts.path.split("/")
    if "api" in segments:
        segments[segments.index("api")] = "conda"
        return urlunsplit(parts._replace(path="/".join(segments)))
    host = parts.netloc
    if host.startswith("api."):
        return urlunsplit(parts._replace(netloc="conda." + host[len("api.") :]))
    return urlunsplit(parts._replace(path=parts.path + "/conda"))


class EnterpriseService:
    def __init__(self, caller: Caller, api: str) -> None:
        self.caller = caller
        self.api = api
        self.conda = conda_url(api)  # the channel_alias

    def login(self, username: str, password: str) -> str:
        """One request when it works; the authentication type is asked only after a refusal,
        to say "use Kerberos" instead of "wrong password" where that is the reason."""
        hostname = platform.node() or "jupyter"
        # anaconda-client's body (binstar_client._authenticate): scopes null asks for the
        # default scopes, note_url is the API URL it signed in to
        body = {
            "scopes": None,
            "note": f"{NOTE} on {hostname}",
            "note_url": self.api,
            "hostname": hostname,
            "user": None,
            "max-age": None,
            "strength": "strong",
            "fail-if-exists": False,
        }
        response = self.caller.send(
            "POST",
            f"{self.api}/authentications",
            headers={"Authorization": basic_auth(username, password)},
            json=body,
        )
        if response.status_code in (401, 403):
            if self._authentication_type() == "kerberos":
                raise AuthenticationRefused(
                    f"{TITLE} at {self.api} uses Kerberos single sign-on, which cannot be done "
                    "with a password here. In a terminal, after 'kinit', run "
                    f"'anaconda config --set url {self.api}' and then "
                    "'ANACONDA_CLIENT_LEGACY_INTERACTIVE_LOGIN=1 anaconda login' (anaconda-client "
                    "1.13 and later sign in to anaconda.com without that variable); the sign-in "
                    "will be detected here.",
                    code="kerberos_required",
                )
            raise AuthenticationRefused(
                f"{TITLE} at {self.api} did not accept this user name and password. Check them "
                "and try again.",
                code="wrong_credentials",
            )
        if response.status_code in (404, 405):
            raise ServiceUnavailable(f"{UNAVAILABLE} ({self.api}).", code="wrong_domain")
        data = self.caller.json(response)
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise ServiceUnavailable(
                f"{TITLE} at {self.api} did not return a token. Check that the domain is the "
                "repository's API URL (it often ends in /api).",
                code="bad_response",
            )
        return token

    def _authentication_type(self) -> str:
        try:
            body = self.caller.json(self.caller.send("GET", f"{self.api}/authentication-type"))
        except ServiceUnavailable:
            return "password"
        kind = body.get("authentication_type") if isinstance(body, dict) else None
        return kind if isinstance(kind, str) else "password"

    def whoami(self, token: str) -> str | None:
        body = self.caller.json(self.caller.send("GET", f"{self.api}/user", headers=_auth(token)))
        return body.get("login") if isinstance(body, dict) else None

    def logout(self, token: str) -> bool:
        """Revoke the current token on the server; False when it was already gone."""
        response = self.caller.send("DELETE", f"{self.api}/authentications", headers=_auth(token))
        # protocols.md: 201 expected; a 2xx counts only with an empty or JSON body
        if acknowledged(response, 200, 201, 204):
            return True
        if response.status_code == 401 and not is_html(response):
            return False
        if is_html(response):
            answer = "with a web page"
        elif 200 <= response.status_code < 300:
            answer = f"HTTP {response.status_code} with an unreadable body"
        else:
            answer = f"HTTP {response.status_code}"
        raise ServiceUnavailable(
            f"{TITLE} at {self.api} answered {answer} while signing out; the token may still be "
            "valid."
        )

    def check_api(self) -> None:
        """anaconda-client's reachability check: the API URL answers (JSON, not a page)."""
        response = self.caller.send("GET", self.api)
        if response.status_code == 200 and not is_html(response):
            try:
                if isinstance(response.json(), dict):
                    return
            except ValueError:
                pass
        answer = "a web page" if is_html(response) else "something else"
        raise ServiceUnavailable(
            f"{UNAVAILABLE} ({self.api} answered HTTP {response.status_code} with {answer}, "
            "not the repository's API).",
            code="wrong_domain",
        )

    def channel_url(self, channel: str) -> str:
        return channel if "://" in channel else f"{self.conda}/{channel}"

    def channel_reachable(self, channel: str, token: str | None) -> int:
        url = self.channel_url(channel).rstrip("/") + "/noarch/repodata.json"
        if token and "/t/" not in url:
            url = insert_token(url, token, self.conda)
        return peek(self.caller, url)


def basic_auth(username: str, password: str) -> str:
    """HTTP Basic credentials encoded as anaconda-client's requests encodes them: latin-1
    when every character has one (``é`` is one byte, as the server has always received it
    from ``anaconda login``), else UTF-8, which the server can only know as UTF-8."""
    import base64

    pair = f"{username}:{password}"
    try:
        raw = pair.encode("latin-1")
    except UnicodeEncodeError:
        raw = pair.encode("utf-8")
    return "Basic " + base64.b64encode(raw).decode("ascii")


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"token {token}"}


class Enterprise(RepositoryService):
    """Anaconda Enterprise 4 Repository: anaconda-client's login, its token and its config;
    names resolve under the conda URL; the user adds channels by hand."""

    id = "enterprise"
    title = "Anaconda Enterprise 4 Repository"
    short_title = TITLE
    sign_in_methods = (PASSWORD_LOGIN,)
    capabilities = Capabilities(
        channels_by_hand=True, names_resolve_under_alias=True, can_revoke=True
    )
    connected_message = (
        "You are signed in to Enterprise 4 Repository. Please add the channels you need to your "
        ".condarc by hand (channels: and default_channels:)."
    )
    needs_domain = True
    domain_label = "Enterprise 4 Repository API domain"
    domain_state_key = "enterprise_4_repo_api_url"
    domain_setting = "enterprise_domain"
    preference_key = "enterprise_domain"

    def channel_alias(self, domain: str) -> str | None:
        return conda_url(domain)

    def client(self, caller: Caller, domain: str) -> EnterpriseService:
        return EnterpriseService(caller, domain)

    def sign_in(
        self, attempt: Attempt, domain: str, credentials: dict[str, str], method: str
    ) -> None:
        enterprise = attempt.client(self, domain)
        # Journalled before the login: a kill between the server's answer and the note below
        # leaves a token only the server knows; recovery says so, and the next login from this
        # host replaces it (anaconda-client's note + hostname rule).
        with attempt.transaction([domain], service=self.id, domain=domain) as journal:
            token = enterprise.login(credentials["username"], credentials["password"])
            journal.note(token=token)
            validate.issued_secret(token, f"{TITLE} at {domain}")  # refused: undone, revoked
            recorded: dict[str, str | None] = {
                "service": self.id,
                "logged_api_url": domain,
                "username": credentials["username"],
                "enterprise_4_repo_api_url": domain,
            }
            change = alias_change(enterprise.conda)
            grant = self.grant(domain, token)
            attempt.commit({domain: token}, change, recorded, client_url=domain, grant=grant)

    def undo_remote(
        self, client: EnterpriseService, remote: dict[str, Any], killed: bool, domain: str
    ) -> list[str]:
        if remote.get("token"):
            client.logout(str(remote["token"]))
            return []
        if killed:
            return [
                f"A sign-in to {domain} was interrupted while the repository was creating a "
                "token; if it did, the token stays valid until the next sign-in from this "
                "machine replaces it. You can also revoke it on the repository's web page."
            ]
        return []

    def pending_revoke(
        self, current: Connection, state: RecordedState, session: bytes | None
    ) -> dict[str, Any]:
        return {"service": self.id, "domain": current.domain, "token": current.token}

    def revoke(self, client: EnterpriseService, pending: dict[str, Any]) -> str | None:
        client.logout(str(pending["token"]))
        return None

    def revoke_advice(self) -> str:
        return (
            "Revoke it on the repository's web page, or run 'anaconda logout' after signing "
            "in there again."
        )

    def identify(self, client: EnterpriseService) -> None:
        client.check_api()

    def method_offered(self, client: EnterpriseService, method: SignInMethod) -> str | None:
        if method.id == PASSWORD_LOGIN.id and client._authentication_type() == "kerberos":
            return (
                f"{TITLE} at {client.api} uses Kerberos single sign-on, not a password: sign in "
                "with 'anaconda login' in a terminal after 'kinit'; it is detected here."
            )
        return None

    def cli_api_urls(self, domain: str | None) -> list[tuple[str, str]]:
        from .. import anaconda_client

        found = super().cli_api_urls(domain)
        cli_url = anaconda_client.configured_url()
        if cli_url and cli_url != anaconda_client.ANACONDA_ORG_API:
            found.append((cli_url, cli_url))  # `anaconda login` to an Enterprise 4 site
        return found
