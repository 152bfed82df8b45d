"""Shared by the browser tests: the running Lab, screenshots, opening the panel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

    from jupyter_repoconnect.testing import Sandbox

CHROMIUM = os.environ.get("REPOCONNECT_CHROMIUM", "/usr/bin/chromium")
# A name for this machine that is not loopback to the page: Lab opened as
# http://remote-lab.test:<port>/ is what a browser on another machine sees (JupyterHub, a
# remote Lab). Chromium resolves it to 127.0.0.1 itself: the traffic stays on loopback.
REMOTE_HOST = "remote-lab.test"
CHROMIUM_ARGS = [
    f"--host-resolver-rules=MAP {REMOTE_HOST} 127.0.0.1",
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_env(home: Path) -> dict[str, str]:
    """The environment Chromium runs in: its profile, crash reports and dconf cache go under
    ``home``, a throw-away folder, never the real home of whoever runs the tests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    return {**env, "HOME": str(home)}


REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "ui"
LAB_EXTENSION = Path("jupyter-repoconnect", "package.json")  # under a labextensions folder
TOKEN = "repoconnect-ui-test-token"
CHANNELS = 10_000
SIDEBAR_TAB = '.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="jp-repoconnect-panel"]'
FLOW = "#jp-repoconnect-signin"  # the sign-in steps' page in the main area
# 1024×600: the small screen of issue 20, the sidebar at its default width.
SMALL_SCREEN: ViewportSize = {"width": 1024, "height": 600}
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}


@dataclass
class Lab:
    """The running JupyterLab and the files its server extension edits."""

    url: str
    token: str
    condarc: Path
    binstar_dir: Path
    state_dir: Path
    sandbox: Sandbox
    log: Path

    def api(self, method: str, route: str, body: Any = None) -> tuple[int, Any]:
        """Call the REST API directly (set-up and cross-checks; the tests drive the UI)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}repoconnect/{route}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run `jupyter repoconnect ARGS` as a terminal user of this Lab would (same files)."""
        home = self.condarc.parent
        env = {
            **os.environ,
            "HOME": str(home),
            "CONDARC": str(self.condarc),
            "BINSTAR_CONFIG_DIR": str(self.binstar_dir),
            "JUPYTER_REPOCONNECT_STATE_DIR": str(self.state_dir),
            "CONDA_TOKEN_REPO_URL": self.sandbox.urls["cloud"],
        }
        return subprocess.run(
            [sys.executable, "-m", "jupyter_repoconnect.cli", *args],
            input=stdin,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


INITIAL_CONDARC = """\
# Settings of this test user: comments and other keys must survive every edit.
channels:
  - defaults
  - conda-forge  # community channel
ssl_verify: true
auto_activate_base: false
"""


def set_theme(page: Page, theme: str) -> None:
    name = THEMES[theme]
    page.evaluate(
        "async name => { await window.jupyterapp.commands.execute("
        "'apputils:change-theme', { theme: name }); }",
        name,
    )
    page.wait_for_function(
        "name => document.body.dataset.jpThemeName === name", arg=name, timeout=30_000
    )
    # JupyterLab shows its splash screen over everything while the theme loads.
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=30_000)
    page.wait_for_timeout(400)  # let the new stylesheet paint


def snapshot(page: Page, state: str) -> list[Path]:
    """Save the panel in light and dark theme as test-artifacts/ui/<state>-<theme>.png, and the
    sign-in steps, when open, as <state>-steps-<theme>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    panel = page.locator("#jp-repoconnect-panel")
    flow = page.locator(FLOW)
    saved = []
    for theme in ("light", "dark"):
        set_theme(page, theme)
        path = ARTIFACTS / f"{state}-{theme}.png"
        panel.screenshot(path=str(path), animations="allow")
        saved.append(path)
        if flow.is_visible():  # the sign-in steps too, where they are open
            path = ARTIFACTS / f"{state}-steps-{theme}.png"
            flow.screenshot(path=str(path), animations="allow")
            saved.append(path)
    set_theme(page, "light")
    return saved


def open_panel_from_sidebar(page: Page, sign_in: bool = True) -> None:
    """Open the panel; signed out (and `sign_in`), also its sign-in steps with "Connect…", as
    a person who means to sign in does."""
    tab = page.locator(SIDEBAR_TAB)
    if not page.locator("#jp-repoconnect-panel").is_visible():
        tab.click()  # the tab toggles: a second click would close the panel
    page.locator("#jp-repoconnect-panel").wait_for(state="visible")
    page.wait_for_selector('#jp-repoconnect-panel [data-testid="repoconnect-body"]')
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"repoconnect-body\"]')"
        ".dataset.state !== 'loading'"
    )
    state = page.get_by_test_id("repoconnect-body").get_attribute("data-state")
    if sign_in and state == "signed-out":
        open_sign_in(page)


def open_sign_in(page: Page) -> None:
    """Click the panel's "Connect…": the sign-in steps open in the main area."""
    flow = page.locator(FLOW)
    if not flow.is_visible():
        page.get_by_test_id("connect-button").click()
    flow.wait_for(state="visible")
    page.wait_for_selector(f'{FLOW} [data-testid="service-choice"]')


def fill_server_sign_in(page: Page, lab: Lab) -> None:
    """Choose Anaconda Server and type the sandbox's domain and the demo user's credentials."""
    page.get_by_test_id("service-server").check()
    page.get_by_test_id("domain-input").fill(lab.sandbox.urls["server"])
    page.get_by_test_id("username-input").fill("demo")
    page.get_by_test_id("password-input").fill(lab.sandbox.users["demo"])


def load_lab(page: Page, url: str, token: str) -> None:
    """Load JupyterLab at ``url`` with no restored layout and wait until it is restored."""
    page.goto(f"{url}lab?reset&token={token}")
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
    page.evaluate("async () => { await window.jupyterapp.restored; }")
    page.wait_for_selector(".jp-SideBar.jp-mod-left", timeout=60_000)
    # JupyterLab opens a Launcher (and focuses it) at the first layout change of an empty main
    # area, e.g. when the panel opens: open it now so it cannot steal the focus mid-test.
    page.evaluate("async () => { await jupyterapp.commands.execute('launcher:create'); }")
    page.wait_for_selector(".jp-Launcher", timeout=30_000)


def as_remote(url: str) -> str:
    """``url`` (on 127.0.0.1) by the name a browser on another machine would use."""
    return url.replace("//127.0.0.1:", f"//{REMOTE_HOST}:", 1)
