"""One live truth: the panel follows what the CLI, the sandbox and other surfaces do.

The panel checks `GET status` with its ETag every 5 s while shown (304 while nothing changed),
re-reads it when shown, and every 10 s while hidden (for the status-bar item); the polling
cost is measured here and written to test-artifacts/ui/polling.txt.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, Request, expect

from .uihelpers import (
    ARTIFACTS,
    SIDEBAR_TAB,
    Lab,
    fill_server_sign_in,
    open_panel_from_sidebar,
    snapshot,
)

pytestmark = pytest.mark.browser

STATUS = re.compile(r"/repoconnect/status(\?|$)")
POLL = 5  # seconds: the panel's default status check interval
HIDDEN_POLL = 10  # seconds: the status-bar item's default check interval, panel hidden
WINDOW = HIDDEN_POLL + 3  # seconds watched while hidden: one check, the status bar follows
STEADY = 2 * POLL + 1  # seconds watched while shown: two checks, so one measured gap


def server_login(lab: Lab) -> None:
    code, body = lab.api(
        "POST",
        "connect",
        {"service": "server", "domain": lab.sandbox.urls["server"], "username": "demo",
         "password": lab.sandbox.users["demo"]},
    )  # fmt: skip
    assert code == 200, body


def status_requests(page: Page) -> list[tuple[float, Request]]:
    seen: list[tuple[float, Request]] = []
    page.on(
        "request", lambda r: seen.append((time.monotonic(), r)) if STATUS.search(r.url) else None
    )
    return seen


def test_cli_sign_in_and_out_show_in_the_panel_and_polling_cost(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    seen = status_requests(page)
    open_panel_from_sidebar(page)
    body = page.get_by_test_id("repoconnect-body")
    expect(body).to_have_attribute("data-state", "signed-out")
    statusbar = page.get_by_test_id("repoconnect-statusbar")
    expect(statusbar).to_have_text("Conda: not connected")

    # Shown: a sign-in from a terminal appears within one polling interval, no reload.
    shown_from = time.monotonic()
    login = lab.cli(
        "login", "server", "--domain", lab.sandbox.urls["server"], "--username", "demo",
        "--password-stdin", stdin=lab.sandbox.users["demo"] + "\n",
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    expect(body).to_have_attribute("data-state", "connected", timeout=(POLL + 3) * 1000)
    expect(page.get_by_test_id("status-username")).to_have_text("demo")
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("elsewhere")
    expect(statusbar).to_have_text("Conda: Anaconda Server")
    assert time.monotonic() - shown_from <= POLL + 3
    # Steady state, shown: one check per interval, each a bodiless 304.
    steady_from = time.monotonic()
    page.wait_for_timeout(STEADY * 1000)
    shown_at = [t for t, _ in seen if t >= steady_from]
    shown = [r for t, r in seen if t >= steady_from]
    answers = [r.response() for r in shown]
    unchanged = sum(1 for a in answers if a is not None and a.status == 304)

    # Hidden: the status-bar item alone follows a CLI sign-out, at the slower pace.
    page.locator(SIDEBAR_TAB).click()
    expect(page.locator("#jp-repoconnect-panel")).to_be_hidden()
    hidden_from = time.monotonic()
    logout = lab.cli("logout")
    assert logout.returncode == 0, logout.stderr
    expect(statusbar).to_have_text("Conda: not connected", timeout=WINDOW * 1000)
    expect(page.locator("#jp-repoconnect-panel")).to_be_hidden()
    followed_in = time.monotonic() - hidden_from
    page.wait_for_timeout(max(0.0, WINDOW - followed_in) * 1000)
    hidden = [r for t, r in seen if t >= hidden_from]
    assert 1 <= len(hidden) <= WINDOW / HIDDEN_POLL + 1, [r.url for r in hidden]

    # Shown again: read at once, and it says what happened.
    page.locator(SIDEBAR_TAB).click()
    expect(body).to_have_attribute("data-state", "signed-out", timeout=3000)
    notice = page.get_by_test_id("repoconnect-notice")
    expect(notice).to_contain_text("Signed out elsewhere")
    expect(statusbar).to_have_text("Conda: not connected")
    snapshot(page, "signed-out-elsewhere")

    assert 2 <= len(shown) <= STEADY / POLL + 2, [r.url for r in shown]
    gap = (shown_at[-1] - shown_at[0]) / (len(shown_at) - 1)
    per_minute_shown = 60 / gap
    assert unchanged == len(shown)  # nothing changed: every check was a bodiless 304
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = (
        f"status requests with the panel shown: {len(shown)} in {STEADY:.1f} s, one every "
        f"{gap:.1f} s (~{per_minute_shown:.0f}/min; {unchanged} answered 304 without a body)\n"
        f"status requests with the panel hidden: {len(hidden)} in {WINDOW:.1f} s "
        f"(~{60 / HIDDEN_POLL:.0f}/min at the default {HIDDEN_POLL} s); the status bar "
        f"followed a CLI sign-out {followed_in:.1f} s after it, panel hidden\n"
    )
    (ARTIFACTS / "polling.txt").write_text(report)
    print("\n" + report)


def test_refresh_warns_when_the_server_revoked_the_token(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    server_login(lab)
    open_panel_from_sidebar(page)
    expect(page.get_by_test_id("repoconnect-status")).to_be_visible()
    expect(page.get_by_test_id("status-warnings")).to_have_count(0)
    for record in list(lab.sandbox.server_tokens.values()):
        lab.sandbox.revoke_token(record.token)

    page.get_by_test_id("refresh-button").click()
    warnings = page.get_by_test_id("status-warnings")
    expect(warnings).to_contain_text("refused your token")
    expect(warnings).to_contain_text("sign in again")
    # Still signed in here (the local sign-in exists), but never called "Connected" (issue 20,
    # point 4): the heading and the status bar say the token no longer works.
    status = page.get_by_test_id("repoconnect-status")
    expect(status).to_have_attribute("data-token-refused", "true")
    expect(page.locator("#jp-RepoConnect-status-title")).to_have_text(
        "Signed in, but the token no longer works"
    )
    expect(page.get_by_test_id("repoconnect-statusbar")).to_have_text(
        "Conda: Anaconda Server (token refused)"
    )
    snapshot(page, "refresh-revoked-token")


def test_failed_revoke_is_a_warning_not_signed_out_alone(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    server_login(lab)
    open_panel_from_sidebar(page)
    expect(page.get_by_test_id("repoconnect-status")).to_be_visible()
    lab.sandbox.inject("status", service="server", value=500)
    try:
        page.get_by_test_id("signout-button").click()
        notice = page.get_by_test_id("repoconnect-notice")
        expect(notice).to_have_attribute("data-kind", "warning")
        expect(notice).to_contain_text("Signed out, with warnings.")
        expect(page.get_by_test_id("notice-details")).not_to_be_empty()
    finally:
        lab.sandbox.clear_faults()
    # Next to the sign-in form (where the focus went), and as a JupyterLab notification.
    expect(page.get_by_test_id("repoconnect-signin")).to_contain_text("Signed out, with warnings")
    expect(page.locator(".jp-toast-message, .Toastify__toast").first).to_contain_text(
        "Signed out, with warnings"
    )
    assert lab.api("GET", "status")[1]["connected"] is False
    snapshot(page, "signout-warnings")


def test_an_action_on_a_moved_state_shows_the_real_state(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    open_panel_from_sidebar(page)
    fill_server_sign_in(page, lab)
    server_login(lab)  # another surface signs in first
    page.get_by_test_id("login-button").click()
    error = page.get_by_test_id("repoconnect-error")
    expect(error).to_have_attribute("data-code", "already_connected")
    expect(error).to_contain_text("now shows the current state")
    expect(page.get_by_test_id("repoconnect-body")).to_have_attribute("data-state", "connected")
    expect(page.get_by_test_id("status-username")).to_have_text("demo")


NOTEBOOK_CODE = """\
from jupyter_repoconnect.widgets import StatusPanel
first, second = StatusPanel(), StatusPanel()
display(first, second)
"""


def test_notebook_widget_sign_out_is_followed_by_the_panel_and_other_widgets(
    page: Page, lab_env: Lab
) -> None:
    lab = lab_env
    server_login(lab)
    open_panel_from_sidebar(page)
    expect(page.get_by_test_id("repoconnect-status")).to_be_visible()

    # A notebook with two status widgets, in a real kernel of this Jupyter server.
    page.evaluate(
        """async code => {
            const panel = await jupyterapp.commands.execute(
                'notebook:create-new', { kernelName: 'python3' });
            await panel.context.ready;
            await panel.sessionContext.ready;
            panel.content.activeCell.model.sharedModel.setSource(code);
            await jupyterapp.commands.execute('notebook:run-cell');
        }""",
        NOTEBOOK_CODE,
    )
    sign_out = page.locator(".jp-OutputArea button", has_text="Sign out")
    expect(sign_out).to_have_count(2, timeout=60_000)
    expect(sign_out.first).to_be_enabled(timeout=30_000)
    sign_out.first.click()

    # The widget that signed out says so; the other one and the panel follow by themselves.
    outputs = page.locator(".jp-OutputArea")
    expect(outputs.first).to_contain_text("Signed out.", timeout=30_000)
    expect(outputs.first).to_contain_text("Signed out elsewhere", timeout=(POLL + 5) * 1000)
    body = page.get_by_test_id("repoconnect-body")
    expect(body).to_have_attribute("data-state", "signed-out", timeout=(POLL + 3) * 1000)
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Signed out elsewhere")
    assert lab.api("GET", "status")[1]["connected"] is False
    # No kernel left running for the next tests (and no "shut down?" dialog either).
    page.evaluate("async () => { await jupyterapp.serviceManager.sessions.shutdownAll(); }")


def assert_checked_at_panel_pace(page: Page, seen: list[tuple[float, Request]], shown: str) -> None:
    """With the panel hidden and ``shown`` on screen, the status is checked at the panel's
    pace: three checks in a window that holds at most two at the hidden one."""
    window = 3 * POLL + 3
    assert window < 2 * HIDDEN_POLL
    start = len(seen)
    page.wait_for_timeout(window * 1000)
    checks = len(seen) - start
    print(f"\nstatus requests with {shown}, panel hidden: {checks} in {window} s")
    assert checks >= 3, checks
