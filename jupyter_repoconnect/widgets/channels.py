"""ChannelPicker: the connected server's channels, one page at a time, with
"Add to channels" / "Add to default_channels" and "Add channels"."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as w

from ..core import Channel, ChannelPage, CondarcChannels, Connector
from .common import Panel
from .render import added_text, page_range


class ChannelRow(w.HBox):
    """One reusable row; the picker re-labels rows instead of creating widgets per page."""

    def __init__(self, picker: ChannelPicker) -> None:
        self.channel: Channel | None = None
        self.label = w.HTML(layout=w.Layout(width="40%"))
        self.add_to_channels = w.Checkbox(description="Add to channels", indent=False)
        self.add_to_default_channels = w.Checkbox(
            description="Add to default_channels", indent=False
        )
        self.add_to_channels.observe(
            lambda ch: picker._toggle(self, picker.to_channels, ch["new"]), "value"
        )
        self.add_to_default_channels.observe(
            lambda ch: picker._toggle(self, picker.to_default_channels, ch["new"]), "value"
        )
        super().__init__([self.label, self.add_to_channels, self.add_to_default_channels])

    def show(self, channel: Channel | None, picker: ChannelPicker) -> None:
        self.channel = channel
        if channel is None:
            self.layout.display = "none"
            return
        extra = " ".join(escape(x) for x in (channel.privacy, channel.description) if x)
        self.label.value = f"<code>{escape(channel.name)}</code>" + (
            f' <span style="opacity:0.7">{extra}</span>' if extra else ""
        )
        # Setting the values re-records the same selection, so the observers are harmless.
        self.add_to_channels.value = channel.name in picker.to_channels
        self.add_to_default_channels.value = channel.name in picker.to_default_channels
        self.layout.display = None


class ChannelPicker(Panel):
    """Pick channels of the connected Anaconda Server and add them to ``.condarc``.

    Filtering and paging happen on the server; only one page of rows exists at a time and
    the selections survive paging and filtering.
    """

    title = "Anaconda Server channels"

    def __init__(
        self,
        connector: Connector | None = None,
        *,
        q: str = "",
        page_size: int = 25,
        autoload: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(connector, **kwargs)  # worker, background: see Panel
        self.page_size = page_size
        self.page: ChannelPage | None = None
        # Ordered sets (dict keys) of channel names, in the order the user ticked them.
        self.to_channels: dict[str, None] = {}
        self.to_default_channels: dict[str, None] = {}
        self._added: list[Callable[[CondarcChannels], None]] = []
        self._pending_offset: int | None = None

        self.filter = w.Text(
            value=q,
            description="Filter",
            placeholder="part of a channel name",
            continuous_update=False,
        )
        self.filter.observe(lambda _: self.load(0), "value")
        self.rows = [ChannelRow(self) for _ in range(page_size)]
        for row in self.rows:
            row.layout.display = "none"
        self.previous_button = w.Button(description="Previous", icon="arrow-left", disabled=True)
        self.next_button = w.Button(description="Next", icon="arrow-right", disabled=True)
        self.range_label = w.Label("")
        self.selection_label = w.Label("")
        self.add_button = w.Button(description="Add channels", button_style="primary")
        self.previous_button.on_click(lambda _: self.previous_page())
        self.next_button.on_click(lambda _: self.next_page())
        self.add_button.on_click(lambda _: self.add_selected())
        self.children = [
            w.HTML(
                "Select <b>Add to channels</b> or <b>Add to default_channels</b> for each channel, "
                "then click <b>Add channels</b>."
            ),
            w.HBox([self.filter, self.busy]),
            w.VBox(self.rows),
            w.HBox([self.previous_button, self.range_label, self.next_button]),
            w.HBox([self.add_button, self.selection_label]),
            self.message,
        ]
        self._update_selection_label()
        if autoload:
            self.load(0)

    @property
    def _controls(self) -> list[w.Widget]:
        return [self.previous_button, self.next_button, self.add_button]

    def on_added(self, callback: Callable[[CondarcChannels], None]) -> None:
        """Call ``callback(condarc)`` after "Add channels" succeeded."""
        self._added.append(callback)

    # --- paging ---------------------------------------------------------------------
    def load(self, offset: int = 0) -> None:
        """Fetch the page at ``offset`` for the current filter."""
        q, limit = self.filter.value.strip(), self.page_size
        started = self.run(
            "Loading channels…",
            lambda: self.connector.available_channels(q, max(offset, 0), limit),
            self._show_page,
            self._controls,
        )
        # A filter typed while a page loads must not be lost: load again afterwards.
        self._pending_offset = None if started else offset

    def previous_page(self) -> None:
        if self.page is not None:
            self.load(max(self.page.offset - self.page_size, 0))

    def next_page(self) -> None:
        if self.page is not None:
            self.load(self.page.offset + self.page_size)

    def _show_page(self, page: ChannelPage) -> None:
        if self._pending_offset is not None:
            self.load(self._pending_offset)
            return
        self.page = page
        for i, row in enumerate(self.rows):
            row.show(page.items[i] if i < len(page.items) else None, self)
        self.range_label.value = page_range(page.offset, len(page.items), page.total)
        self.previous_button.disabled = page.offset <= 0
        self.next_button.disabled = page.offset + len(page.items) >= page.total
        if not page.items:
            self.message.show(
                f"No channel matches {page.q!r}." if page.q else "This server offers no channels."
            )

    # --- selection ------------------------------------------------------------------
    def _toggle(self, row: ChannelRow, selection: dict[str, None], selected: bool) -> None:
        if row.channel is None:
            return
        if selected:
            selection.setdefault(row.channel.name, None)
        else:
            selection.pop(row.channel.name, None)
        self._update_selection_label()

    def _update_selection_label(self) -> None:
        self.selection_label.value = (
            f"{len(self.to_channels)} selected for channels, "
            f"{len(self.to_default_channels)} for default_channels"
        )

    def select(self, name: str, *, channels: bool = True, default_channels: bool = False) -> None:
        """Tick a channel by name, whether or not it is on the current page."""
        for flag, selection in (
            (channels, self.to_channels),
            (default_channels, self.to_default_channels),
        ):
            if flag:
                selection.setdefault(name, None)
        self._refresh_rows()

    def _refresh_rows(self) -> None:
        for row in self.rows:
            if row.channel is not None:
                row.show(row.channel, self)
        self._update_selection_label()

    # --- "Add channels" -------------------------------------------------------------
    def add_selected(self) -> None:
        channels, defaults = list(self.to_channels), list(self.to_default_channels)
        if not channels and not defaults:
            self.message.error(
                "Select Add to channels or Add to default_channels for at least one channel."
            )
            return

        def add() -> tuple[CondarcChannels, CondarcChannels]:
            before = self.connector.condarc_channels()
            return before, self.connector.add_channels(channels, defaults)

        def done(result: tuple[CondarcChannels, CondarcChannels]) -> None:
            before, after = result
            self._after_add(before, after, channels, defaults)

        self.run("Adding channels…", add, done, self._controls)

    def _after_add(
        self,
        before: CondarcChannels,
        condarc: CondarcChannels,
        channels: list[str],
        defaults: list[str],
    ) -> None:
        self.to_channels.clear()
        self.to_default_channels.clear()
        self._refresh_rows()
        text = added_text(before, condarc, channels, defaults)
        self.message.show(text, "success" if text.startswith("Added") else "info")
        for callback in self._added:
            callback(condarc)
