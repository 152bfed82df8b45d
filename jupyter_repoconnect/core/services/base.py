"""What every repository service says about itself: one object per service, one protocol.

The core and the surfaces ask a service object (from :mod:`.registry`) what to do; they never
compare a service's name. A new service is one module with a :class:`RepositoryService`
subclass and one line in the registry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pathlib import Path

    from ..condarc import CondarcDocument
    from ..connection import Connection
    from ..http import Caller
    from ..settings import RepoConnectSettings
    from ..signin import Attempt
    from ..sinks.base import Grant
    from ..state import RecordedState


@dataclass(frozen=True)
class SignInField:
    """One value a sign-in method takes."""

    name: str  # the key in the sign-in request: username, password, token
    label: str  # how a person calls it ("user name", "token")
    secret: bool = False  # typed into a password field, never echoed
    strip: bool = True  # surrounding spaces removed (a password keeps its own)


@dataclass(frozen=True)
class SignInMethod:
    """A way to sign in to a service and the values it takes."""

    id: str  # "token", "password"
    fields: tuple[SignInField, ...]
    submit: str  # the reference's button: "Set Token", "Login"


@dataclass(frozen=True)
class Capabilities:
    """What a surface may offer for a connected service."""

    lists_channels: bool = False  # the repository lists its channels (a channel picker)
    channels_by_hand: bool = False  # the user adds channels by name or URL
    organisation_channels: bool = False  # channels are an organisation's, under the repository
    names_resolve_under_alias: bool = False  # a sign-in writes channel_alias for its names
    can_revoke: bool = False  # sign-out revokes the token on the service

    def to_dict(self) -> dict[str, bool]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Sighting:
    """A sign-in another tool keeps outside conda's token store (e.g. anaconda-auth's keyring)."""

    domain: str
    api_url: str
    token: str
    keyring: Path | None = None


TOKEN = SignInField("token", "token", secret=True)
USERNAME = SignInField("username", "user name")
PASSWORD = SignInField("password", "password", secret=True, strip=False)
PASSWORD_LOGIN = SignInMethod("password", (USERNAME, PASSWORD), "Login")
TOKEN_LOGIN = SignInMethod("token", (TOKEN,), "Set Token")
ACCESS_TOKEN_LOGIN = SignInMethod(
    "access_token", (SignInField("token", "access token", secret=True),), "Set Token"
)


class ChannelList:
    """A repository's whole channel listing, kept as the server sent it: a channel becomes a
    :class:`~..models.Channel` only when a page shows it (listings reach 10,000s of items)."""

    def __init__(self, items: list[dict[str, Any]], make: Callable[[dict[str, Any]], Any]):
        self._items = items
        self._make = make
        self._names: list[str] | None = None

    def __len__(self) -> int:
        return len(self._items)

    def names(self) -> list[str]:
        """Every channel's name, lower-cased, made once (what a filter searches)."""
        if self._names is None:
            self._names = [_full_name(item).lower() for item in self._items]
        return self._names

    def matching(self, needle: str) -> ChannelList:
        """The channels whose name contains ``needle`` (lower-case): a parent's name finds its
        sub-channels, as they are named ``<parent>/<name>``."""
        if not needle:
            return self
        names = self.names()
        return ChannelList([self._items[i] for i, n in enumerate(names) if needle in n], self._make)

    def page(self, offset: int, limit: int) -> list[Any]:
        return [self._make(item) for item in self._items[offset : offset + limit]]


def _full_name(item: dict[str, Any]) -> str:
    parent = item.get("parent")
    name = str(item.get("name"))
    return f"{parent}/{name}" if isinstance(parent, str) and parent else name


class RepositoryService:
    """One repository service: its words, its sign-in, its files and its HTTP client.

    Subclasses set the class attributes and override the steps that differ; the defaults
    describe a service that only takes a token and changes nothing on the service.
    """

    id: str = ""
    title: str = ""  # the reference's full name
    short_title: str = ""  # in sentences and the status bar
    sign_in_methods: tuple[SignInMethod, ...] = (TOKEN_LOGIN,)
    capabilities: Capabilities = Capabilities()
    connected_message: str | None = None  # said by the status while connected

    # A service reached at a domain the user types ("Set Domain"), remembered in the state
    # under ``domain_state_key`` and preset by an administrator in ``domain_setting``.
    needs_domain: bool = False
    domain_label: str | None = None
    domain_state_key: str | None = None
    domain_setting: str | None = None
    preference_key: str | None = None  # the REST preferences key of the domain (legacy)

    # --- where things are -----------------------------------------------------------------
    def fixed_domain(self, settings: RepoConnectSettings) -> str | None:
        """The domain of a service the user does not type (None: typed, see ``needs_domain``)."""
        return None

    def known_domain(self, settings: RepoConnectSettings, state: RecordedState) -> str | None:
        """The domain in use: remembered first, unless the administrator locked it."""
        if not self.needs_domain:
            return self.fixed_domain(settings)
        preset = getattr(settings, self.domain_setting or "", None) or None
        remembered = getattr(state, self.domain_state_key or "", None) or None
        return (remembered or preset) if settings.allow_domain_change else (preset or remembered)

    def api_url(self, domain: str) -> str:
        """The token store's key for this domain (recorded as ``logged_api_url``)."""
        return domain

    def normalise_domain(self, domain: str) -> str:
        """A valid typed domain as this service records it."""
        return domain

    def domain_of(self, api_url: str) -> str:
        """The domain a recorded ``logged_api_url`` belongs to."""
        return api_url

    def token_urls(self, api_url: str) -> tuple[str, ...]:
        """Every token-store key a connection at ``api_url`` uses."""
        return (api_url,)

    def channel_alias(self, domain: str) -> str | None:
        """The ``channel_alias`` a sign-in writes (None: the service writes none)."""
        return None

    def grant(self, domain: str, token: str) -> Grant:
        """This connection's credential for other package managers (core/sinks/)."""
        from ..sinks.base import Grant

        root = (self.channel_alias(domain) or domain).rstrip("/")
        parts = urlsplit(root)
        after_host = self.channel_alias(domain) is None
        token_root = (
            parts._replace(path=f"/t/{token}{parts.path}").geturl()
            if after_host
            else f"{root}/t/{token}"
        )
        return Grant(self.id, root, token_root, token, after_host)

    def client(self, caller: Caller, domain: str) -> Any:
        """This service's HTTP client."""
        raise NotImplementedError

    # --- sign-in and sign-out -------------------------------------------------------------
    def method(self, method_id: object) -> SignInMethod:
        """The sign-in method called ``method_id`` (None: the first, the usual one)."""
        from ..errors import BadInput

        if method_id is None:
            return self.sign_in_methods[0]
        for method in self.sign_in_methods:
            if method.id == method_id:
                return method
        offered = ", ".join(f"'{m.id}'" for m in self.sign_in_methods)
        raise BadInput(
            f"{self.title} does not offer the sign-in method {method_id!r} ({offered}).",
            code="bad_method",
        )

    def sign_in(
        self, attempt: Attempt, domain: str, credentials: dict[str, str], method: str
    ) -> None:
        """The network steps, then one :meth:`Attempt.commit` inside a transaction."""
        raise NotImplementedError

    def sign_out_notes(self, state: RecordedState) -> list[str]:
        """What a sign-out of this recorded connection must also say."""
        return []

    def undo_remote(
        self, client: Any, remote: dict[str, Any], killed: bool, domain: str
    ) -> list[str]:
        """Revoke what an unfinished sign-in created on the service; say what could not be."""
        return []

    def pending_revoke(
        self, current: Connection, state: RecordedState, session: bytes | None
    ) -> dict[str, Any]:
        """What a sign-out must revoke on the service, in a form the journal can keep."""
        return {}

    def revoke(self, client: Any, pending: dict[str, Any]) -> str | None:
        """Revoke ``pending``; None when done, else why it could not be (raises on failure)."""
        return None

    def revoke_advice(self) -> str:
        """What a user does when a token could not be revoked."""
        return "Revoke it on the repository's web page."

    def cli_sign_out_change(self) -> Callable[[CondarcDocument], None] | None:
        """The ``.condarc`` change that undoes a command-line sign-in (none is saved)."""
        return None

    def cli_sign_out_note(self) -> str:
        return (
            ".condarc was left as it was (the sign-in was made from a command line); remove "
            "channels you no longer want in Configure Conda."
        )

    def forget_elsewhere(self, current: Connection) -> list[str]:
        """Remove what other tools keep for this connection (after the sign-out's writes)."""
        return []

    # --- detection and the doctor ---------------------------------------------------------
    def cli_api_urls(self, domain: str | None) -> list[tuple[str, str]]:
        """(domain, api_url) pairs whose token in the store means a command-line sign-in."""
        return [(domain, self.api_url(domain))] if domain else []

    def detect_elsewhere(self, domain: str | None) -> Sighting | None:
        """A sign-in kept by another tool outside conda's token store."""
        return None

    def check_token(self, client: Any, token: str) -> None:
        """Raise AuthenticationRefused when the service refuses ``token``."""
        client.whoami(token)

    def list_channels(self, client: Any, token: str, all_channels: bool) -> ChannelList:
        raise NotImplementedError

    def identify(self, client: Any) -> None:
        """Ask the domain whether this service answers there, without credentials, as a
        sign-in first does: raises ServiceUnavailable (``wrong_domain``: something else
        answers), NothingAnswers, TLSFailure or ServiceTimeout."""

    def method_offered(self, client: Any, method: SignInMethod) -> str | None:
        """Why the service at this domain does not offer ``method`` (None: it does, or it
        cannot be told without signing in)."""
        return None

    def info(self) -> dict[str, Any]:
        """What a surface needs to offer this service (its words, its sign-in form)."""
        return {
            "id": self.id,
            "title": self.title,
            "short_title": self.short_title,
            "needs_domain": self.needs_domain,
            "domain_label": self.domain_label,
            "sign_in": [dataclasses.asdict(m) for m in self.sign_in_methods],
            "capabilities": self.capabilities.to_dict(),
        }
