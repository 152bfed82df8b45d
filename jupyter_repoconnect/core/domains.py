"""Validation of the API domains a user types ("Set Domain")."""

from __future__ import annotations

from urllib.parse import urlsplit

from . import validate
from .errors import BadInput, Code

RULE = "The domain must be a full URL starting with http:// or https://, without a trailing slash"
EXAMPLE = "for example https://anaconda.example.com"


def validate_domain(value: object, *, what: str = "domain") -> str:
    """Return ``value`` if it is a full http(s) URL without a trailing slash; else BadInput."""
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"Please enter the {what}. {RULE} ({EXAMPLE}).", code=Code.INVALID_DOMAIN)
    validate.text(value, what, max_len=validate.MAX_DOMAIN, code=Code.INVALID_DOMAIN)
    if value != value.strip() or any(c.isspace() for c in value):
        raise BadInput(f"The {what} contains spaces. {RULE} ({EXAMPLE}).", code=Code.INVALID_DOMAIN)
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise BadInput(
            f"'{value}' is not a valid URL. {RULE} ({EXAMPLE}).", code=Code.INVALID_DOMAIN
        ) from None
    if parts.scheme not in ("http", "https") or "://" not in value:
        raise BadInput(
            f"'{_shown(value)}' has no http:// or https:// scheme. {RULE} ({EXAMPLE}).",
            code=Code.INVALID_DOMAIN,
        )
    if not parts.hostname:
        raise BadInput(
            f"'{_shown(value)}' has no host name. {RULE} ({EXAMPLE}).", code=Code.INVALID_DOMAIN
        )
    validate.host_name(parts.hostname, what)
    if parts.username or parts.password:
        raise BadInput(
            f"The {what} must not contain a user name or password. {RULE}.",
            code=Code.INVALID_DOMAIN,
        )
    if parts.query or parts.fragment:
        raise BadInput(
            f"The {what} must not contain '?' or '#'. {RULE} ({EXAMPLE}).", code=Code.INVALID_DOMAIN
        )
    if value.endswith("/"):
        raise BadInput(
            f"Remove the trailing slash: {value.rstrip('/')}. {RULE}.", code=Code.INVALID_DOMAIN
        )
    if "/t/" in parts.path + "/":
        raise BadInput(
            f"The {what} must not contain a token (/t/...). {RULE}.", code=Code.INVALID_DOMAIN
        )
    return value


def _shown(value: str) -> str:
    return value if len(value) <= 80 else value[:77] + "..."
