"""The one error hierarchy every surface maps: a stable ``code`` and a human ``message``.

Every code is a member of :class:`Code`, defined once here with the class it is raised as and
what it means; a raise site passes a member (or its text), and an unknown code fails at once.
Messages are neutral: they say what went wrong, never which button or command to use next —
each surface adds its own next step from the code. Messages never contain a token or a
password; adapters show them as they are. An error is never changed after it is raised: a
caller that knows more raises a new one ``from`` it (:meth:`RepoConnectError.reworded`,
:meth:`RepoConnectError.with_notes`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable


class Code(str, enum.Enum):
    """Every error code: ``NAME = "wire_value", "ErrorClass", "what it means"[, state_moved]``.

    ``state_moved``: the request was refused because the connection changed elsewhere (another
    surface, a terminal); a surface shows the current status again.
    """

    kind_name: str
    doc: str
    state_moved: bool

    def __new__(cls, value: str, kind: str, doc: str, state_moved: bool = False) -> Code:
        member = str.__new__(cls, value)
        member._value_ = value
        member.kind_name = kind
        member.doc = doc
        member.state_moved = state_moved
        return member

    # Py 3.11 formats a (str, Enum) member as "Code.NAME"; the wire text is wanted everywhere.
    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(self, spec)

    @property
    def kind(self) -> type[RepoConnectError]:
        """The error class this code is raised as (or a subclass of it)."""
        return _CLASSES[self.kind_name]

    # --- the classes' own codes ---------------------------------------------------------
    ERROR = "error", "RepoConnectError", "An error of the core without a finer code."
    BAD_INPUT = (
        "bad_input",
        "BadInput",
        "A value or the request cannot be used; the message says why.",
    )
    NOT_ALLOWED = "not_allowed", "NotAllowed", "The administrator's settings forbid this."
    AUTH_REFUSED = "auth_refused", "AuthenticationRefused", "The service refused the sign-in."
    CONFLICT = "conflict", "Conflict", "The request clashes with the current connection.", True
    NOT_CONNECTED = (
        "not_connected",
        "NotConnected",
        "Not signed in to a repository (or no Cloud repository token installed).",
        True,
    )
    CORRUPT_CONDARC = (
        "corrupt_condarc",
        "CorruptCondarc",
        ".condarc cannot be parsed; it is untouched.",
    )
    FILE_PROBLEM = (
        "file_problem",
        "FileProblem",
        "A file or folder is unusable; the message names it.",
    )
    SERVICE_UNAVAILABLE = (
        "service_unavailable",
        "ServiceUnavailable",
        "The repository could not be reached.",
    )
    SERVICE_TIMEOUT = "service_timeout", "ServiceTimeout", "The repository did not answer in time."
    TLS_FAILURE = "tls_failure", "TLSFailure", "The TLS handshake or certificate check failed."
    BODY_TOO_LARGE = "body_too_large", "BodyTooLarge", "The request body is over the size limit."

    CANCELLED = (
        "cancelled",
        "Cancelled",
        "The sign-in was cancelled: nothing was written, what the service created is revoked.",
    )

    # --- bad input ----------------------------------------------------------------------
    MISSING_INPUT = "missing_input", "BadInput", "A value the sign-in needs was left empty."
    INVALID_DOMAIN = "invalid_domain", "BadInput", "The domain is not a full http(s) URL."
    DOMAIN_REQUIRED = "domain_required", "BadInput", "The service needs a domain and none is set."
    BAD_SERVICE = "bad_service", "BadInput", "No such service (or it takes no domain)."
    BAD_METHOD = "bad_method", "BadInput", "The service offers no such sign-in method."
    BAD_LIST = "bad_list", "BadInput", "Not 'channels' or 'default_channels'."
    BAD_CHANNEL = "bad_channel", "BadInput", "Not a channel name or an http(s)/file URL."
    NO_CHANNELS = "no_channels", "BadInput", "Adding channels was asked with no channel."
    NOT_FOUND = "not_found", "BadInput", "A channel to remove or move is not in .condarc."
    UNKNOWN_MASKED_CHANNEL = (
        "unknown_masked_channel",
        "BadInput",
        "A masked /t/<TOKEN>/ entry matches none in .condarc.",
    )
    NO_CHANNEL_LISTING = (
        "no_channel_listing",
        "BadInput",
        "The connected service does not list its channels.",
    )
    CONFIRM_DEFAULTS = (
        "confirm_defaults",
        "BadInput",
        "The edit removes 'defaults' from channels; send it again confirmed.",
    )
    CONDARC_IGNORED = "condarc_ignored", "BadInput", "conda would not read the .condarc in use."
    TOO_LONG = "too_long", "BadInput", "A text is longer than its limit."
    BAD_CHARACTERS = "bad_characters", "BadInput", "A text holds control or broken characters."
    UNSENDABLE_INPUT = "unsendable_input", "BadInput", "A value cannot be sent in an HTTP request."
    BAD_PROXY = "bad_proxy", "BadInput", "The proxy setting cannot be used."
    BAD_SETTING = "bad_setting", "BadInput", "A RepoConnectSettings value is invalid."
    BAD_ORG = "bad_org", "BadInput", "No organisation, or one the account is not a member of."
    BAD_REDIRECT_ADDRESS = (
        "bad_redirect_address",
        "BadInput",
        "Not the address the browser landed on after single sign-on (or no code in it).",
    )

    # --- refused by the service ----------------------------------------------------------
    WRONG_CREDENTIALS = "wrong_credentials", "AuthenticationRefused", "Wrong user name or password."
    INVALID_TOKEN = "invalid_token", "AuthenticationRefused", "The repository refused the token."
    KERBEROS_REQUIRED = (
        "kerberos_required",
        "AuthenticationRefused",
        "The Enterprise 4 server signs in with Kerberos only.",
    )
    SESSION_EXPIRED = (
        "session_expired",
        "AuthenticationRefused",
        "The service's session ended during the sign-in.",
    )
    API_KEY_REFUSED = (
        "api_key_refused",
        "AuthenticationRefused",
        "anaconda.com refused the API key.",
    )
    DEVICE_CODE_EXPIRED = (
        "device_code_expired",
        "AuthenticationRefused",
        "The sign-in code expired before it was approved.",
    )
    DEVICE_ACCESS_DENIED = (
        "device_access_denied",
        "AuthenticationRefused",
        "The sign-in was denied on the website.",
    )
    DEVICE_CODE_INVALID = (
        "device_code_invalid",
        "AuthenticationRefused",
        "anaconda.com no longer knows the sign-in code.",
    )
    SSO_STATE_MISMATCH = (
        "sso_state_mismatch",
        "AuthenticationRefused",
        "The single sign-on redirect's state is missing or another sign-in's; not used.",
    )
    SSO_DENIED = (
        "sso_denied",
        "AuthenticationRefused",
        "The single sign-on was denied or cancelled at the provider.",
    )
    SSO_CODE_REFUSED = (
        "sso_code_refused",
        "AuthenticationRefused",
        "The provider refused the sign-in code or session (used, expired or not this one's).",
    )

    # --- not allowed --------------------------------------------------------------------
    ACCOUNT_NOT_ALLOWED = (
        "account_not_allowed",
        "NotAllowed",
        "The administrator turned off the account sign-in.",
    )
    ACCOUNT_MANAGED = (
        "account_managed",
        "NotAllowed",
        "The administrator's API key is in use; the account cannot change here.",
    )

    # --- conflicts ----------------------------------------------------------------------
    ALREADY_CONNECTED = (
        "already_connected",
        "Conflict",
        "Signed in to a repository already; sign out first.",
        True,
    )
    STALE_SESSION = (
        "stale_session",
        "Conflict",
        "An earlier sign-in ended elsewhere has not been signed out here.",
        True,
    )
    STALE_VERSION = "stale_version", "Conflict", ".condarc changed since it was read."
    BUSY = "busy", "Conflict", "Another process holds the lock; try again."
    CONFIRM_REISSUE = (
        "confirm_reissue",
        "Conflict",
        "The organisation has a token; reissuing revokes it, send it again confirmed.",
    )
    ORG_TOKEN_REFUSED = (
        "org_token_refused",
        "Conflict",
        "The organisation cannot issue a repository token.",
    )
    ACCOUNT_SIGNED_OUT = (
        "account_signed_out",
        "NotConnected",
        "Not signed in to an Anaconda Cloud account.",
    )
    UNKNOWN_LOGIN = (
        "unknown_login",
        "NotConnected",
        "The account sign-in is not waiting any more.",
    )
    SSO_NOT_PENDING = (
        "sso_not_pending",
        "NotConnected",
        "The single sign-on is not waiting any more (finished, cancelled or expired).",
    )

    # --- the service failed -------------------------------------------------------------
    WRONG_DOMAIN = "wrong_domain", "ServiceUnavailable", "The domain is not the service's API."
    BAD_RESPONSE = "bad_response", "ServiceUnavailable", "The service answered something unusable."
    TOO_MANY_REDIRECTS = (
        "too_many_redirects",
        "ServiceUnavailable",
        "The service redirected too often.",
    )
    REDIRECTED_ELSEWHERE = (
        "redirected_elsewhere",
        "ServiceUnavailable",
        "The service redirected to another host.",
    )
    NO_DEVICE_FLOW = (
        "no_device_flow",
        "ServiceUnavailable",
        "anaconda.com offers no device sign-in.",
    )
    SSO_NOT_OFFERED = (
        "sso_not_offered",
        "ServiceUnavailable",
        "The server offers no (safe) single sign-on at /api/auth/authorize.",
    )
    CA_BUNDLE_MISSING = "ca_bundle_missing", "TLSFailure", "The CA bundle setting names no file."
    CA_BUNDLE_UNREADABLE = "ca_bundle_unreadable", "TLSFailure", "The CA bundle cannot be read."
    CLIENT_CERT_UNREADABLE = (
        "client_cert_unreadable",
        "TLSFailure",
        "The client certificate cannot be read.",
    )


class HttpCode(str, enum.Enum):
    """Codes a REST reply carries for errors of Jupyter itself, not of the core."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(self, spec)

    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"  # not authenticated or authorized by Jupyter, or no XSRF token
    NOT_FOUND = "not_found"  # an unknown route (also a core code: see Code.NOT_FOUND)
    METHOD_NOT_ALLOWED = "method_not_allowed"
    HTTP_ERROR = "http_error"  # another status tornado answered
    INTERNAL_ERROR = "internal_error"  # an unexpected exception; details in the server log


def state_moved(code: object) -> bool:
    """Whether an error with ``code`` means the connection changed elsewhere."""
    found = Code._value2member_map_.get(code) if isinstance(code, str) else None
    return isinstance(found, Code) and found.state_moved


class RepoConnectError(Exception):
    """Base of every error the core raises on purpose.

    ``notes`` (set at construction) follow the message, e.g. what a rollback could not undo.
    """

    code: Code = Code.ERROR

    def __init__(
        self, message: str, *, code: Code | str | None = None, notes: Iterable[str] = ()
    ) -> None:
        if code is not None:
            found = Code._value2member_map_.get(code)
            if not isinstance(found, Code):
                raise ValueError(f"{code!r} is not a valid Code (core/errors.py)")
            code = found
            if not isinstance(self, code.kind):
                raise TypeError(
                    f"{code.value!r} is raised as {code.kind_name}, not {type(self).__name__}"
                )
            self.code = code
        self.summary = message
        self.notes: tuple[str, ...] = tuple(notes)
        self.message = " ".join([message, *self.notes])
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    @property
    def state_moved(self) -> bool:
        return self.code.state_moved

    def reworded(self, message: str) -> RepoConnectError:
        """A new error of this class and code saying ``message`` (raise it ``from`` this one)."""
        return type(self)(message, code=self.code)

    def with_notes(self, notes: Iterable[str]) -> RepoConnectError:
        """A new error of this class and code with ``notes`` after the message."""
        return type(self)(self.summary, code=self.code, notes=(*self.notes, *notes))


class BadInput(RepoConnectError):
    """The user gave something we cannot use (a malformed domain, an empty token...)."""

    code = Code.BAD_INPUT


class BodyTooLarge(BadInput):
    """A request body over the REST surface's size limit."""

    code = Code.BODY_TOO_LARGE


class NotAllowed(RepoConnectError):
    """The administrator's settings forbid this (service not allowed, domain locked)."""

    code = Code.NOT_ALLOWED


class AuthenticationRefused(RepoConnectError):
    """The service refused the credentials or the token."""

    code = Code.AUTH_REFUSED


class Conflict(RepoConnectError):
    """The request clashes with the current state (already connected, file changed...)."""

    code = Code.CONFLICT


class NotConnected(Conflict):
    """An operation that needs a connection was asked for while signed out."""

    code = Code.NOT_CONNECTED


class Cancelled(RepoConnectError):
    """The user cancelled the operation; whatever it had begun was undone."""

    code = Code.CANCELLED


class CorruptCondarc(RepoConnectError):
    """The user's ``.condarc`` cannot be parsed; it is never overwritten."""

    code = Code.CORRUPT_CONDARC


class FileProblem(RepoConnectError):
    """A file or folder we must read or write is unusable (a folder, a FIFO, unreadable...)."""

    code = Code.FILE_PROBLEM


class ServiceUnavailable(RepoConnectError):
    """The repository could not be reached or answered with something unusable."""

    code = Code.SERVICE_UNAVAILABLE


class ServiceTimeout(ServiceUnavailable):
    """The repository did not answer in time."""

    code = Code.SERVICE_TIMEOUT


class NothingAnswers(ServiceUnavailable):
    """Nothing answers at the address: the connection was refused or the host is unknown
    (the code stays ``service_unavailable``; the doctor tells this case apart by its class)."""


class TLSFailure(ServiceUnavailable):
    """The TLS handshake or certificate check failed."""

    code = Code.TLS_FAILURE


_CLASSES: dict[str, type[RepoConnectError]] = {
    cls.__name__: cls
    for cls in (
        RepoConnectError,
        BadInput,
        BodyTooLarge,
        NotAllowed,
        AuthenticationRefused,
        Conflict,
        Cancelled,
        NotConnected,
        CorruptCondarc,
        FileProblem,
        ServiceUnavailable,
        ServiceTimeout,
        TLSFailure,
    )
}
