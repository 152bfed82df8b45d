"""The whole notebook panel: connect / channels / status, Configure Conda, the API domain
preferences and the troubleshooting checks, as tabs."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..core import Connector, Diagnosis, Preferences
from ..core.services import registry
from .common import Fence, Panel, SubmitButton, Text
from .configure import ConfigureCondaPanel
from .connect import ConnectPanel
from .render import DiagnosisView


class PreferencesPanel(Panel):
    """The API domain of each service that needs one (e.g. "Anaconda Server API domain")."""

    title = "Repository preferences"

    def __init__(self, connector: Connector | None = None, **kwargs: Any) -> None:
        super().__init__(connector, **kwargs)  # worker, background: see Panel
        style = {"description_width": "initial"}
        self.domains: dict[str, Text] = {
            s.id: Text(description=s.domain_label or s.title, style=style)
            for s in registry.all_services()
            if s.needs_domain
        }
        self.fence = Fence(self.domains.values())  # Apply reads them as typed at the click
        self.apply_button = SubmitButton(self.fence, description="Apply", button_style="primary")
        self.apply_button.submit_on_enter(*self.domains.values())
        self.apply_button.on_click(lambda _: self.apply())
        self.children = [
            *self.domains.values(),
            w.HTML(
                '<span style="opacity:0.7">The domain must be a full path without a trailing '
                "slash. For example: https://mysite.com</span>"
            ),
            w.HBox([self.apply_button, self.busy]),
            self.message,
        ]
        self.show(self.connector.preferences())

    def show(self, prefs: Preferences) -> None:
        self.prefs = prefs
        for service, field in self.domains.items():
            field.value = prefs.domains.get(service) or ""
        locked = not prefs.allow_domain_change
        controls: list[w.DOMWidget] = [*self.domains.values(), self.apply_button]
        for control in controls:
            control.disabled = locked
        if locked:
            self.message.show("The administrator has fixed these domains.")

    def apply(self) -> None:
        """ "Apply": remember the domains that changed."""
        wanted = {service: field.value.strip() for service, field in self.domains.items()}
        changes = {
            service: domain
            for service, domain in wanted.items()
            if domain and domain != (self.prefs.domains.get(service) or "")
        }
        if not changes:
            self.message.show("Nothing to apply.")
            return

        def call() -> Preferences:
            prefs = self.prefs
            for service, domain in changes.items():
                prefs = self.connector.set_domain(service, domain)
            return prefs

        def done(prefs: Preferences) -> None:
            self.show(prefs)
            self.message.show("Saved.", "success")

        self.run("Saving…", call, done, [self.apply_button])


class DoctorPanel(Panel):
    """Runs the troubleshooting checks on demand."""

    title = "Troubleshooting"

    def __init__(self, connector: Connector | None = None, **kwargs: Any) -> None:
        super().__init__(connector, **kwargs)  # worker, background: see Panel
        self.diagnosis: Diagnosis | None = None
        self.view = w.HTML("Signed in but cannot use the repository? Run the checks to see why.")
        self.run_button = w.Button(description="Run checks", icon="stethoscope")
        self.run_button.on_click(lambda _: self.check())
        self.children = [self.view, w.HBox([self.run_button, self.busy]), self.message]

    def check(self) -> None:
        self.run("Checking…", self.connector.doctor, self._show, [self.run_button])

    def _show(self, diagnosis: Diagnosis) -> None:
        self.diagnosis = diagnosis
        self.view.value = DiagnosisView(diagnosis)._repr_html_()


class RepoConnectPanel(Panel):
    """Everything in one panel, as tabs: the sign-in flow, Configure Conda, preferences,
    troubleshooting."""

    title = "Repository connection"
    TABS = ("Repository", "Configure Conda", "Preferences", "Troubleshooting")

    def __init__(
        self,
        connector: Connector | None = None,
        *,
        service: str = "server",
        background: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(connector, background=background, **kwargs)
        worker = self.worker
        self.connect = ConnectPanel(self.connector, service=service, worker=worker)
        self.configure = ConfigureCondaPanel(self.connector, autoload=False, worker=worker)
        self.preferences = PreferencesPanel(self.connector, worker=worker)
        self.doctor = DoctorPanel(self.connector, worker=worker)
        self.tabs = w.Tab(
            children=[self.connect, self.configure, self.preferences, self.doctor],
            titles=list(self.TABS),
        )
        self.tabs.observe(lambda _: self._tab_changed(), "selected_index")
        self.children = [self.tabs]

    def select(self, title: str) -> None:
        """Show the tab named ``title``."""
        self.tabs.selected_index = self.TABS.index(title)

    def _tab_changed(self) -> None:
        # .condarc may have changed (sign-in, "Add channels", another surface): re-read it.
        if self.tabs.selected_index == self.TABS.index("Configure Conda"):
            self.configure.reload()
        elif self.tabs.selected_index == self.TABS.index("Preferences"):
            self.preferences.show(self.connector.preferences())
