"""What the commands print: Status, channel lists and pages, diagnosis, as text or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .context import PROG

if TYPE_CHECKING:
    from ..core import ChannelPage, CondarcChannels, Diagnosis, Status


def print_json(obj: Any) -> None:
    import json

    print(json.dumps(obj, indent=2))


def service_title(service: str | None) -> str:
    from ..core.services import registry

    found = registry.find(service)
    return found.title if found else service or ""


def _format_list(
    values: list[str] | None, *, numbered: bool = False, keep: Any = None
) -> list[str]:
    if values is None:
        return ["  (not set: conda uses its built-in defaults)"]
    if not values:
        return ["  (empty)"]
    lines = []
    for i, value in enumerate(values, 1):
        if keep is not None and not keep(value):
            continue
        lines.append(f"  {i}. {value}" if numbered else f"  - {value}")
    return lines or ["  (no match)"]


def print_lists(lists: CondarcChannels, text_filter: str = "") -> None:
    note = "" if lists.exists else " (does not exist yet)"
    print(f".condarc: {lists.path}{note}")
    needle = text_filter.lower()
    keep = (lambda v: needle in v.lower()) if needle else None
    print("channels:")
    print("\n".join(_format_list(lists.channels, numbered=True, keep=keep)))
    print("default_channels:")
    print("\n".join(_format_list(lists.default_channels, numbered=True, keep=keep)))


def print_status(st: Status) -> None:
    if st.connected:
        print(f"Connected to {service_title(st.service)}")
        if st.domain:
            print(f"  domain:   {st.domain}")
        if st.username:
            print(f"  username: {st.username}")
        origin = "a command line (anaconda-client / token tool)" if st.source == "cli" else PROG
        print(f"  signed in from: {origin}")
    else:
        print("Not connected to a repository service.")
    print(f".condarc: {st.condarc_path}")
    print("channels:")
    print("\n".join(_format_list(st.channels)))
    print("default_channels:")
    print("\n".join(_format_list(st.default_channels)))
    if st.message:
        print(st.message)
    for warning in st.warnings:
        print(f"Warning: {warning}")
    if st.connected:
        print(f"Sign out with: {PROG} logout")
    else:
        print(f"Login with: {PROG} login cloud|server|enterprise")


def print_signed_in(st: Status) -> None:
    """The summary after a sign-in (``login``, ``account token install``)."""
    who = f" as {st.username}" if st.username else ""
    where = f" at {st.domain}" if st.domain else ""
    print(f"Signed in to {service_title(st.service)}{where}{who}.")
    if st.message:
        print(st.message)
    for warning in st.warnings:
        print(f"Warning: {warning}")
    if (st.capabilities or {}).get("lists_channels"):
        print(
            f"Pick channels with: {PROG} channels --available, then "
            f"{PROG} channels add NAME... [--to default_channels]"
        )


def print_available(page: ChannelPage, text_filter: str) -> None:
    """One page of the channels the server offers, as a table with the next steps."""
    if not page.items:
        print("No channels available" + (f" matching {text_filter!r}." if text_filter else "."))
        return
    first, last = page.offset + 1, page.offset + len(page.items)
    print(
        f"Channels available {first}-{last} of {page.total}"
        + (f" matching {text_filter!r}:" if text_filter else ":")
    )
    width = max(len(ch.name) for ch in page.items)
    privacy = max(len(ch.privacy or "") for ch in page.items)
    for ch in page.items:
        line = f"  {ch.name:<{width}}  {ch.privacy or '':<{privacy}}  {ch.description or ''}"
        print(line.rstrip())
    if last < page.total:
        print(f"More: {PROG} channels --available --offset {last}")
    print(f"Add with: {PROG} channels add NAME... [--to default_channels]")


def print_diagnosis(diagnosis: Diagnosis) -> None:
    """One ``[ok]``/``[FAIL]`` line per finding, with the hint under each failure."""
    for finding in diagnosis.findings:
        print(f"[{'ok' if finding.ok else 'FAIL'}] {finding.check}: {finding.message}")
        if finding.hint and not finding.ok:
            print(f"       {finding.hint}")
    if diagnosis.ok:
        print("No problems found.")
