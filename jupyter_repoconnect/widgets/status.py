"""StatusPanel: service, domain, user, both channel lists, the token's expiry, "Refresh",
"Sign out", and "Renew" from two weeks before the token expires (a new token in one step: the
method's secret typed again, the channels kept, the old token revoked).

A panel shown in a kernel follows the connection: every few seconds (``follow_interval``) it
reads the status (local files only, no network) and shows a change made elsewhere — the Lab
panel, a terminal, another notebook — e.g. "Signed out elsewhere" instead of a stale
"Connected". The thread stops when the widget is closed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..core import Connector, Status
from ..core.connector import EXPIRY_NOTICE_DAYS
from ..core.errors import RepoConnectError
from .common import Fence, Panel, Password, SubmitButton, error_text
from .render import StatusView, service_title, sign_out_text

FOLLOW_INTERVAL = 5.0  # seconds, as Navigator polls
LIVE_CHECKS = ("token", "tls", "reachable")  # doctor checks that mean "not working right now"


def renew_due(status: Status, today: dt.date | None = None) -> bool:
    """True when "Renew" is offered: a sign-in made here whose token expires within the
    warning window (EXPIRY_NOTICE_DAYS), or has expired."""
    if not (status.connected and status.source == "repoconnect" and status.expires_at):
        return False
    try:
        day = dt.date.fromisoformat(status.expires_at[:10])
    except ValueError:
        return False
    return (day - (today or dt.date.today())).days <= EXPIRY_NOTICE_DAYS


class StatusPanel(Panel):
    """The connection status with "Refresh" and "Sign out"."""

    title = "Repository connection status"

    def __init__(
        self,
        connector: Connector | None = None,
        *,
        status: Status | None = None,
        follow_interval: float | None = FOLLOW_INTERVAL,
        **kwargs: Any,
    ) -> None:
        super().__init__(connector, **kwargs)  # worker, background: see Panel
        self.status: Status | None = None
        self.previous: Status | None = None  # the status before the last sign-out
        self.view = w.HTML()
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.sign_out_button = w.Button(description="Sign out", button_style="warning")
        self.renew_button = w.Button(description="Renew", icon="key", button_style="info")
        self.renew_secret = Password(placeholder="password")
        self.fence = Fence([self.renew_secret])  # Renew now reads it as typed at the click
        self.renew_submit = SubmitButton(
            self.fence, description="Renew now", button_style="primary"
        )
        self.renew_submit.submit_on_enter(self.renew_secret)
        self.renew_form = w.HBox([self.renew_secret, self.renew_submit])
        self.renew_button.layout.display = "none"
        self.renew_form.layout.display = "none"
        self.refresh_button.on_click(lambda _: self.refresh(check=True))
        self.sign_out_button.on_click(lambda _: self.sign_out())
        self.renew_button.on_click(lambda _: self.open_renew())
        self.renew_submit.on_click(lambda _: self.renew())
        self._signed_out: list[Callable[[Status], None]] = []
        self._elsewhere: list[Callable[[Status], None]] = []
        self._stop = threading.Event()
        self.children = [
            self.view,
            w.HBox([self.refresh_button, self.sign_out_button, self.renew_button, self.busy]),
            self.renew_form,
            self.message,
        ]
        if status is not None:
            self.show(status)
        else:
            self.refresh()
        if follow_interval and self.worker.background:
            threading.Thread(
                target=self._follow, args=(follow_interval,), name="repoconnect-follow", daemon=True
            ).start()

    def on_signed_out(self, callback: Callable[[Status], None]) -> None:
        """Call ``callback(status)`` after a successful "Sign out"."""
        self._signed_out.append(callback)

    def on_changed_elsewhere(self, callback: Callable[[Status], None]) -> None:
        """Call ``callback(status)`` when a check finds the connection changed elsewhere."""
        self._elsewhere.append(callback)

    def check(self) -> bool:
        """Read the status once; show a change made elsewhere. True if it changed."""
        if self.worker.running or self.status is None:
            return False
        try:
            status = self.connector.status()
        except Exception:  # a half-written file: the next check reads it again
            return False
        if status == self.status or self.worker.running:
            return False
        before = self.status
        note = None
        if before.connected and not status.connected:
            note = "Signed out elsewhere (the Lab panel, a terminal or another notebook)."
            self.message.show(note, "warning")
        elif not before.connected and status.connected:
            note = f"Signed in elsewhere to {service_title(status.service)}."
            self.message.show(note, "info")
        self.show(status, note=note)
        for callback in self._elsewhere:
            callback(status)
        return True

    def close(self) -> None:
        self._stop.set()
        super().close()

    def _follow(self, interval: float) -> None:
        while not self._stop.wait(interval):
            if self.comm is None:  # closed
                return
            self.check()

    def show(self, status: Status, note: str | None = None) -> None:
        self.status = status
        self.view.value = StatusView(status, note=note)._repr_html_()
        self.sign_out_button.disabled = not status.connected
        # signed out: no Sign out button at all, not a greyed-out one (issue 20, point 4)
        self.sign_out_button.layout.display = None if status.connected else "none"
        renewable = renew_due(status)
        self.renew_button.layout.display = None if renewable else "none"
        if not renewable:
            self.renew_form.layout.display = "none"

    # --- Renew ---------------------------------------------------------------------------
    def _renew_method(self) -> Any:
        """The sign-in method of the connection made here (the one Renew signs in with), or
        None once the reason it cannot be read is shown."""
        from ..core.services import registry

        assert self.status is not None and self.status.service is not None
        try:
            return registry.get(self.status.service).method(
                self.connector.state_store.load().sign_in_method
            )
        except RepoConnectError as exc:
            self.message.error(error_text(exc))
            return None

    def open_renew(self) -> None:
        """Show the field for the secret the sign-in was made with (SSO: what to do instead)."""
        if self.status is None or not self.status.connected:
            return
        method = self._renew_method()
        if method is None:
            return
        secret = next((f for f in method.fields if f.secret), None)
        if secret is None:
            self.message.show(
                "This sign-in was made with single sign-on: click Sign out, then sign in with "
                "single sign-on again (your browser is needed). The channels chosen are restored "
                "by the sign-out; pick them again after.",
                "warning",
            )
            return
        self.renew_secret.placeholder = secret.label
        self.renew_secret.description = secret.label.capitalize()
        self.renew_form.layout.display = None
        self.message.show(
            f"Type your {secret.label} and click Renew now: a new token replaces the current "
            "one, the channels stay as they are.",
            "info",
        )

    def renew(self) -> None:
        """Sign in again with the same method, in one step; the field is emptied at once."""
        secret_value = self.renew_secret.value
        self.renew_secret.value = ""  # first: never left in the widget (saved notebooks keep it)
        if self.status is None or not self.status.connected:
            return
        if not secret_value.strip():
            self.message.error(f"Type your {self.renew_secret.placeholder} first.")
            return
        method = self._renew_method()
        if method is None:
            return
        values = {f.name: secret_value for f in method.fields if f.secret}
        for f in method.fields:
            if not f.secret:
                values[f.name] = self.status.username or ""
        del secret_value

        def call() -> Status:
            try:
                return self.connector.renew(method=method.id, **values)
            finally:
                values.clear()

        self.run(
            "Renewing…",
            call,
            self._after_renew,
            [self.renew_submit, self.renew_button, self.sign_out_button, self.refresh_button],
            failed=self._failed,
        )

    def _after_renew(self, status: Status) -> None:
        self.renew_form.layout.display = "none"
        self.show(status)
        from ..text.render import expiry_text

        expiry = expiry_text(status.expires_at)
        until = f" It expires {expiry}." if expiry else ""
        self.message.show(
            f"Renewed: conda now uses a new token; your channels are unchanged.{until}",
            "success",
        )

    def refresh(self, check: bool = False) -> None:
        """Read the status again; ``check`` (the Refresh button) also asks the repository."""
        if not check:
            self.run("Reading the status…", self.connector.status, self.show, [self.refresh_button])
            return

        def read_and_check() -> tuple[Status, list[str]]:
            status = self.connector.status()
            problems: list[str] = []
            if status.connected:  # ask the repository whether it still accepts the sign-in
                problems = [
                    f"{f.message} {f.hint or ''}".strip()
                    for f in self.connector.doctor().findings
                    if not f.ok and f.check in LIVE_CHECKS
                ]
            return status, problems

        self.run(
            "Checking the connection…", read_and_check, self._after_check, [self.refresh_button]
        )

    def _after_check(self, result: tuple[Status, list[str]]) -> None:
        status, problems = result
        self.show(status)
        if problems:
            self.message.show(" ".join(problems), "warning")
        elif status.connected:
            self.message.show("Checked: the repository accepts your sign-in.", "success")

    def sign_out(self) -> None:
        before = self.status
        self.run(
            "Signing out…",
            self.connector.disconnect,
            lambda status: self._after_sign_out(before, status),
            [self.refresh_button, self.sign_out_button],
            failed=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        """An error; when the state moved elsewhere, show the real state too."""
        text = error_text(exc)
        if isinstance(exc, RepoConnectError) and exc.state_moved:
            with contextlib.suppress(Exception):
                self.show(self.connector.status())
                text += " This panel now shows the current state."
        self.message.error(text)

    def _after_sign_out(self, before: Status | None, status: Status) -> None:
        self.previous = before
        text, kind = sign_out_text(before, status)
        self.show(status)
        self.message.show(text, kind)
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
