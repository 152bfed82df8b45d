"""AccountPanel: sign in to an Anaconda Cloud account (anaconda.com) with a code approved in a
browser tab on any device, pick the organisation and install its repository token.

Independent of the repository connection panels: the account never changes a connection, and
installing a token is the Cloud repository's sign-in (refused while another service is in use).
"""

from __future__ import annotations

import threading
from html import escape
from typing import Any

import ipywidgets as w

from ..core import Connector
from ..core.account import Account, AccountStatus, DeviceLogin, Organization, TokenInstall
from ..core.dates import human_date
from ..core.errors import Code, RepoConnectError
from .common import Fence, Panel, Password, SubmitButton, error_text
from .render import changes_message

API_KEY_HELP = (
    "Or sign in with an API key: anaconda.com → Account Settings → API Keys. It is stored "
    "where the anaconda command line keeps its login."
)
REISSUE = "Reissue and revoke the current token"


class AccountPanel(Panel):
    """The "Anaconda Cloud account" section: sign in, organisation, Install token."""

    title = "Anaconda Cloud account"

    def __init__(
        self, connector: Connector | None = None, *, account: Account | None = None, **kwargs: Any
    ) -> None:
        super().__init__(connector, **kwargs)
        self.account = account or Account(self.connector)
        self._cancel = threading.Event()
        self._login: DeviceLogin | None = None
        self._orgs: list[Organization] = []

        self.heading = w.HTML(f"<b>{self.title}</b>")
        self.state = w.HTML()
        self.sign_in_button = w.Button(description="Sign in", button_style="primary")
        self.code = w.HTML()
        self.cancel_button = w.Button(description="Cancel")
        self.waiting = w.VBox([self.code, self.cancel_button])
        self.api_key = Password(description="API key", placeholder="paste an API key")
        self.fence = Fence([self.api_key])  # the button reads it as pasted at the click
        self.api_key_button = SubmitButton(self.fence, description="Sign in with API key")
        self.api_key_button.submit_on_enter(self.api_key)
        self.api_key_box = w.VBox(
            [
                w.HTML(f'<span style="opacity:0.7">{escape(API_KEY_HELP)}</span>'),
                w.HBox([self.api_key, self.api_key_button]),
            ]
        )
        self.org = w.Dropdown(description="Organization", style={"description_width": "initial"})
        self.install_button = w.Button(description="Install token", button_style="primary")
        self.reissue_button = w.Button(description=REISSUE, button_style="danger")
        self.remove_button = w.Button(description="Remove token")
        self.sign_out_button = w.Button(description="Sign out of account")
        self.org_box = w.VBox(
            [w.HBox([self.org, self.install_button]), self.reissue_button, self.remove_button]
        )
        self.children = [
            self.heading,
            self.state,
            self.sign_in_button,
            self.waiting,
            self.api_key_box,
            self.org_box,
            self.sign_out_button,
            self.busy,
            self.message,
        ]
        self.sign_in_button.on_click(lambda _: self.sign_in())
        self.cancel_button.on_click(lambda _: self.cancel())
        self.api_key_button.on_click(lambda _: self.sign_in_with_api_key())
        self.install_button.on_click(lambda _: self.install())
        self.reissue_button.on_click(lambda _: self.install(confirm_reissue=True))
        self.remove_button.on_click(lambda _: self.remove_token())
        self.sign_out_button.on_click(lambda _: self.sign_out())
        self.org.observe(lambda _: self._hide(self.reissue_button), "value")
        self.show(self.account.status())

    # --- intents ---------------------------------------------------------------------------
    def sign_in(self) -> None:
        self._cancel = threading.Event()
        self.run("Asking anaconda.com for a sign-in code…", self.account.begin_login, self._wait)

    def _wait(self, login: DeviceLogin) -> None:
        self._login = login
        from ..core.links import link_host, openable_link

        # checked where it was read (core/account.py); again here, as it becomes an href
        link = escape(openable_link(login.verification_uri_complete, "anaconda.com"), quote=True)
        host = escape(link_host(login.verification_uri_complete))
        self.code.value = (
            f'Open <a href="{link}" target="_blank" rel="noopener noreferrer">{link}</a> '
            f"(a page of <b>{host}</b>; in a new tab, or on any device), check that it shows "
            "the code "
            f"<code>{escape(login.user_code)}</code>, and approve."
        )
        self._show(self.waiting)
        self._hide(self.sign_in_button, self.api_key_box)
        cancel = self._cancel
        self.run(
            "Waiting for you to approve on anaconda.com…",
            lambda: self.account.wait_login(login.login_id, cancel),
            self._signed_in,
            failed=self._login_failed,
        )

    def _signed_in(self, status: AccountStatus | None) -> None:
        self._login = None
        if status is None:
            self.show(self.account.status())
            self.message.show("Sign-in cancelled.")
            return
        self.show(status)
        self.message.show("Signed in.", "success")

    def _login_failed(self, exc: BaseException) -> None:
        self._login = None
        self.show(self.account.status())
        self.message.error(error_text(exc))

    def cancel(self) -> None:
        self._cancel.set()

    def sign_in_with_api_key(self) -> None:
        key = self.api_key.value
        self.api_key.value = ""  # never kept in the widget's state

        def done(status: AccountStatus) -> None:
            self.show(status)
            self.message.show("Signed in.", "success")

        self.run("Checking the API key…", lambda: self.account.sign_in_with_api_key(key), done)

    def load_orgs(self) -> None:
        self.run("Loading your organisations…", self.account.organizations, self._show_orgs)

    def _show_orgs(self, orgs: list[Organization]) -> None:
        self._orgs = orgs
        options = []
        for org in orgs:
            if not org.business:
                continue
            note = (
                f"token expires {human_date(org.token_expires_at)}"
                if org.token_expires_at
                else "no token"
            )
            mark = ", installed" if org.installed else ""
            options.append((f"{org.title} ({note}{mark})", org.name))
        chosen = self.org.value
        self.org.options = options
        names = [name for _, name in options]
        if names:
            self.org.value = chosen if chosen in names else names[0]
        self._hide(self.reissue_button)
        if not options:
            self.message.show("None of your organisations has a repository subscription.")

    def install(self, confirm_reissue: bool = False) -> None:
        org = self.org.value
        if not org:
            self.message.error("Choose an organisation.")
            return
        self.run(
            "Installing the organisation's token…",
            lambda: self.account.install_token(org, confirm_reissue=confirm_reissue),
            self._installed,
            failed=self._install_failed,
        )

    def _installed(self, done: TokenInstall) -> None:
        self._hide(self.reissue_button)
        self.show(self.account.status())  # first: it reloads the organisations
        revoked = " Its previous token is revoked." if done.revoked_previous else ""
        changed = f" {changes}" if (changes := changes_message(done.status)) else ""
        self.message.show(
            f"Installed: conda now uses {done.org}'s repository (token expires "
            f"{human_date(done.expires_at)}).{revoked}{changed}",
            "success",
        )

    def _install_failed(self, exc: BaseException) -> None:
        if isinstance(exc, RepoConnectError) and exc.code == Code.CONFIRM_REISSUE:
            self.message.show(error_text(exc), "warning")
            self._show(self.reissue_button)
            return
        self.message.error(error_text(exc))

    def remove_token(self) -> None:
        def done(_: Any) -> None:
            self.show(self.account.status())
            self.message.show("Token removed; .condarc restored.", "success")

        self.run("Removing the token…", self.account.remove_token, done)

    def sign_out(self) -> None:
        def done(status: AccountStatus) -> None:
            self.show(status)
            self.message.show("Signed out of your Anaconda Cloud account.", "success")

        self.run("Signing out…", self.account.sign_out, done)

    # --- view ------------------------------------------------------------------------------
    def show(self, status: AccountStatus) -> None:
        self.status = status
        everything = (
            self.sign_in_button,
            self.waiting,
            self.api_key_box,
            self.org_box,
            self.sign_out_button,
            self.reissue_button,
        )
        self._hide(*everything)
        if not status.allowed:
            self.state.value = escape(status.message or "")
            return
        if not status.signed_in:
            self.state.value = f"Not signed in to your account at {escape(status.domain)}."
            self._show(self.sign_in_button, self.api_key_box)
            return
        who = f" as <b>{escape(status.username)}</b>" if status.username else ""
        text = f"Signed in to your Anaconda Cloud account{who}."
        if status.managed:
            text += " Managed by the administrator."
        if status.message:
            text += f" {escape(status.message)}"
        self.state.value = text
        self._show(self.org_box)
        self.remove_button.layout.display = None if status.installed_orgs else "none"
        if not status.managed:
            self._show(self.sign_out_button)
        if not status.expired:
            self.load_orgs()

    @staticmethod
    def _hide(*widgets: w.Widget) -> None:
        for widget in widgets:
            widget.layout.display = "none"

    @staticmethod
    def _show(*widgets: w.Widget) -> None:
        for widget in widgets:
            widget.layout.display = None
