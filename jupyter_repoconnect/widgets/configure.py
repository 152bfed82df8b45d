"""ConfigureCondaPanel: edit the ``channels`` and ``default_channels`` lists of ``.condarc``.

Edits are a draft until "Save", which replaces the lists in one guarded write: if the file
changed on disk since it was read, nothing is written and the user is told to reload.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w

from ..core import CondarcChannels, Conflict, Connector
from ..core.errors import Code
from .common import Fence, Panel, SubmitButton, Text, error_text

LISTS = ("channels", "default_channels")
DEFAULTS_WARNING = (
    "Anaconda recommends against deleting defaults: without it conda no longer searches "
    "the default channels."
)
CONFLICT_MESSAGE = (
    "The .condarc file changed on disk since it was loaded, so nothing was saved. "
    "Click Reload to see the current lists, then make your changes again."
)

_SMALL = {"width": "2.6em"}


class EntryRow(w.HBox):
    """One channel of a list with up, down and remove buttons."""

    def __init__(self, panel: ConfigureCondaPanel, list_name: str, index: int, name: str) -> None:
        self.name, self.list_name = name, list_name
        self.up_button = w.Button(icon="arrow-up", tooltip="Move up", layout=w.Layout(**_SMALL))
        self.down_button = w.Button(
            icon="arrow-down", tooltip="Move down", layout=w.Layout(**_SMALL)
        )
        self.remove_button = w.Button(description="Remove", tooltip=f"Remove from {list_name}")
        items = panel.draft[list_name] or []
        self.up_button.disabled = index == 0
        self.down_button.disabled = index == len(items) - 1
        self.up_button.on_click(lambda _: panel.move(list_name, index, -1))
        self.down_button.on_click(lambda _: panel.move(list_name, index, +1))
        self.remove_button.on_click(lambda _: panel.remove(list_name, index))
        label = w.HTML(f"<code>{escape(name)}</code>", layout=w.Layout(width="60%"))
        super().__init__([label, self.up_button, self.down_button, self.remove_button])


class ConfigureCondaPanel(Panel):
    """ "Configure Conda": remove and reorder channels, then "Save"."""

    title = "Configure Conda"

    def __init__(
        self,
        connector: Connector | None = None,
        *,
        autoload: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(connector, **kwargs)  # worker, background: see Panel
        self.loaded: CondarcChannels | None = None
        self.draft: dict[str, list[str] | None] = {"channels": [], "default_channels": None}
        self.rows: dict[str, list[EntryRow]] = {name: [] for name in LISTS}

        self.path_label = w.HTML()
        self.boxes = {name: w.VBox() for name in LISTS}
        self.new_channel = Text(description="Channel", placeholder="name or URL")
        self.fence = Fence([self.new_channel])  # Add reads it as typed at the click
        self.add_button = SubmitButton(self.fence, description="Add", tooltip="Append to channels")
        self.add_button.submit_on_enter(self.new_channel)
        self.add_button.on_click(lambda _: self.add(self.new_channel.value))
        self.warning = w.HTML(
            f'<span style="color:var(--jp-warn-color0,#b45f06)">{escape(DEFAULTS_WARNING)}</span>'
        )
        self.confirm_defaults = w.Checkbox(description="Remove defaults anyway", indent=False)
        self.warning_box = w.VBox([self.warning, self.confirm_defaults])
        self.warning_box.layout.display = "none"
        self.save_button = w.Button(description="Save", button_style="primary")
        self.reload_button = w.Button(description="Reload", icon="refresh")
        self.save_button.on_click(lambda _: self.save())
        self.reload_button.on_click(lambda _: self.reload())
        self.children = [
            self.path_label,
            w.HTML("<b>channels:</b>"),
            self.boxes["channels"],
            w.HBox([self.new_channel, self.add_button]),
            w.HTML("<b>default_channels:</b>"),
            self.boxes["default_channels"],
            self.warning_box,
            w.HBox([self.save_button, self.reload_button, self.busy]),
            self.message,
        ]
        if autoload:
            self.reload()

    # --- reading --------------------------------------------------------------------
    def reload(self) -> None:
        """Read both lists from ``.condarc`` (discarding unsaved edits)."""
        self.run("Reading .condarc…", self.connector.condarc_channels, self.show, self._controls)

    def show(self, condarc: CondarcChannels) -> None:
        self.loaded = condarc
        self.draft = {
            "channels": list(condarc.channels),
            "default_channels": None
            if condarc.default_channels is None
            else list(condarc.default_channels),
        }
        self.confirm_defaults.value = False
        missing = "" if condarc.exists else " <i>(does not exist yet)</i>"
        self.path_label.value = f"<code>{escape(condarc.path)}</code>{missing}"
        self._render()

    @property
    def _controls(self) -> list[w.Widget]:
        return [self.save_button, self.reload_button, self.add_button]

    # --- editing the draft ----------------------------------------------------------
    def remove(self, list_name: str, index: int) -> None:
        items = self.draft[list_name]
        if items is not None and 0 <= index < len(items):
            del items[index]
            self._render()

    def move(self, list_name: str, index: int, delta: int) -> None:
        items = self.draft[list_name]
        target = index + delta
        if items is not None and 0 <= index < len(items) and 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
            self._render()

    def add(self, name: str) -> None:
        name = name.strip()
        items = self.draft["channels"]
        if name and items is not None and name not in items:
            items.append(name)
            self.new_channel.value = ""
            self._render()

    def _render(self) -> None:
        for list_name in LISTS:
            items = self.draft[list_name]
            self.rows[list_name] = [
                EntryRow(self, list_name, i, name) for i, name in enumerate(items or [])
            ]
            empty = "(not set)" if items is None else "(empty)"
            self.boxes[list_name].children = self.rows[list_name] or [w.HTML(f"<i>{empty}</i>")]
        self.warning_box.layout.display = None if self.removes_defaults else "none"
        self.message.clear()

    @property
    def changed(self) -> dict[str, bool]:
        loaded = self.loaded
        if loaded is None:
            return {name: False for name in LISTS}
        return {
            "channels": self.draft["channels"] != loaded.channels,
            "default_channels": self.draft["default_channels"] != loaded.default_channels,
        }

    @property
    def removes_defaults(self) -> bool:
        loaded = self.loaded
        if loaded is None:
            return False
        for list_name in LISTS:
            before = getattr(loaded, list_name) or []
            if "defaults" in before and "defaults" not in (self.draft[list_name] or []):
                return True
        return False

    # --- saving ---------------------------------------------------------------------
    def save(self) -> None:
        """ "Save": replace the changed lists, guarded by the version read at load time."""
        if self.loaded is None:
            self.message.error("Nothing loaded yet: click Reload.")
            return
        changed = self.changed
        if not any(changed.values()):
            self.message.show("Nothing to save.")
            return
        if self.removes_defaults and not self.confirm_defaults.value:
            self.message.show(
                f"{DEFAULTS_WARNING} Tick 'Remove defaults anyway' to save.", "warning"
            )
            return
        channels = self.draft["channels"] if changed["channels"] else None
        defaults = None
        if changed["default_channels"]:
            defaults = self.draft["default_channels"] or []  # empty list removes the key
        version, confirm = self.loaded.version, self.confirm_defaults.value
        self.run(
            "Saving .condarc…",
            lambda: self.connector.replace_channels(
                channels, defaults, version=version, confirm_defaults=confirm
            ),
            self._after_save,
            self._controls,
            failed=self._save_failed,
        )

    def _after_save(self, condarc: CondarcChannels) -> None:
        self.show(condarc)
        self.message.show(f"Saved {condarc.path}.", "success")

    def _save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Conflict) and exc.code in (Code.STALE_VERSION, Code.CONFLICT):
            self.message.error(CONFLICT_MESSAGE)
            return
        self.message.error(error_text(exc))
