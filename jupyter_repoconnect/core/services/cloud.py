"""Anaconda Professional / Package Security Manager (Cloud): the token tool's protocol."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import AuthenticationRefused, RepoConnectError, ServiceUnavailable
from . import insert_token, is_html, peek, peek_start
from .base import TOKEN_LOGIN, Capabilities, RepositoryService, Sighting

if TYPE_CHECKING:
    from ..condarc import CondarcDocument
    from ..connection import Connection
    from ..http import Caller
    from ..settings import RepoConnectSettings
    from ..signin import Attempt

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
        """``HEAD`` ``main``'s token-protected repodata and accept only 200, as the token tools
        and anaconda-auth do: one request. A 200 that is a web page (a proxy's or a captive
        portal's) is not a valid token; only an answer that says neither JSON nor HTML has the
        first bytes of its body read (never decoded) to tell."""
        url = insert_token(self.repo_url + "main/noarch/repodata.json", token)
        response = self.caller.send("HEAD", url)
        if response.status_code in (401, 403, 404):
            raise AuthenticationRefused(INVALID_TOKEN, code="invalid_token")
        if response.status_code != 200:
            raise ServiceUnavailable(
                f"{TITLE} at {self.repo_url} failed with HTTP {response.status_code} while "
                "checking the token. Try again later."
            )
        kind = "a web page" if is_html(response) else None
        content_type = str(response.headers.get("content-type", "")).lower()
        if kind is None and "json" not in content_type:
            status, start = peek_start(self.caller, url)
            if status == 502:
                kind = "a web page"
            elif status == 200 and start is not None and not start.lstrip().startswith(b"{"):
                kind = "something other than repository data"
        if kind:
            raise ServiceUnavailable(
                f"{TITLE} at {self.repo_url} answered with {kind}, so the token could not be "
                "checked. A proxy or a network sign-in page may be in the way: check "
                "proxy_servers in .condarc and your network, then try again.",
                code="bad_response",
            )

    def check_repository(self) -> None:
        """The repository answers its ``main`` channel as a repository (data or a refusal
        without a token), not with a web page or 404."""
        status = peek(self.caller, self.repo_url + "main/noarch/repodata.json")
        if status in (200, 206, 401, 403):
            return
        answer = "a web page" if status == 502 else f"HTTP {status}"
        raise ServiceUnavailable(
            f"{self.repo_url} does not answer like {TITLE}'s repository (its main channel "
            f"answered {answer}).",
            code="wrong_domain",
        )

    def channel_url(self, channel: str) -> str:
        return channel if "://" in channel else self.repo_url + channel

    def channel_reachable(self, channel: str, token: str | None) -> int:
        """Status code of the channel's noarch repodata (token inserted when given)."""
        url = self.channel_url(channel).rstrip("/") + "/noarch/repodata.json"
        if token and "/t/" not in url:
            url = insert_token(url, token)
        return peek(self.caller, url)


class Cloud(RepositoryService):
    """Anaconda Professional / PSM (Cloud): an organisation token, checked on the repository,
    stored where conda finds it; ``default_channels`` as the token tools write them."""

    id = "cloud"
    title = "Anaconda Professional / Package Security Manager (Cloud)"
    short_title = TITLE
    sign_in_methods = (TOKEN_LOGIN,)
    capabilities = Capabilities(channels_by_hand=True, organisation_channels=True)

    def fixed_domain(self, settings: RepoConnectSettings) -> str | None:
        return settings.resolved_cloud_repo_url()

    def client(self, caller: Caller, domain: str) -> CloudService:
        return CloudService(caller, domain)

    def sign_in(
        self, attempt: Attempt, domain: str, credentials: dict[str, str], method: str
    ) -> None:
        cloud = attempt.client(self, domain)
        cloud.validate(credentials["token"])
        defaults = cloud.default_channels()

        def change(d: CondarcDocument) -> None:
            # what the token tools do: default_channels, add_anaconda_token, restore_free_channel
            if d.get_list("default_channels") != defaults:
                d.set_list("default_channels", defaults)
            if d.get_scalar("add_anaconda_token") is not True:
                d.set_scalar("add_anaconda_token", True)
            if d.get_scalar("restore_free_channel") not in (None, False):
                d.set_scalar("restore_free_channel", False)
            if d.get_list("channels") is None:
                # conda >= 25.3 uses default_channels only where `defaults` is in channels
                d.set_list("channels", ["defaults"])

        recorded = {"service": self.id, "logged_api_url": domain, "username": None}
        with attempt.transaction([domain]):
            token = credentials["token"]
            attempt.commit({domain: token}, change, recorded, grant=self.grant(domain, token))

    def check_token(self, client: CloudService, token: str) -> None:
        client.validate(token)

    def identify(self, client: CloudService) -> None:
        client.check_repository()

    def cli_sign_out_change(self) -> Callable[[CondarcDocument], None] | None:
        return lambda doc: doc.set_list("default_channels", None)

    def cli_sign_out_note(self) -> str:
        return "default_channels was removed from .condarc; the rest was left as it was."

    def detect_elsewhere(self, domain: str | None) -> Sighting | None:
        from .. import auth_keyring

        login = auth_keyring.detect()
        if login is None or not login.repo_tokens or not domain:
            return None
        # `anaconda token install`: conda takes this token from anaconda-auth's keyring
        return Sighting(domain, domain, login.repo_tokens[0], login.keyring)

    def forget_elsewhere(self, current: Connection) -> list[str]:
        """A Cloud sign-out also removes the repository tokens anaconda-auth keeps for conda."""
        from .. import auth_keyring

        login = auth_keyring.detect()
        if login is None or current.token not in login.repo_tokens:
            return []
        try:
            done = auth_keyring.remove_repo_token(login.keyring, current.token)
        except RepoConnectError as exc:
            return [
                f"anaconda-auth still keeps this repository token in {login.keyring} "
                f"({exc.message}); run 'anaconda token uninstall' to remove it, or conda keeps "
                "using it."
            ]
        notes = [
            "Also removed the repository token that anaconda-auth kept for this organisation "
            f"in {login.keyring}."
        ]
        if done.other_tokens:
            notes.append(
                f"anaconda-auth keeps {done.other_tokens} repository token(s) of other "
                "organisations there, and conda still uses them: Sign out again to remove the "
                "next, or run 'anaconda token uninstall --org <organisation>'."
            )
        if done.api_key:
            notes.append(
                "Your anaconda.com account sign-in (its API key) is kept: conda's anaconda-auth "
                "handler may still send it to the repository. Run 'anaconda logout' to end it."
            )
        return notes
