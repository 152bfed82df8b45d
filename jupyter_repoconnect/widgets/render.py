"""Rich HTML and plain-text views of core results, for frontends with or without widgets.

Each view has ``_repr_html_`` and ``_repr_pretty_`` so IPython shows the best one the
frontend supports. Nothing here imports ipywidgets.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..core.models import (
    ChannelPage,
    CondarcChannels,
    Diagnosis,
    Preferences,
    Status,
)

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
        warnings = " ".join(f"Warning: {w}" for w in after.warnings)
        return f"Signed out, with warnings. {note} {warnings}", "warning"
    return f"Signed out. {note}", "success"


def added_text(
    before: CondarcChannels,
    after: CondarcChannels,
    channels: list[str] | tuple[str, ...],
    default_channels: list[str] | tuple[str, ...],
) -> str:
    """What "Add channels" wrote: counts only entries that are new, else "already in"."""
    parts = []
    for key in ("channels", "default_channels"):
        old = getattr(before, key) or []
        n = len([e for e in (getattr(after, key) or []) if e not in old])
        if n:
            parts.append(f"{n} to {key}")
    if parts:
        return f"Added {' and '.join(parts)} in {after.path}."
    names = ", ".join([*channels, *default_channels])
    where = "channels" if channels else "default_channels"
    verb = "is" if len([*channels, *default_channels]) == 1 else "are"
    return f"{names} {verb} already in {where}; nothing was written."


def service_title(service: str | None) -> str:
    from ..core.services import registry

    found = registry.find(service)
    return found.title if found else service or ""


def status_message(status: Status) -> str | None:
    """The status' own message (e.g. Enterprise 4's "add the channels you need" hint)."""
    return status.message


def _list_text(items: list[str] | None) -> str:
    if items is None:
        return "(not set)"
    return ", ".join(items) if items else "(empty)"


def _list_html(items: list[str] | None) -> str:
    if items is None:
        return "<i>(not set)</i>"
    if not items:
        return "<i>(empty)</i>"
    return "<br>".join(f"<code>{escape(item)}</code>" for item in items)


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(
        f'<tr><th style="text-align:left;padding-right:1em">{escape(k)}</th>'
        f'<td style="text-align:left">{v}</td></tr>'
        for k, v in rows
    )
    return f"<table>{body}</table>"


def _note_html(text: str, color: str = "inherit") -> str:
    return f'<p style="color:{color}">{escape(text)}</p>'


class _View:
    """Base: plain text is the canonical form; HTML is built separately."""

    def text(self) -> str:
        raise NotImplementedError

    def _repr_html_(self) -> str:
        raise NotImplementedError

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.text())

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return self.text()


class StatusView(_View):
    """The connection status."""

    def __init__(self, status: Status, note: str | None = None) -> None:
        self.status = status
        self.note = note

    def _rows(self) -> list[tuple[str, str, str]]:
        s = self.status
        rows = []
        if s.connected:
            rows += [
                ("service", service_title(s.service), escape(service_title(s.service))),
                ("domain", s.domain or "-", escape(s.domain or "-")),
                ("user", s.username or "-", escape(s.username or "-")),
            ]
            if s.source == "cli":
                rows.append(("signed in from", "a command line", "a command line"))
        rows += [
            ("channels", _list_text(s.channels), _list_html(s.channels)),
            ("default_channels", _list_text(s.default_channels), _list_html(s.default_channels)),
            (".condarc", s.condarc_path, f"<code>{escape(s.condarc_path)}</code>"),
        ]
        return rows

    def headline(self) -> str:
        s = self.status
        if s.connected:
            return f"Signed in to {service_title(s.service)}"
        return "Not signed in to a repository"

    def _notes(self) -> list[tuple[str, str]]:
        notes = [(w, "warning") for w in self.status.warnings]
        message = status_message(self.status)
        if message:
            notes.insert(0, (message, "info"))
        if self.note:
            notes.append((self.note, "info"))
        return notes

    def text(self) -> str:
        lines = [self.headline()]
        lines += [f"  {k + ':':<18} {v}" for k, v, _ in self._rows()]
        for text, kind in self._notes():
            lines.append(("Warning: " if kind == "warning" else "") + text)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [f"<b>{escape(self.headline())}</b>", _table([(k, h) for k, _, h in self._rows()])]
        for text, kind in self._notes():
            parts.append(
                _note_html(
                    text, "var(--jp-warn-color0, #b45f06)" if kind == "warning" else "inherit"
                )
            )
        return f'<div class="repoconnect-status">{"".join(parts)}</div>'


class CondarcView(_View):
    """Both channel lists of the user's ``.condarc``."""

    def __init__(self, condarc: CondarcChannels, note: str | None = None) -> None:
        self.condarc = condarc
        self.note = note

    def text(self) -> str:
        c = self.condarc
        lines = [f"{c.path}{'' if c.exists else ' (does not exist yet)'}"]
        for key, items in (("channels", c.channels), ("default_channels", c.default_channels)):
            if items is None:
                lines.append(f"{key}: (not set)")
            else:
                lines.append(f"{key}:" + ("" if items else " []"))
                lines += [f"  - {item}" for item in items]
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        c = self.condarc
        rows = [
            ("channels", _list_html(c.channels)),
            ("default_channels", _list_html(c.default_channels)),
        ]
        head = f"<code>{escape(c.path)}</code>" + (
            "" if c.exists else " <i>(does not exist yet)</i>"
        )
        note = _note_html(self.note) if self.note else ""
        return f"<div>{head}{_table(rows)}{note}</div>"


class ChannelPageView(_View):
    """One page of the channels the connected server offers."""

    def __init__(self, page: ChannelPage) -> None:
        self.page = page

    def range_text(self) -> str:
        return page_range(self.page.offset, len(self.page.items), self.page.total)

    def text(self) -> str:
        p = self.page
        head = f"Channels {self.range_text()}" + (f" matching {p.q!r}" if p.q else "")
        lines = [head]
        for ch in p.items:
            extra = " ".join(x for x in (ch.privacy and f"[{ch.privacy}]", ch.description) if x)
            lines.append(f"  {ch.name}" + (f"  {extra}" if extra else ""))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td><code>{escape(ch.name)}</code></td><td>{escape(ch.privacy or '')}</td>"
            f"<td>{escape(ch.description or '')}</td></tr>"
            for ch in self.page.items
        )
        return f"<div><b>Channels {escape(self.range_text())}</b><table>{rows}</table></div>"


class PreferencesView(_View):
    """The remembered API domains."""

    def __init__(self, prefs: Preferences, note: str | None = None) -> None:
        self.prefs = prefs
        self.note = note

    def _rows(self) -> list[tuple[str, str]]:
        p = self.prefs
        domains = [
            (s["domain_label"] or s["title"], p.domains.get(s["id"]) or "(not set)")
            for s in p.services
            if s["needs_domain"]
        ]
        return [
            *domains,
            (
                "Domains may be changed",
                "yes" if p.allow_domain_change else "no (set by the administrator)",
            ),
            ("Allowed services", ", ".join(p.allowed_services)),
        ]

    def text(self) -> str:
        lines = [f"{k}: {v}" for k, v in self._rows()]
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        note = _note_html(self.note) if self.note else ""
        return f"<div>{_table([(k, escape(v)) for k, v in self._rows()])}{note}</div>"


class DiagnosisView(_View):
    """The doctor's findings."""

    def __init__(self, diagnosis: Diagnosis) -> None:
        self.diagnosis = diagnosis

    def headline(self) -> str:
        if self.diagnosis.ok:
            return "Everything looks fine."
        return "Some checks failed:"

    def text(self) -> str:
        lines = [self.headline()]
        for f in self.diagnosis.findings:
            lines.append(f"  [{'ok' if f.ok else 'FAIL'}] {f.check}: {f.message}")
            if f.hint and not f.ok:
                lines.append(f"         hint: {f.hint}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        items = []
        for f in self.diagnosis.findings:
            mark = "&#10004;" if f.ok else "&#10008;"
            color = (
                "var(--jp-success-color1, #388e3c)" if f.ok else "var(--jp-error-color1, #d32f2f)"
            )
            hint = f"<br><i>{escape(f.hint)}</i>" if f.hint and not f.ok else ""
            items.append(
                f'<li><span style="color:{color}">{mark}</span> <b>{escape(f.check)}</b>: '
                f"{escape(f.message)}{hint}</li>"
            )
        return f"<div><b>{escape(self.headline())}</b><ul>{''.join(items)}</ul></div>"


def page_range(offset: int, count: int, total: int) -> str:
    """``"x–y of N"`` for a page of ``count`` rows starting at ``offset``."""
    if count == 0:
        return f"0 of {total}"
    return f"{offset + 1}\u2013{offset + count} of {total}"
