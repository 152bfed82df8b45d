"""The one error hierarchy every surface maps: a stable ``code`` and a human ``message``.

Messages never contain a token or a password; adapters show them as they are.
"""

from __future__ import annotations


class RepoConnectError(Exception):
    """Base of every error the core raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class BadInput(RepoConnectError):
    """The user gave something we cannot use (a malformed domain, an empty token...)."""

    code = "bad_input"


class NotAllowed(RepoConnectError):
    """The administrator's settings forbid this (service not allowed, domain locked)."""

    code = "not_allowed"


class AuthenticationRefused(RepoConnectError):
    """The service refused the credentials or the token."""

    code = "auth_refused"


class Conflict(RepoConnectError):
    """The request clashes with the current state (already connected, file changed...)."""

    code = "conflict"


class NotConnected(Conflict):
    """An operation that needs a connection was asked for while signed out."""

    code = "not_connected"


class CorruptCondarc(RepoConnectError):
    """The user's ``.condarc`` cannot be parsed; it is never overwritten."""

    code = "corrupt_condarc"


class FileProblem(RepoConnectError):
    """A file or folder we must read or write is unusable (a folder, a FIFO, unreadable...)."""

    code = "file_problem"


class ServiceUnavailable(RepoConnectError):
    """The repository could not be reached or answered with something unusable."""

    code = "service_unavailable"


class ServiceTimeout(ServiceUnavailable):
    """The repository did not answer in time."""

    code = "service_timeout"


class TLSFailure(ServiceUnavailable):
    """The TLS handshake or certificate check failed."""

    code = "tls_failure"
