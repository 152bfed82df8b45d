"""Every text that enters the core is checked here: type, length, characters, channel entries.

A value that passes can go into a URL, a header, a JSON body, ``.condarc`` or the state file.
Messages never repeat a secret, and quote other values only when they are printable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

from .errors import BadInput, Code, ServiceUnavailable

MAX_TEXT = 1024  # user names, filters, channel entries
MAX_SECRET = 4096  # passwords and tokens
MAX_DOMAIN = 512  # an API domain (a host name is at most 253 characters)
MAX_CHANNELS = 1000  # entries in one list

CHANNEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*(/[A-Za-z0-9][A-Za-z0-9._+-]*)*$")
CHANNEL_SCHEMES = ("http", "https", "file")
# Characters RFC 3986 never allows unescaped in a URL (conda would send them as they are).
_UNSAFE_IN_URL = set('<>"{}|\\^`')
# conda finds a token in a channel URL with /t/([a-zA-Z0-9-]*) (protocols.md: real repository
# tokens are hex or xx-<uuid>); anything else would be cut short or break the URL
REPO_TOKEN = re.compile(r"[A-Za-z0-9-]+")
# an API key or access token is sent in an Authorization header: base64url, JWT dots, padding
HEADER_SECRET = re.compile(r"[A-Za-z0-9._~+/=-]+")
_NAME_RULE = "letters, digits, '.', '_', '-', '+', with '/' between parts"
_URL_RULE = "a full http://, https:// or file:// URL"


def _bad_character(value: str, allowed: str = "") -> str | None:
    """A description of the first character that cannot be stored or sent, else None."""
    for ch in value:
        if ch in allowed:
            continue
        if ch == "\x00":
            return "a NUL character"
        category = unicodedata.category(ch)
        if category == "Cs":
            return "a broken (surrogate) character"
        if category == "Cc":
            return f"a control character (U+{ord(ch):04X})"
    return None


def text(
    value: object,
    what: str,
    *,
    max_len: int = MAX_TEXT,
    secret: bool = False,
    code: Code | None = None,
    whitespace: bool = False,
) -> str:
    """``value`` if it is text of at most ``max_len`` characters without control characters.

    ``None`` is not accepted here; callers that allow it check first. Empty text passes.
    ``code`` replaces the error codes ``too_long`` and ``bad_characters``; ``whitespace``
    lets tabs and line breaks through to the caller's own rule about spaces.
    """
    if not isinstance(value, str):
        raise BadInput(f"The {what} must be text.", code=code or Code.BAD_INPUT)
    if len(value) > max_len:
        raise BadInput(
            f"The {what} is too long ({len(value)} characters; at most {max_len}). "
            f"Check that you pasted the right {what}.",
            code=code or Code.TOO_LONG,
        )
    problem = _bad_character(value, "\t\r\n" if whitespace else "")
    if problem is not None:
        again = "type or paste it again" if secret else "remove it"
        raise BadInput(f"The {what} contains {problem}; {again}.", code=code or Code.BAD_CHARACTERS)
    return value


def optional_text(
    value: object, what: str, *, max_len: int = MAX_TEXT, secret: bool = False
) -> None:
    """Like :func:`text` but ``None`` passes (the caller reports a missing value itself).

    Secrets may hold tabs and line breaks: the sign-in's own rules strip or refuse them.
    """
    if value is not None:
        text(value, what, max_len=max_len, secret=secret, whitespace=secret)


def connect_inputs(
    domain: object = None, username: object = None, password: object = None, token: object = None
) -> None:
    """The values of a sign-in, before anything else looks at them."""
    optional_text(domain, "domain", max_len=MAX_DOMAIN)
    optional_text(username, "user name")
    optional_text(password, "password", max_len=MAX_SECRET, secret=True)
    optional_text(token, "token", max_len=MAX_SECRET, secret=True)


def issued_secret(
    value: object, where: str, what: str = "token", *, repository: bool = True
) -> str:
    """A token (``repository``: one conda puts in ``/t/<TOKEN>/``) or API key a service sent,
    checked before anything stores or sends it: a line break, a space, a ``/`` or 100 KB from
    a server must not reach a token file, a header or ``.condarc``.

    Raises ServiceUnavailable (``bad_response``); the message never repeats the value."""
    rule = REPO_TOKEN if repository else HEADER_SECRET
    if not isinstance(value, str) or not value:
        problem = f"no {what}"
    elif len(value) > MAX_SECRET:
        problem = f"a {what} of {len(value):,} characters (at most {MAX_SECRET:,})"
    elif not rule.fullmatch(value):
        allowed = "letters, digits and '-'" if repository else "letters, digits and . _ ~ + / = -"
        problem = f"a {what} with characters a {what} cannot have (only {allowed})"
    else:
        return value
    raise ServiceUnavailable(
        f"{where} sent {problem}; it was not stored and nothing was changed on this machine. "
        "Check the domain, or ask the server's administrator.",
        code=Code.BAD_RESPONSE,
    )


ISO_EXPIRY = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?"
)


def issued_expiry(value: object) -> str | None:
    """A token's expiry as a service sent it, if it is an ISO 8601 date or time; else None
    (unknown): a server's text is stored in the state and shown, so 100 KB or an escape
    sequence in place of a date must go no further."""
    import datetime as dt

    if not isinstance(value, str) or len(value) > 40 or not ISO_EXPIRY.fullmatch(value):
        return None
    try:
        dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return value


def host_name(host: str, what: str) -> None:
    """A host name that can be looked up (IDNA-encodable, labels of 1-63 characters)."""
    try:
        encoded = host.encode("idna") if not _is_ip(host) else host.encode("ascii")
    except UnicodeError:
        raise BadInput(
            f"The host name in the {what} is not valid (empty or over-long parts, or characters "
            "a host name cannot have).",
            code=Code.INVALID_DOMAIN,
        ) from None
    if len(encoded) > 253:
        raise BadInput(f"The host name in the {what} is too long.", code=Code.INVALID_DOMAIN)


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def channel(entry: object, *, what: str = "channel") -> str:
    """A channel entry that may be written to ``.condarc``: a conda channel name, or an http(s)
    or file URL with a host (file: a path). Returns it without surrounding spaces."""
    if not isinstance(entry, str) or not entry.strip():
        raise BadInput("A channel name is empty; remove it or type a name.", code=Code.BAD_CHANNEL)
    value = text(entry.strip(), what)
    shown = _shown(value)
    if any(ch.isspace() for ch in value):
        raise BadInput(
            f"The {what} {shown} contains spaces; channel names and URLs cannot.",
            code=Code.BAD_CHANNEL,
        )
    if CHANNEL_NAME.match(value):
        return value
    scheme, sep, _ = value.partition(":")
    if not sep or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        raise BadInput(
            f"{shown} is not a valid channel name ({_NAME_RULE}) nor {_URL_RULE}.",
            code=Code.BAD_CHANNEL,
        )
    if scheme.lower() not in CHANNEL_SCHEMES or "://" not in value:
        raise BadInput(
            f"{shown} is not an http(s) channel URL: give a channel name or {_URL_RULE}.",
            code=Code.BAD_CHANNEL,
        )
    if any(ch in _UNSAFE_IN_URL for ch in value):
        raise BadInput(
            f"The channel URL {shown} contains characters a URL cannot have "
            f"({''.join(sorted(_UNSAFE_IN_URL))}).",
            code=Code.BAD_CHANNEL,
        )
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise BadInput(f"{shown} is not a valid URL.", code=Code.BAD_CHANNEL) from None
    if parts.scheme.lower() in ("http", "https"):
        if not parts.hostname:
            raise BadInput(
                f"The channel URL {shown} has no host; give {_URL_RULE} such as "
                "https://repo.example.com/api/repo/main.",
                code=Code.BAD_CHANNEL,
            )
        host_name(parts.hostname, "channel URL")
    elif not parts.path.strip("/"):
        raise BadInput(
            f"The file URL {shown} has no path; give one such as file:///opt/channel.",
            code=Code.BAD_CHANNEL,
        )
    if parts.query or parts.fragment or value.rstrip("/").endswith(("?", "#")):
        # conda appends /<subdir>/repodata.json to a channel URL: a query or fragment would end
        # up inside the path (and under a channel_alias it became a name like "main?x=1")
        raise BadInput(
            f"The channel URL {shown} has a '?' or '#' part; give the channel's own URL without "
            "it.",
            code=Code.BAD_CHANNEL,
        )
    if parts.username is not None or parts.password is not None:
        raise BadInput(
            "A channel URL must not contain a user name or password; sign in instead.",
            code=Code.BAD_CHANNEL,
        )
    if any(seg in ("..", ".") for seg in unquote(parts.path).split("/")):
        raise BadInput(
            f"The channel URL {shown} contains '.' or '..' path parts; give the channel's own URL.",
            code=Code.BAD_CHANNEL,
        )
    return value


def channel_list(values: object, key: str) -> list[str]:
    """A list of channel entries for ``key`` (``channels`` or ``default_channels``)."""
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise BadInput(f"Give {key} as a list of channel names or URLs.", code=Code.BAD_INPUT)
    if len(values) > MAX_CHANNELS:
        raise BadInput(
            f"{key} has {len(values)} entries; at most {MAX_CHANNELS} are allowed.",
            code=Code.TOO_LONG,
        )
    return [channel(v, what=f"channel in {key}") for v in values]


def channel_lists(channels: object = (), default_channels: object = ()) -> None:
    """Both lists of a request that adds channels (``None`` means not given)."""
    for key, values in (("channels", channels), ("default_channels", default_channels)):
        if values is not None:
            channel_list(values, key)


def _shown(value: str) -> str:
    """A value quoted for a message: printable and short."""
    if not value.isprintable():
        return "the entry"
    return repr(value if len(value) <= 80 else value[:77] + "...")
