"""Rich HTML and plain-text views of core results, for frontends with or without widgets.

Each view has ``_repr_html_`` and ``_repr_pretty_`` so IPython shows the best one the
frontend supports. The plain text is the CLI's (:mod:`jupyter_repoconnect.text.render`), with
the magic's commands. Nothing here imports ipywidgets.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..core.models import (
    ChannelPage,
    CondarcChannels,
    Diagnosis,
    Preferences,
    SsoStart,
    Status,
)
from ..text import render as shared
from ..text.render import (  # noqa: F401 - the widgets' names for the shared text helpers
    SIGNED_OUT_NOTE,
    added_text,
    page_range,
    service_title,
    sign_out_text,
    signed_out_note,
)


def status_message(status: Status) -> str | None:
    """The status' own message (e.g. Enterprise 4's "add the channels you need" hint)."""
    return status.message


def changes_message(status: Status) -> str | None:
    """After a sign-in: what it changed in ``.condarc``, in one paragraph (text/render.py)."""
    from ..text.render import changes_lines

    lines = changes_lines(status)
    if not lines:
        return None
    said = "; ".join(line.strip().removeprefix("- ") for line in lines[1:-1])
    return f"{lines[0]} {said}. {lines[-1]}"


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

    def _rows(self) -> list[tuple[str, str]]:
        """(label, HTML) rows; server-sent values are made inert, then escaped."""
        s = self.status
        rows = []
        if s.connected:
            rows.append(("service", escape(service_title(s.service))))
            rows += [(label, escape(value)) for label, value in shared.status_rows(s)]
        rows += [
            ("channels", _list_html(s.channels)),
            ("default_channels", _list_html(s.default_channels)),
            (".condarc", f"<code>{escape(shared.inert(s.condarc_path))}</code>"),
        ]
        return rows

    def headline(self) -> str:
        return shared.status_headline(self.status)

    def _notes(self) -> list[tuple[str, str]]:
        notes = [(w, "warning") for w in self.status.warnings]
        message = status_message(self.status)
        if message:
            notes.insert(0, (message, "info"))
        if self.note:
            notes.append((self.note, "info"))
        return notes

    def text(self) -> str:
        return shared.status_text(self.status, shared.MAGIC, note=self.note)

    def _repr_html_(self) -> str:
        parts = [f"<b>{escape(self.headline())}</b>", _table(self._rows())]
        for note, kind in self._notes():
            color = "var(--jp-warn-color0, #b45f06)" if kind == "warning" else "inherit"
            parts.append(_note_html(note, color))
        return f'<div class="repoconnect-status">{"".join(parts)}</div>'


class CondarcView(_View):
    """Both channel lists of the user's ``.condarc``."""

    def __init__(self, condarc: CondarcChannels, note: str | None = None) -> None:
        self.condarc = condarc
        self.note = note

    def text(self) -> str:
        return shared.lists_text(self.condarc, note=self.note)

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
        return shared.page_text(self.page, shared.MAGIC)

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

    def text(self) -> str:
        return shared.preferences_text(self.prefs, self.note)

    def _repr_html_(self) -> str:
        note = _note_html(self.note) if self.note else ""
        rows = [(k, escape(v)) for k, v in shared.preferences_rows(self.prefs)]
        return f"<div>{_table(rows)}{note}</div>"


class DiagnosisView(_View):
    """The doctor's findings."""

    def __init__(self, diagnosis: Diagnosis) -> None:
        self.diagnosis = diagnosis

    def headline(self) -> str:
        return shared.diagnosis_headline(self.diagnosis)

    def text(self) -> str:
        return shared.diagnosis_text(self.diagnosis)

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


class SsoLinkView(_View):
    """A started single sign-on: the link to open, and what to do if its page cannot load."""

    def __init__(self, start: SsoStart) -> None:
        from ..core.links import link_host, openable_link

        openable_link(start.authorization_url, "The server")  # https, or http on loopback
        self.start = start
        self.host = link_host(start.authorization_url)

    def text(self) -> str:
        return (
            f"Open this link and sign in (a page of {shared.inert(self.host)}): "
            f"{shared.inert(self.start.authorization_url)}\n{shared.PASTE_HINT}"
        )

    def _repr_html_(self) -> str:
        link = escape(self.start.authorization_url, quote=True)
        return (
            f'<div><a href="{link}" target="_blank" rel="noopener noreferrer">'
            f"<b>Open the single sign-on page</b></a> of <b>{escape(self.host)}</b> (a new tab) "
            "and sign in."
            f"{_note_html(shared.PASTE_HINT)}</div>"
        )
