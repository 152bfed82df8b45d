"""The text of every result, for both text surfaces (``jupyter repoconnect`` and
``%repo_connect``): status, channel lists and pages, the doctor, the domains, sign-in and
sign-out summaries.

Every value a server sent (channel names and descriptions, user and organisation names, the
single sign-on provider's messages) goes through :func:`inert` before it is shown, so an
escape sequence in it cannot move the cursor, recolour or retitle a terminal.
"""

from __future__ import annotations

import datetime as dt
import shlex
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.models import ChannelPage, CondarcChannels, Diagnosis, Preferences, Status


@dataclass(frozen=True)
class Surface:
    """How a user types commands on a text surface."""

    prog: str  # "jupyter repoconnect", "%repo_connect"
    login: str  # what precedes a service's id to sign in to it
    available: str  # the command that lists the server's channels
    more: str | None  # the option that asks for the next page, if the surface has one


CLI = Surface(
    "jupyter repoconnect",
    "jupyter repoconnect login",
    "jupyter repoconnect channels --available",
    "--offset",
)
MAGIC = Surface("%repo_connect", "%repo_connect", "%repo_connect channels", None)


# The one sentence every surface says where an address may have to be pasted.
PASTE_HINT = (
    'If the browser shows "cannot connect to localhost" after you signed in (it runs on '
    "another machine), copy that page's address and paste it here."
)


# --- making text inert ------------------------------------------------------------------


def inert(text: object) -> str:
    """``text`` with every control, format (bidi) and unassigned character shown as an escape
    (``\\x1b``, ``\\u202e``), so that nothing in it acts on a terminal. Tabs become a space;
    a line break inside one value is shown as ``\\x0a`` too (one value stays one line)."""
    value = "" if text is None else str(text)
    if value.isprintable():  # the usual case: nothing to do
        return value
    out = []
    for char in value:
        if char.isprintable():
            out.append(char)
        elif char == "\t":
            out.append(" ")
        elif unicodedata.category(char) == "Zs":  # odd spaces are harmless
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)


def inert_lines(text: object) -> str:
    """Like :func:`inert` for a message of several lines: its own line breaks are kept."""
    return "\n".join(inert(line) for line in str(text or "").split("\n"))


# --- words ------------------------------------------------------------------------------


def service_title(service: str | None) -> str:
    from ..core.services import registry

    found = registry.find(service)
    return found.title if found else inert(service or "")


def package_manager_titles(ids: Iterable[str]) -> list[str]:
    """The titles of core/sinks/ ids ("pixi and rattler"), in the status' order."""
    from ..core.sinks import registry

    titles = {sink.id: sink.title for sink in registry.all_sinks()}
    return [titles.get(i, inert(i)) for i in ids]


def expiry_text(expires_at: str | None, today: dt.date | None = None) -> str | None:
    """``"4 March 2027 (in 90 days)"``, ``"… (expired)"``; None when the service said nothing."""
    from ..core.dates import human_date

    if not expires_at:
        return None
    try:
        day = dt.date.fromisoformat(expires_at[:10])
    except ValueError:
        return inert(expires_at)
    shown = human_date(day)
    left = (day - (today or dt.date.today())).days
    if left < 0:
        return f"{shown} (expired)"
    if left == 0:
        return f"{shown} (today)"
    return f"{shown} (in {left} day{'s' if left != 1 else ''})"


def page_range(offset: int, count: int, total: int) -> str:
    """``"x–y of N"`` for a page of ``count`` rows starting at ``offset``."""
    if count == 0:
        return f"0 of {total}"
    return f"{offset + 1}\u2013{offset + count} of {total}"


# --- status -----------------------------------------------------------------------------


def status_headline(st: Status) -> str:
    if st.connected:
        return f"Signed in to {service_title(st.service)}"
    return "Not signed in to a repository"


def status_rows(st: Status) -> list[tuple[str, str]]:
    """(label, value) rows of a connected status, values inert."""
    if not st.connected:
        return []
    rows = [("domain", inert(st.domain or "-")), ("user", inert(st.username or "-"))]
    if st.source == "cli":
        rows.append(("signed in from", "a command line (anaconda-client / token tool)"))
    expiry = expiry_text(st.expires_at)
    if expiry:
        rows.append(("token expires", expiry))
    managers = package_manager_titles(st.package_managers)
    rows.append(("also connected", ", ".join(managers) if managers else "conda only"))
    return rows


def _list_lines(
    values: list[str] | None, *, numbered: bool = False, keep: Callable[[str], bool] | None = None
) -> list[str]:
    if values is None:
        return ["  (not set: conda uses its built-in defaults)"]
    if not values:
        return ["  (empty)"]
    lines = []
    for i, value in enumerate(values, 1):
        if keep is not None and not keep(value):
            continue
        lines.append(f"  {i}. {inert(value)}" if numbered else f"  - {inert(value)}")
    return lines or ["  (no match)"]


def status_text(st: Status, surface: Surface, *, note: str | None = None) -> str:
    """The whole status, with the next step."""
    lines = [status_headline(st)]
    lines += [f"  {label + ':':<17} {value}" for label, value in status_rows(st)]
    lines.append(f".condarc: {inert(st.condarc_path)}")
    lines.append("channels:")
    lines += _list_lines(st.channels)
    lines.append("default_channels:")
    lines += _list_lines(st.default_channels)
    if st.message:
        lines.append(inert_lines(st.message))
    lines += [f"Warning: {inert_lines(w)}" for w in st.warnings]
    if note:
        lines.append(inert_lines(note))
    elif st.connected:
        lines.append(f"Sign out with: {surface.prog} logout")
    else:
        from ..core.services import registry

        ids = "|".join(registry.ids())
        lines.append(f"Sign in with: {surface.login} {ids}")
    return "\n".join(lines)


def changes_lines(st: Status) -> list[str]:
    """What a sign-in changed in ``.condarc`` (core/changes.py), and that it comes back."""
    if not st.changes:
        return []
    from ..core.changes import RESTORED

    return ["Changed in .condarc:", *[f"  - {inert(c.text)}" for c in st.changes], RESTORED]


def signed_in_text(st: Status, surface: Surface) -> str:
    """The summary after a sign-in (login, an installed organisation token, single sign-on)."""
    who = f" as {inert(st.username)}" if st.username else ""
    where = f" at {inert(st.domain)}" if st.domain else ""
    lines = [f"Signed in to {service_title(st.service)}{where}{who}."]
    lines += changes_lines(st)
    expiry = expiry_text(st.expires_at)
    if expiry:
        lines.append(f"The token expires {expiry}.")
    managers = package_manager_titles(st.package_managers)
    if managers:
        lines.append(f"Also connected: {', '.join(managers)}.")
    if st.message:
        lines.append(inert_lines(st.message))
    lines += [f"Warning: {inert_lines(w)}" for w in st.warnings]
    if (st.capabilities or {}).get("lists_channels"):
        lines.append(
            f"Pick channels with: {surface.available}, then "
            f"{surface.prog} channels add NAME... [--to default_channels]"
        )
    return "\n".join(lines)


# What sign-out does to .condarc when nothing said otherwise: a session made here restores the
# copy saved before the sign-in (the status' sign_out_note says so, and what a command-line
# session's sign-out does).
SIGNED_OUT_NOTE = ".condarc is back to how it was before the sign-in."


def signed_out_note(before: Status | None) -> str:
    """What signing out did to ``.condarc``, from the status just before it."""
    return (before.sign_out_note if before is not None else None) or SIGNED_OUT_NOTE


def sign_out_text(before: Status | None, after: Status) -> tuple[str, str]:
    """(message, kind) after a sign-out: never a bare "Signed out." when warnings exist."""
    note = signed_out_note(before)
    if after.warnings:
        warnings = " ".join(f"Warning: {inert(w)}" for w in after.warnings)
        return f"Signed out, with warnings. {note} {warnings}", "warning"
    return f"Signed out. {note}", "success"


# --- channels ---------------------------------------------------------------------------


def lists_text(lists: CondarcChannels, text_filter: str = "", note: str | None = None) -> str:
    """Both channel lists of ``.condarc``, numbered (``text_filter``: only matching ones)."""
    lines = [f".condarc: {inert(lists.path)}{'' if lists.exists else ' (does not exist yet)'}"]
    needle = text_filter.lower()
    keep = (lambda v: needle in v.lower()) if needle else None
    lines.append("channels:")
    lines += _list_lines(lists.channels, numbered=True, keep=keep)
    lines.append("default_channels:")
    lines += _list_lines(lists.default_channels, numbered=True, keep=keep)
    if note:
        lines.append(inert_lines(note))
    return "\n".join(lines)


def added_text(
    before: CondarcChannels,
    after: CondarcChannels,
    channels: list[str] | tuple[str, ...],
    default_channels: list[str] | tuple[str, ...],
) -> str:
    """What "Add channels" wrote, every new entry named (one written for the user too, with
    why), else "already in"."""
    asked = [*channels, *default_channels]
    parts = []
    for key in ("channels", "default_channels"):
        old = getattr(before, key) or []
        added = [e for e in (getattr(after, key) or []) if e not in old]
        picked = [inert(e) for e in added if e in asked]
        automatic = [inert(e) for e in added if e not in asked]
        named = [", ".join(picked)] if picked else []
        if automatic:
            named.append(f"{', '.join(automatic)}, {why_automatic(automatic)}")
        if added:
            n = len(added)
            parts.append(f"{n} channel{'' if n == 1 else 's'} to {key} ({'; '.join(named)})")
    if parts:
        return f"Added {' and '.join(parts)} in {inert(after.path)}."
    names = ", ".join(inert(n) for n in [*channels, *default_channels])
    where = "channels" if channels else "default_channels"
    verb = "is" if len([*channels, *default_channels]) == 1 else "are"
    return f"{names} {verb} already in {where}; nothing was written."


def why_automatic(entries: list[str]) -> str:
    """Why "Add channels" wrote entries nobody picked (Connector.add_channels)."""
    if "defaults" in entries:
        return "added for you: conda reads default_channels only through defaults in channels"
    return "added for you"


def page_text(page: ChannelPage, surface: Surface) -> str:
    """One page of the channels the server offers, as a table with the next steps."""
    text_filter = inert(page.q)
    matching = f" matching {text_filter!r}" if page.q else ""
    if not page.items:
        return f"No channels available{matching}."
    last = page.offset + len(page.items)
    shown = page_range(page.offset, len(page.items), page.total)
    lines = [f"Channels available {shown}{matching}:"]
    rows = [(inert(c.name), inert(c.privacy or ""), inert(c.description or "")) for c in page.items]
    width = max(len(name) for name, _, _ in rows)
    privacy = max(len(p) for _, p, _ in rows)
    lines += [f"  {n:<{width}}  {p:<{privacy}}  {d}".rstrip() for n, p, d in rows]
    if last < page.total and surface.more:
        keep = f" --filter {shlex.quote(inert(page.q))}" if page.q else ""  # the same listing
        keep += f" --limit {page.limit}"
        lines.append(f"More: {surface.available}{keep} {surface.more} {last}")
    lines.append(f"Add with: {surface.prog} channels add NAME... [--to default_channels]")
    return "\n".join(lines)


# --- the doctor and the domains -----------------------------------------------------------


def diagnosis_headline(diagnosis: Diagnosis) -> str:
    return "Everything looks fine." if diagnosis.ok else "Some checks failed:"


def diagnosis_text(diagnosis: Diagnosis) -> str:
    """A headline, then one ``[ok]``/``[FAIL]`` line per finding with the hint under a failure."""
    lines = [diagnosis_headline(diagnosis)]
    for f in diagnosis.findings:
        lines.append(f"  [{'ok' if f.ok else 'FAIL'}] {inert(f.check)}: {inert_lines(f.message)}")
        if f.hint and not f.ok:
            lines.append(f"         hint: {inert_lines(f.hint)}")
    return "\n".join(lines)


def preferences_rows(prefs: Preferences) -> list[tuple[str, str]]:
    domains = [
        (s["domain_label"] or s["title"], inert(prefs.domains.get(s["id"]) or "(not set)"))
        for s in prefs.services
        if s["needs_domain"]
    ]
    return [
        *domains,
        (
            "Domains may be changed",
            "yes" if prefs.allow_domain_change else "no (set by the administrator)",
        ),
        ("Allowed services", ", ".join(prefs.allowed_services)),
    ]


def preferences_text(prefs: Preferences, note: str | None = None) -> str:
    lines = [f"{k}: {v}" for k, v in preferences_rows(prefs)]
    if note:
        lines.append(inert_lines(note))
    return "\n".join(lines)
