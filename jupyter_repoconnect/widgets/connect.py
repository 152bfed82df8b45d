"""ConnectPanel: choose a service, "Set Domain", sign in with one of the service's sign-in
methods (a toggle when it offers more than one; the form is rendered from the method's fields),
then pick channels (Anaconda Server) or see the status (the others).

Single sign-on from a kernel: the kernel may run on the browser's machine (desktop Jupyter) or
not (JupyterHub, a remote server), and cannot tell which. So both are set up: a loopback
listener finishes the sign-in by itself when the browser can reach it, and a paste box takes
the address the browser landed on when it cannot.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as w

from ..core import Connector, Preferences, Status
from ..core.errors import RepoConnectError
from ..core.services import registry
from ..core.services.base import RepositoryService, SignInField, SignInMethod
from ..text.render import PASTE_HINT
from .channels import ChannelPicker
from .common import Fence, Panel, Password, SubmitButton, Text, error_text
from .render import changes_message, service_title, sign_out_text, status_message
from .status import StatusPanel

TOKEN_HELP = (
    "Where is my token? You can issue yourself a private access token from the Token Access "
    "page of your Anaconda Cloud organization. Re-issuing a token invalidates the previous one."
)
# What each sign-in method's form says first (by method id; none: nothing).
METHOD_HELP = {
    "token": TOKEN_HELP,
    "access_token": "Use an access token you created on the server's web page (your account's "
    "access tokens). Signing out here does not revoke it.",
    "sso": "Sign in at your organisation's single sign-on page, opened in a new tab.",
}
KEEP_WAITING = ("bad_redirect_address", "sso_state_mismatch")  # a wrong paste: try again
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
        method: str | None = None,
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
        self.domain = Text(description="Domain", placeholder="https://anaconda.example.com")
        # One input per field name any method takes, kept across method changes.
        self.username = Text(value=username or "", description="Username")
        self.password = Password(description="Password")
        self.token = Password(description="Token", placeholder="organization access token")
        self.sso_address = Text(
            description="Address",
            placeholder="http://localhost:…/?code=…&state=…",
            layout=w.Layout(width="auto"),
        )
        # every button here reads these fields as the user saw them at the click (Fence)
        self.fence = Fence(
            [self.domain, self.username, self.password, self.token, self.sso_address]
        )
        self.set_domain_button = SubmitButton(self.fence, description="Set Domain")
        self.domain_box = w.VBox(
            [
                w.HBox([self.domain, self.set_domain_button]),
                w.HTML(f'<span style="opacity:0.7">{DOMAIN_HELP}</span>'),
            ]
        )
        self.inputs: dict[str, Text | Password] = {
            "username": self.username,
            "password": self.password,
            "token": self.token,
        }
        self.method = w.ToggleButtons(
            description="Sign in with", style={"description_width": "initial"}
        )
        self.method_help = w.HTML()
        self.fields_box = w.VBox()
        self.submit_button = SubmitButton(self.fence, description="Login", button_style="primary")
        # the reference's names of the one submit button
        self.login_button = self.set_token_button = self.submit_button
        self.sign_in_box = w.VBox(
            [self.method, self.method_help, self.fields_box, self.submit_button]
        )
        # single sign-on, once started: the link, then the paste box
        self.sso_link = w.HTML()
        self.sso_finish_button = SubmitButton(
            self.fence, description="Finish sign-in", button_style="primary"
        )
        self.sso_cancel_button = w.Button(description="Cancel")
        self.sso_box = w.VBox(
            [
                self.sso_link,
                w.HTML(f'<span style="opacity:0.7">{escape(PASTE_HINT)}</span>'),
                w.HBox([self.sso_address, self.sso_finish_button, self.sso_cancel_button]),
            ]
        )
        self.sso_box.layout.display = "none"
        self._sso_id: str | None = None
        self._sso_cancel = threading.Event()
        self._sso_waiter: threading.Thread | None = None
        self.form = w.VBox(
            [
                self.service,
                self.domain_box,
                self.sign_in_box,
                self.sso_box,
                self.busy,
                self.message,
            ]
        )
        self.result = w.VBox()
        self.headline = w.HTML()

        self.service.observe(lambda _: self._service_changed(), "value")
        self.set_domain_button.on_click(lambda _: self.set_domain())
        self.submit_button.on_click(lambda _: self.submit())
        self.set_domain_button.submit_on_enter(self.domain)
        self.submit_button.submit_on_enter(self.username, self.password, self.token)
        self.sso_finish_button.submit_on_enter(self.sso_address)
        self.method.observe(lambda _: self._method_changed(), "value")
        self.sso_finish_button.on_click(lambda _: self.finish_sso())
        self.sso_cancel_button.on_click(lambda _: self.cancel_sso())
        self._service_changed(prefill=domain, method=method)

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
        return [self.service, self.method, self.set_domain_button, self.submit_button]

    @property
    def chosen_service(self) -> RepositoryService:
        return registry.get(self.service.value)

    @property
    def chosen_method(self) -> SignInMethod:
        return self.chosen_service.method(self.method.value)

    def _service_changed(self, prefill: str | None = None, method: str | None = None) -> None:
        service = self.chosen_service
        default = self.preferences.default_methods.get(service.id)
        offered = [m.id for m in service.sign_in_methods]
        self.method.options = [(_method_label(m), m.id) for m in service.sign_in_methods]
        self.method.value = next(
            (m for m in (method, default) if m in offered), service.sign_in_methods[0].id
        )
        self.method.layout.display = None if len(offered) > 1 else "none"
        self.domain_box.layout.display = None if service.needs_domain else "none"
        if service.needs_domain:
            remembered = self.preferences.domains.get(service.id)
            self.domain.value = prefill or remembered or ""
            locked = not self.preferences.allow_domain_change
            self.domain.disabled = locked
            self.set_domain_button.disabled = locked
        self._method_changed()

    def _method_changed(self) -> None:
        """The form of the chosen method: one input per field, its help, its button."""
        if self.method.value is None:
            return
        chosen = self.chosen_method
        for field in chosen.fields:
            self.inputs[field.name].description = field.label.capitalize()
        self.fields_box.children = [self.inputs[f.name] for f in chosen.fields]
        help_text = METHOD_HELP.get(chosen.id)
        self.method_help.value = (
            f'<span style="opacity:0.7">{escape(help_text)}</span>' if help_text else ""
        )
        self.submit_button.description = chosen.submit
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

    def _domain_to_send(self, service: str) -> str | None:
        # Only a domain the user changed is sent (a preset, locked one needs no changing).
        domain = self.domain.value.strip() or None
        return None if domain == self.preferences.domains.get(service) else domain

    def submit(self) -> None:
        """The chosen method's button: "Login", "Set Token", "Sign in with single sign-on"."""
        service, chosen = self.service.value, self.chosen_method
        if not chosen.fields:
            self.start_sso()
            return
        values: dict[str, Any] = {f.name: _value_of(self.inputs[f.name], f) for f in chosen.fields}
        for field in chosen.fields:
            if field.secret:
                self.inputs[field.name].value = ""  # never left in widget state (saved notebooks)
        missing = [f.name for f in chosen.fields if not values[f.name]]
        if missing:
            self.message.error(f"Enter your {' and '.join(missing)}, then click {chosen.submit}.")
            return
        domain = self._domain_to_send(service) if self.chosen_service.needs_domain else None
        label = (
            "Validating the token…"
            if any(f.secret for f in chosen.fields) and "username" not in values
            else f"Signing in to {service_title(service)}…"
        )
        self.run(
            label,
            lambda: self.connector.connect(service, domain=domain, method=chosen.id, **values),
            self._after_connect,
            self._form_controls,
        )

    def login(self) -> None:
        """ "Login" with username and password (Anaconda Server, Enterprise 4)."""
        self.submit()

    def set_token(self) -> None:
        """ "Set Token" (Anaconda Professional / Package Security Manager Cloud)."""
        self.submit()

    # --- single sign-on -------------------------------------------------------------
    def start_sso(self) -> None:
        """Start a single sign-on: show the link and the paste box; a listener waits too."""
        service = self.service.value
        domain = self._domain_to_send(service)
        self.cancel_sso(quiet=True)
        self.run(
            "Starting single sign-on…",
            lambda: self.connector.start_sso(domain, service=service, listen=True),
            self._sso_started,
            self._form_controls,
        )

    def _sso_started(self, start: Any) -> None:
        from ..core.links import link_host, openable_link

        try:
            openable_link(start.authorization_url, "The server")  # https, or http on loopback
        except RepoConnectError as exc:
            self.connector.cancel_sso(start.id)
            self.message.error(error_text(exc))
            return
        self._sso_id = start.id
        link = escape(start.authorization_url, quote=True)
        host = escape(link_host(start.authorization_url))
        self.sso_link.value = (
            f'<a href="{link}" target="_blank" rel="noopener noreferrer">'
            f"<b>Open the single sign-on page</b></a> of <b>{host}</b> (a new tab) and sign in."
        )
        self.sso_address.value = ""
        self.sso_box.layout.display = None
        self.sign_in_box.layout.display = "none"
        cancel = self._sso_cancel = threading.Event()
        waiter = threading.Thread(
            target=self._wait_sso, args=(start.id, cancel), name="repoconnect-sso", daemon=True
        )
        self._sso_waiter = waiter
        waiter.start()

    def _wait_sso(self, sso_id: str, cancel: threading.Event) -> None:
        """The one place that shows a single sign-on's outcome (listener or paste)."""
        try:
            status = self.connector.wait_sso(sso_id, cancel=cancel)
        except Exception as exc:
            if not cancel.is_set():
                self._sso_ended()
                self.message.error(error_text(exc))
            return
        self._sso_ended()
        self._after_connect(status)

    def finish_sso(self) -> None:
        """Finish with the address pasted from a browser that could not reach this machine."""
        sso_id, address = self._sso_id, self.sso_address.value.strip()
        self.sso_address.value = ""  # it holds a one-time code: not kept in widget state
        if sso_id is None:
            return
        if not address:
            self.message.error("Paste the address the browser landed on, then click Finish.")
            return

        def failed(exc: BaseException) -> None:
            if getattr(exc, "code", None) in KEEP_WAITING:  # else the waiter says it
                self.message.error(error_text(exc))

        self.run(
            "Finishing the sign-in…",
            lambda: self.connector.finish_sso(sso_id, address),
            lambda _: None,  # the waiter shows the outcome
            [self.sso_finish_button],
            failed=failed,
        )

    def cancel_sso(self, quiet: bool = False) -> None:
        sso_id, self._sso_id = self._sso_id, None
        self._sso_cancel.set()
        if sso_id is not None:
            self.connector.cancel_sso(sso_id)
        self._sso_ended()
        if not quiet and sso_id is not None:
            self.message.show("Single sign-on cancelled; nothing was changed.")

    def _sso_ended(self) -> None:
        self._sso_id = None
        self.sso_box.layout.display = "none"
        self.sign_in_box.layout.display = None

    def wait_sso(self, timeout: float | None = 60.0) -> None:
        """Block until a started single sign-on has ended (handy in scripts/tests)."""
        waiter = self._sso_waiter
        if waiter is not None:
            waiter.join(timeout)
        self.wait()

    # --- after sign-in --------------------------------------------------------------
    def _after_connect(self, status: Status) -> None:
        user = f" as {status.username}" if status.username else ""
        self._show_connected(status, f"Signed in to {service_title(status.service)}{user}.")
        for callback in self._connected:
            callback(status)

    def _show_connected(self, status: Status, headline: str) -> None:
        note = " ".join(filter(None, [status_message(status), changes_message(status)]))
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


def _method_label(method: SignInMethod) -> str:
    """The toggle's word for a method: what it takes ("User name and password")."""
    words = " and ".join(f.label for f in method.fields) or "single sign-on"
    return words[0].upper() + words[1:]


def _value_of(widget: Text | Password, field: SignInField) -> str:
    value = widget.value
    return value.strip() if field.strip else value
