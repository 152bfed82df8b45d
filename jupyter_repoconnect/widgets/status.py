"""StatusPanel: service, domain, user, both channel lists, "Refresh" and "Sign out"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..core import Connector, Status
from .common import Panel
from .render import SIGNED_OUT_NOTE, StatusView


class StatusPanel(Panel):
    """The connection status with "Refresh" and "Sign out"."""

    title = "Repository connection status"

    def __init__(
        self,
        connector: Connector | None = None,
        *,
        status: Status | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(connector, **kwargs)  # worker, background: see Panel
        self.status: Status | None = None
        self.view = w.HTML()
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.sign_out_button = w.Button(description="Sign out", button_style="warning")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.sign_out_button.on_click(lambda _: self.sign_out())
        self._signed_out: list[Callable[[Status], None]] = []
        self.children = [
            self.view,
            w.HBox([self.refresh_button, self.sign_out_button, self.busy]),
            self.message,
        ]
        if status is not None:
            self.show(status)
        else:
            self.refresh()

    def on_signed_out(self, callback: Callable[[Status], None]) -> None:
        """Call ``callback(status)`` after a successful "Sign out"."""
        self._signed_out.append(callback)

    def show(self, status: Status, note: str | None = None) -> None:
        self.status = status
        self.view.value = StatusView(status, note=note)._repr_html_()
        self.sign_out_button.disabled = not status.connected

    def refresh(self) -> None:
        self.run("Reading the status…", self.connector.status, self.show, [self.refresh_button])

    def sign_out(self) -> None:
        self.run(
            "Signing out…",
            self.connector.disconnect,
            self._after_sign_out,
            [self.refresh_button, self.sign_out_button],
        )

    def _after_sign_out(self, status: Status) -> None:
        self.show(status, note=SIGNED_OUT_NOTE)
        self.message.show("Signed out.", "success")
        for callback in self._signed_out:
            callback(status)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None and self.status is not None:
            # Frontends without widgets still show the status.
            view = StatusView(self.status)
            data["text/plain"] = view.text()
            data["text/html"] = view._repr_html_()
        return data
