"""One member of a JSON credential file (rattler's, mamba's), added and taken out again so that
the rest of a user's file stays byte for byte as it was.

A member is inserted as text right after the object's opening brace and removed as that same
text; only when the file was rewritten meanwhile (by pixi or micromamba) is it re-serialised.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..cache import FILES
from ..errors import FileProblem
from ..files import atomic_write, read_bytes, unlink

SECRET_MODE = 0o600


def _member(key: str, value: Any) -> str:
    return f"\n  {json.dumps(key)}: {json.dumps(value)}"


def _created(key: str, value: Any) -> str:
    """The whole file when it did not exist before."""
    return "{" + _member(key, value) + "\n}\n"


def _parse(raw: bytes | None) -> dict[str, Any] | None:
    """The file's object; None when absent, not JSON or not an object."""
    if raw is None:
        return None
    try:
        value = json.loads(raw.decode("utf-8"))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def members(path: Path) -> dict[str, Any]:
    """The file's members ({} when absent or unreadable); cheap while the file is unchanged."""
    try:
        return FILES.get(path, _parse) or {}
    except FileProblem:
        return {}


def _load(path: Path, what: str) -> tuple[str | None, dict[str, Any]]:
    raw = read_bytes(path)
    if raw is None:
        return None, {}
    found = _parse(raw)
    if found is None:
        raise FileProblem(
            f"{path} ({what}) is not a JSON object, so it was not changed; the sign-in "
            "was not made."
        )
    return raw.decode("utf-8"), found


def put(path: Path, key: str, value: Any, what: str) -> None:
    """Set ``key`` to ``value`` in the JSON object at ``path`` (created if absent), mode 0600."""
    text, found = _load(path, what)
    if text is None:
        new = _created(key, value)
    elif found.get(key) == value:
        new = text
    elif key in found:  # replaced: the file is re-serialised in the compact form rattler writes
        new = json.dumps({**found, key: value}, separators=(",", ":"))
    else:
        brace = text.index("{") + 1
        new = text[:brace] + _member(key, value) + ("," if found else "") + text[brace:]
    atomic_write(path, new.encode("utf-8"), mode=SECRET_MODE)


def drop(path: Path, key: str, value: Any) -> bool:
    """Take ``key`` out where it still holds ``value``; the file goes when nothing else is
    left in it. True when something was removed."""
    raw = read_bytes(path)
    found = _parse(raw)
    if raw is None or found is None or found.get(key) != value:
        return False
    text = raw.decode("utf-8")
    if text == _created(key, value):
        unlink(path)
        return True
    ours = _member(key, value) + ("," if len(found) > 1 else "")
    at = text.find(ours)
    rest = {k: v for k, v in found.items() if k != key}
    if at >= 0 and _parse((text[:at] + text[at + len(ours) :]).encode()) == rest:
        new = text[:at] + text[at + len(ours) :]
    else:  # the file was rewritten since: keep its other members, in rattler's form
        new = json.dumps(rest, separators=(",", ":"))
    atomic_write(path, new.encode("utf-8"))
    return True
