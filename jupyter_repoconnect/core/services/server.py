"""Anaconda Server / Package Security Manager (On-prem), as its public clients speak to it.

Sources (protocols.md): conda-repo-cli's ``repo_cli/utils/api.py`` and Navigator 2.4–2.6.
The short-lived login JWT goes as ``Authorization: Bearer`` to the token endpoints only; the
private access token goes as ``X-Auth`` to every other API call and as ``/t/<TOKEN>/`` after
``<domain>/api/repo`` in the repository.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import validate
from ..errors import AuthenticationRefused, BadInput, ServiceUnavailable
from ..models import Channel
from . import acknowledged, alias_change, insert_token, is_html, peek, server_sso
from .base import (
    ACCESS_TOKEN_LOGIN,
    PASSWORD_LOGIN,
    Capabilities,
    ChannelList,
    RepositoryService,
    SignInMethod,
)
from .server_sso import SSO_LOGIN

if TYPE_CHECKING:
    from ..connection import Connection
    from ..http import Caller
    from ..signin import Attempt
    from ..state import RecordedState

TITLE = "Anaconda Server"
# Navigator's scopes: without the subchannel ones, sub-channels cannot be read.
TOKEN_SCOPES = [
    "channel:view",
    "channel:view-artifacts",
    "subchannel:view",
    "subchannel:view-artifacts",
    "artifact:view",
    "artifact:download",
]
# The token's life (settings.server_token_days; docs/admin.md). Navigator asks for 365 days,
# conda-repo-cli for 30. A sign-out revokes the token with the login session, which lives hours
# (the public sample JWT: 10 h; a single sign-on's refresh token: the provider's session), so a
# sign-out after that leaves the token valid until it expires: its life bounds that exposure.
# 90 days, with the warning 14 days before and Renew in one step, keeps that to one quarter
# without asking single sign-on users to the browser every month.
TOKEN_DAYS = 90
PAGE_LIMIT = 1000  # the most a listing answers per page
MAX_PAGES = 500


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
        self.repo = f"{domain}/api/repo"  # the channel_alias conda resolves channel names under

    def check_system(self) -> str:
        """Ask ``/api/system`` first, to tell "not an Anaconda Server" from wrong credentials.

        Returns the server's domain as it answered: after a redirect from ``http://`` to
        ``https://`` (a user typed the old address), the ``https://`` one."""
        response = self.caller.send("GET", f"{self.api}/system")
        if response.status_code == 200 and not is_html(response):
            try:
                if isinstance(response.json(), dict):
                    answered = str(response.url).split("?", 1)[0]
                    return answered.removesuffix("/api/system") or self.domain
            except ValueError:
                pass
        if response.status_code >= 500:
            raise ServiceUnavailable(
                f"{TITLE} at {self.domain} failed with HTTP {response.status_code}. Try again "
                "later or ask your administrator."
            )
        raise ServiceUnavailable(
            f"{self.domain} does not answer like an Anaconda Server (its /api/system "
            f"{_answer(response)}). Check the domain: it is the address of the server's web "
            "page, e.g. https://anaconda.example.com.",
            code="wrong_domain",
        )

    def login(self, username: str, password: str) -> str:
        """Exchange credentials for the short-lived login JWT."""
        response = self.caller.send(
            "POST", f"{self.api}/auth/login", json={"username": username, "password": password}
        )
        if response.status_code in (401, 403):
            raise AuthenticationRefused(
                f"{TITLE} at {self.domain} did not accept this user name and password. (An "
                "account of single sign-on has no password here: it signs in with single "
                "sign-on or an access token.)",
                code="wrong_credentials",
            )
        body = self.caller.json(response)
        session = body.get("token") if isinstance(body, dict) else None
        if not isinstance(session, str) or not session:
            raise ServiceUnavailable(
                f"{TITLE} at {self.domain} answered the login without a session. Check the domain.",
                code="bad_response",
            )
        # a session with a line break would go into a header and be blamed on the user's input
        where = f"{TITLE} at {self.domain}"
        return validate.issued_secret(session, where, "login session", repository=False)

    def create_token(self, session: str, name: str, days: int = TOKEN_DAYS) -> IssuedToken:
        """Create the private access token conda will use (the server answers 200)."""
        expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)
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
        where = f"{TITLE} at {self.domain}"
        # a refused one was created all the same: the sign-in's undo finds it by name, revokes it
        token = validate.issued_secret(body["token"], where, "access token")
        token_id = validate.issued_secret(str(body["id"]), where, "token id")  # goes in a path
        return IssuedToken(token_id, token, validate.issued_expiry(body.get("expires_at")))

    def revoke_token(self, session: str, token_id: str) -> bool:
        """Revoke a private token with a login JWT; False when the server no longer knows it.

        Raises AuthenticationRefused when the JWT has expired (the server then keeps the token).
        """
        response = self.caller.send(
            "DELETE", f"{self.api}/account/tokens/{token_id}", headers=_bearer(session)
        )
        # protocols.md: 204; a 200/202 counts only with an empty or JSON body
        if acknowledged(response, 200, 202, 204):
            return True
        if response.status_code == 404 and not is_html(response):
            return False
        if response.status_code in (401, 403):
            raise AuthenticationRefused(
                f"{TITLE} at {self.domain} needs a fresh login to revoke the access token.",
                code="session_expired",
            )
        raise ServiceUnavailable(
            f"{TITLE} at {self.domain} {_answer(response)} while revoking the access token"
            + (", with an unreadable body" if 200 <= response.status_code < 300 else "")
            + "; the token may still be valid."
        )

    def find_token(self, session: str, name: str) -> str | None:
        """The id of this user's token called ``name`` (a sign-in killed before it learnt it)."""
        body = self.caller.json(
            self.caller.send("GET", f"{self.api}/account/tokens", headers=_bearer(session))
        )
        items = body.get("items") if isinstance(body, dict) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get("name") == name and item.get("id"):
                return str(item["id"])
        return None

    def whoami(self, token: str) -> str | None:
        body = self.caller.json(
            self.caller.send("GET", f"{self.api}/account", headers=_x_auth(token))
        )
        return body.get("username") if isinstance(body, dict) else None

    def channels(self, token: str, all_channels: bool = False) -> list[Channel]:
        """Every channel the user can see (``all_channels``: every channel of the server),
        sub-channels included, sorted by name — all pages, since the server cannot filter."""
        return [self._channel(item) for item in self.channel_items(token, all_channels)]

    def channel_items(self, token: str, all_channels: bool = False) -> list[dict[str, Any]]:
        """The listing's items as the server sent them (named ones only), every page."""
        path = "/channels" if all_channels else "/account/channels"
        found: list[dict[str, Any]] = []
        offset = 0
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {
                "offset": offset,
                "limit": PAGE_LIMIT,
                "sort": "name",
                "include_subchannels": "true",
            }
            body = self.caller.json(
                self.caller.send("GET", self.api + path, params=params, headers=_x_auth(token))
            )
            if not isinstance(body, dict) or not isinstance(body.get("items"), list):
                raise ServiceUnavailable(
                    f"{TITLE} at {self.domain} answered the channel list in an unknown format.",
                    code="bad_response",
                )
            found += [i for i in body["items"] if isinstance(i, dict) and i.get("name")]
            offset += len(body["items"])
            total = body.get("total_count")
            if not body["items"] or (isinstance(total, int) and offset >= total):
                break
        return found

    def _channel(self, item: dict[str, Any]) -> Channel:
        # a sub-channel item is {"name": "<sub>", "parent": "<channel>"}: conda and Navigator
        # know it as <parent>/<sub>
        parent = item.get("parent")
        name = (
            f"{parent}/{item['name']}" if isinstance(parent, str) and parent else str(item["name"])
        )
        return Channel(
            name=name,
            url=f"{self.repo}/{name}",
            privacy=item.get("privacy"),
            description=item.get("description"),
        )

    def channel_url(self, channel: str) -> str:
        """The full URL of a channel given by name (under the alias) or by URL."""
        return channel if "://" in channel else f"{self.repo}/{channel}"

    def channel_reachable(self, channel: str, token: str | None) -> int:
        url = self.channel_url(channel).rstrip("/") + "/noarch/repodata.json"
        if token and "/t/" not in url:
            url = insert_token(url, token, self.repo)
        return peek(self.caller, url)


def _bearer(session: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {session}"}


def _x_auth(token: str) -> dict[str, str]:
    return {"X-Auth": token}


def _answer(response: Any) -> str:
    if is_html(response):
        return f"answered with a web page, HTTP {response.status_code}"
    return f"answered HTTP {response.status_code}"


class Server(RepositoryService):
    """Anaconda Server / PSM (On-prem): a login, then a private access token created on the
    server, recorded, stored for the API and the repository; names resolve under the alias."""

    id = "server"
    title = "Anaconda Server / Package Security Manager (On-prem)"
    short_title = TITLE
    sign_in_methods = (PASSWORD_LOGIN, SSO_LOGIN, ACCESS_TOKEN_LOGIN)
    capabilities = Capabilities(
        lists_channels=True, names_resolve_under_alias=True, can_revoke=True
    )
    needs_domain = True
    domain_label = "Anaconda Server domain"
    domain_state_key = "anaconda_server_api_url"
    domain_setting = "server_domain"
    preference_key = "server_domain"

    def api_url(self, domain: str) -> str:
        return f"{domain}/api"

    def normalise_domain(self, domain: str) -> str:
        # Navigator's rule: the server's address, also when its API URL was typed
        return domain.removesuffix("/api")

    def domain_of(self, api_url: str) -> str:
        return api_url.removesuffix("/api")

    def token_urls(self, api_url: str) -> tuple[str, ...]:
        # conda and the CLIs look the token up by the API URL and by the repository URL
        return (api_url, f"{api_url}/repo")

    def channel_alias(self, domain: str) -> str | None:
        return f"{domain}/api/repo"

    def client(self, caller: Caller, domain: str) -> ServerService:
        return ServerService(caller, domain)

    def sign_in(
        self, attempt: Attempt, domain: str, credentials: dict[str, str], method: str
    ) -> None:
        if method == SSO_LOGIN.id and "code" not in credentials:
            raise BadInput(
                "Single sign-on needs a browser, so it takes two steps: start it, then finish "
                "it with the address the browser lands on.",
                code="bad_method",
            )
        server = attempt.client(self, domain)
        answered = server.check_system()
        if answered != domain:  # moved to https: sign in and record that address
            domain = answered
            server = attempt.client(self, domain)
        if method == ACCESS_TOKEN_LOGIN.id:
            self._sign_in_with_access_token(attempt, server, domain, credentials["token"])
            return
        if method == SSO_LOGIN.id:
            self._sign_in_with_sso(attempt, server, domain, credentials)
            return
        username = credentials["username"]
        session = server.login(username, credentials["password"])
        self._create_and_commit(attempt, server, domain, username, session)

    def begin_sso(
        self, attempt: Attempt, domain: str, sso_id: str, redirect_uri: str | None
    ) -> server_sso.PendingSso:
        """Start a single sign-on: find the server's provider; nothing is written."""
        server = attempt.client(self, domain)
        answered = server.check_system()
        if answered != domain:
            domain = answered
            server = attempt.client(self, domain)
        provider = server_sso.find_provider(server.caller, server.api, domain)
        return server_sso.begin(sso_id, self.id, domain, provider, redirect_uri)

    def _sign_in_with_sso(
        self, attempt: Attempt, server: ServerService, domain: str, credentials: dict[str, str]
    ) -> None:
        """The code the browser brought back (``server_sso.exchange_inputs``), exchanged for the
        provider's JWT, which then creates the access token as the password login's JWT does."""
        endpoint = credentials["token_endpoint"]
        provider = server_sso.provider_caller(server.caller, server_sso.origin_of(endpoint))
        tokens = server_sso.exchange(provider, credentials)
        claims = server_sso.jwt_claims(tokens.access_token)  # unverified: shown, never trusted
        username = claims.get("preferred_username")
        saved = tokens.saved(endpoint)
        self._create_and_commit(
            attempt,
            server,
            domain,
            username if isinstance(username, str) else None,
            tokens.access_token,
            method=SSO_LOGIN.id,
            saved_session=saved,
        )

    def _create_and_commit(
        self,
        attempt: Attempt,
        server: ServerService,
        domain: str,
        username: str | None,
        session: str,
        method: str | None = None,
        saved_session: str | None = None,
    ) -> None:
        """Create the private access token with a login JWT, then write everything: one end
        for the password and the single sign-on."""
        import platform

        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
        name = f"jupyter_repoconnect-{platform.node() or 'jupyter'}-{stamp}"
        # journalled before the token exists: a kill right after its creation still finds it
        with attempt.transaction(
            list(self.token_urls(server.api)),
            service=self.id,
            domain=domain,
            session=session,
            name=name,
        ) as journal:
            days = getattr(attempt.parts.settings, "server_token_days", TOKEN_DAYS)
            issued = server.create_token(session, name, days)
            journal.note(token_id=issued.id)
            recorded = {
                "service": self.id,
                "logged_api_url": server.api,
                "username": username,  # the token was just issued to it: no who-am-I needed
                "anaconda_server_token": issued.token,
                "anaconda_server_token_id": issued.id,
                "anaconda_server_api_url": domain,
                "sign_in_method": method,
                "token_expires_at": issued.expires_at,
            }
            tokens = {url: issued.token for url in self.token_urls(server.api)}
            grant = self.grant(domain, issued.token)
            change = alias_change(server.repo)
            # kept (0600) only for the sign-out's revoke; dropped by it, or once it can serve
            # no revoke (Connector status)
            attempt.commit(tokens, change, recorded, session=saved_session or session, grant=grant)

    def _sign_in_with_access_token(
        self, attempt: Attempt, server: ServerService, domain: str, token: str
    ) -> None:
        """An access token the user created on the server's web page (single sign-on users,
        automation): checked with ``GET /api/account`` (``X-Auth``), then written like ours."""
        try:
            username = server.whoami(token)
        except AuthenticationRefused:
            raise AuthenticationRefused(
                f"{TITLE} at {domain} did not accept this access token (expired, revoked or "
                "mistyped). Create a new one on the server's web page and try again.",
                code="invalid_token",
            ) from None
        recorded = {
            "service": self.id,
            "logged_api_url": server.api,
            "username": username,
            "anaconda_server_token": token,
            "anaconda_server_token_id": None,  # not ours: never revoked by a sign-out
            "anaconda_server_api_url": domain,
            "sign_in_method": ACCESS_TOKEN_LOGIN.id,
            "token_expires_at": None,  # the server tells a token's expiry only to a login
        }
        with attempt.transaction(list(self.token_urls(server.api))):
            tokens = {url: token for url in self.token_urls(server.api)}
            grant = self.grant(domain, token)
            change = alias_change(server.repo)
            attempt.commit(tokens, change, recorded, grant=grant)

    def sign_out_notes(self, state: RecordedState) -> list[str]:
        if state.sign_in_method != ACCESS_TOKEN_LOGIN.id:
            return []
        return [
            "The access token you signed in with was not created here, so it was not revoked: "
            "it stays valid until it expires. Revoke it on the server's web page (your "
            "account's access tokens) if you no longer need it."
        ]

    def undo_remote(
        self, client: ServerService, remote: dict[str, Any], killed: bool, domain: str
    ) -> list[str]:
        session = remote.get("session")
        if not session:
            return []
        token_id = remote.get("token_id") or client.find_token(session, str(remote.get("name")))
        if token_id:
            client.revoke_token(session, str(token_id))
        return []

    def pending_revoke(
        self, current: Connection, state: RecordedState, session: bytes | None
    ) -> dict[str, Any]:
        saved = server_sso.SavedSession.parse(session)
        return {
            "service": self.id,
            "domain": current.domain,
            "token_id": state.anaconda_server_token_id if current.source == "repoconnect" else None,
            "method": state.sign_in_method if current.source == "repoconnect" else None,
            "session": saved.access_token if saved else None,
            "refresh_token": saved.refresh_token if saved else None,
            "token_endpoint": saved.token_endpoint if saved else None,
        }

    def revoke(self, client: ServerService, pending: dict[str, Any]) -> str | None:
        if pending.get("method") == ACCESS_TOKEN_LOGIN.id:
            return None  # not ours to revoke; sign_out_notes says so
        session, token_id = pending.get("session"), pending.get("token_id")
        if not token_id or not session:
            return "the server needs a fresh login to revoke an access token"
        renewable = bool(pending.get("refresh_token") and pending.get("token_endpoint"))
        if server_sso.expired(str(session)):
            if not renewable:
                return "the login session of this sign-in has ended"
            session = self._refreshed(client, pending)
            renewable = False
        try:
            client.revoke_token(str(session), str(token_id))
        except AuthenticationRefused:
            if not renewable:  # the server ended the session before its exp
                raise
            client.revoke_token(self._refreshed(client, pending), str(token_id))
        return None

    @staticmethod
    def _refreshed(client: ServerService, pending: dict[str, Any]) -> str:
        """A fresh login JWT from the single sign-on's refresh token (raises when refused)."""
        endpoint = str(pending["token_endpoint"])
        caller = server_sso.provider_caller(client.caller, server_sso.origin_of(endpoint))
        return server_sso.refresh(caller, endpoint, str(pending["refresh_token"])).access_token

    def revoke_advice(self) -> str:
        return "Revoke it on the server's web page (your account's access tokens)."

    def identify(self, client: ServerService) -> None:
        client.check_system()

    def method_offered(self, client: ServerService, method: SignInMethod) -> str | None:
        if method.id != SSO_LOGIN.id:
            return None
        try:
            server_sso.find_provider(client.caller, client.api, client.domain)
        except ServiceUnavailable as exc:
            if exc.code != "sso_not_offered":
                raise
            return exc.message
        return None

    def list_channels(self, client: ServerService, token: str, all_channels: bool) -> ChannelList:
        return ChannelList(client.channel_items(token, all_channels), client._channel)
