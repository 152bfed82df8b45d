"""ConnectPanel: choose a service, "Set Domain", sign in ("Login" / "Set Token"), then pick
channels (Anaconda Server) or see the status (the others)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as w

from ..core import Connector, Preferences, Status
from ..core.services import registry
from ..core.services.base import TOKEN_LOGIN
from .channels import ChannelPicker
from .common import Panel
from .render import service_title, sign_out_text, status_message
from .status import StatusPanel

TOKEN_HELP = (
    "Where is my token? You can issue yourself a private access token from the Token Access "
    "page of your Anaconda Cloud organization. Re-issuing a token invalidates the previous one."
)
DOMAIN_HELP = (
    "The domain must be a full URL without a trailing slash, e.g. https://anaconda.example.com"
)


class ConnectPanel(Panel):
    """Sign in to one repository service, then move on to channels or status."""

    title = "Connect to a repository"

    def __init__(
        self,
        connector: Connector | None = None,
        *,
        service: str = "server",
        domain: str | None = None,
        username: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(connector, **kwargs)  # worker, background: see Panel
        self.preferences: Preferences = self.connector.preferences()
        everything = list(registry.ids())
        allowed = [s for s in everything if s in self.preferences.allowed_services] or everything
        self._connected: list[Callable[[Status], None]] = []
        self.channel_picker: ChannelPicker | None = None
        self.status_panel: StatusPanel | None = None

        self.service = w.Dropdown(
            options=[(registry.get(s).title, s) for s in allowed],
            value=service if service in allowed else allowed[0],
            description="Service",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.domain = w.Text(description="Domain", placeholder="https://anaconda.example.com")
        self.set_domain_button = w.Button(description="Set Domain")
        self.domain_box = w.VBox(
            [
                w.HBox([self.domain, self.set_domain_button]),
                w.HTML(f'<span style="opacity:0.7">{DOMAIN_HELP}</span>'),
            ]
        )
        self.username = w.Text(value=username or "", description="Username")
        self.password = w.Password(description="Password")
        self.login_button = w.Button(description="Login", button_style="primary")
        self.credentials_box = w.VBox([self.username, self.password, self.login_button])
        self.token = w.Password(description="Token", placeholder="organization access token")
        self.set_token_button = w.Button(description="Set Token", button_style="primary")
        self.token_box = w.VBox(
            [
                w.HTML(f'<span style="opacity:0.7">{TOKEN_HELP}</span>'),
                w.HBox([self.token, self.set_token_button]),
            ]
        )
        self.form = w.VBox(
            [
                self.service,
                self.domain_box,
                self.credentials_box,
                self.token_box,
                self.busy,
                self.message,
            ]
        )
        self.result = w.VBox()
        self.headline = w.HTML()

        self.service.observe(lambda _: self._service_changed(), "value")
        self.set_domain_button.on_click(lambda _: self.set_domain())
        self.login_button.on_click(lambda _: self.login())
        self.set_token_button.on_click(lambda _: self.set_token())
        self._service_changed(prefill=domain)

        status = self.connector.status()
        if status.connected:
            self._show_connected(status, f"Signed in to {service_title(status.service)}.")
        else:
            self._show_form()

    def on_connected(self, callback: Callable[[Status], None]) -> None:
        """Call ``callback(status)`` after a successful sign-in."""
        self._connected.append(callback)

    # --- form -----------------------------------------------------------------------
    @property
    def _form_controls(self) -> list[w.Widget]:
        return [self.service, self.set_domain_button, self.login_button, self.set_token_button]

    def _service_changed(self, prefill: str | None = None) -> None:
        service = registry.get(self.service.value)
        takes_token = service.sign_in_methods[0].id == TOKEN_LOGIN.id
        self.domain_box.layout.display = None if service.needs_domain else "none"
        self.credentials_box.layout.display = "none" if takes_token else None
        self.token_box.layout.display = None if takes_token else "none"
        if service.needs_domain:
            remembered = self.preferences.domains.get(service.id)
            self.domain.value = prefill or remembered or ""
            locked = not self.preferences.allow_domain_change
            self.domain.disabled = locked
            self.set_domain_button.disabled = locked
        self.message.clear()

    def _show_form(self) -> None:
        self.children = [self.form]

    def set_domain(self) -> None:
        """ "Set Domain": remember the API domain of the chosen service."""
        service, domain = self.service.value, self.domain.value.strip()  # "" is refused

        def done(prefs: Preferences) -> None:
            self.preferences = prefs
            self.message.show(f"Domain set to {prefs.domains.get(service)}.", "success")

        self.run(
            "Checking the domain…",
            lambda: self.connector.set_domain(service, domain),
            done,
            self._form_controls,
        )

    def login(self) -> None:
        """ "Login" with username and password (Anaconda Server, Enterprise 4)."""
        service = self.service.value
        username, password = self.username.value.strip(), self.password.value
        self.password.value = ""  # never leave a secret in widget state (saved in notebooks)
        # Only a domain the user changed is sent (a preset, locked one needs no changing).
        domain = self.domain.value.strip() or None
        if domain == self.preferences.domains.get(service):
            domain = None
        if not username or not password:
            self.message.error("Enter your username and password, then click Login.")
            return
        self.run(
            f"Signing in to {service_title(service)}…",
            lambda: self.connector.connect(
                service, domain=domain, username=username, password=password
            ),
            self._after_connect,
            self._form_controls,
        )

    def set_token(self) -> None:
        """ "Set Token" (Anaconda Professional / Package Security Manager Cloud)."""
        service, token = self.service.value, self.token.value.strip()
        self.token.value = ""  # never leave a secret in widget state (saved in notebooks)
        if not token:
            self.message.error("Paste your organization access token, then click Set Token.")
            return
        self.run(
            "Validating the token…",
            lambda: self.connector.connect(service, token=token),
            self._after_connect,
            self._form_controls,
        )

    # --- after sign-in --------------------------------------------------------------
    def _after_connect(self, status: Status) -> None:
        user = f" as {status.username}" if status.username else ""
        self._show_connected(status, f"Signed in to {service_title(status.service)}{user}.")
        for callback in self._connected:
            callback(status)

    def _show_connected(self, status: Status, headline: str) -> None:
        note = status_message(status)
        self.headline.value = f"<b>{escape(headline)}</b>" + (
            f"<p>{escape(note)}</p>" if note else ""
        )
        status_panel = StatusPanel(self.connector, status=status, worker=self.worker)
        status_panel.on_signed_out(self._after_sign_out)
        status_panel.on_changed_elsewhere(self._changed_elsewhere)
        self.status_panel = status_panel
        views: list[w.Widget] = [self.headline]
        if (status.capabilities or {}).get("lists_channels"):
            self.channel_picker = ChannelPicker(self.connector, worker=self.worker)
            self.channel_picker.on_added(lambda _: status_panel.refresh())
            views.append(self.channel_picker)
        else:
            self.channel_picker = None
        views.append(self.status_panel)
        self.result.children = views
        self.children = [self.result]

    def _after_sign_out(self, status: Status) -> None:
        before = self.status_panel.previous if self.status_panel else None
        self._back_to_form()
        text, kind = sign_out_text(before, status)
        self.message.show(text, kind)

    def _changed_elsewhere(self, status: Status) -> None:
        if not status.connected:
            self._back_to_form()
            self.message.show(
                "Signed out elsewhere (the Lab panel, a terminal or another notebook).", "warning"
            )

    def _back_to_form(self) -> None:
        if self.status_panel is not None:
            self.status_panel.close()
            self.status_panel = None
        self.channel_picker = None
        self.preferences = self.connector.preferences()  # sign-in may have remembered a domain
        self._service_changed()
        self._show_form()
