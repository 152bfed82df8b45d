"""Signing in step by step where there is room (issue 20, points 8 and 9), in a real browser.

The sidebar shows the connection and "Connect…"; the steps open in the main area: 1 the service
(titles from the server's preferences), 2 "Set Domain" where the service needs one, 3 its form,
with "Where is my token?" for a token. Once signed in, the steps close and the sidebar shows it.
"""

from __future__ import annotations

import socket

import pytest
from playwright.sync_api import Page, expect

from .test_ui_live import POLL, assert_checked_at_panel_pace, status_requests
from .uihelpers import FLOW, Lab, open_panel_from_sidebar, open_sign_in

pytestmark = pytest.mark.browser


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connect_opens_the_steps_and_they_close_once_signed_in(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    services = lab.api("GET", "preferences")[1]["services"]
    open_panel_from_sidebar(page, sign_in=False)
    summary = page.get_by_test_id("connect-summary")
    for service in services:
        expect(summary).to_contain_text(service["short_title"])
    expect(page.locator(FLOW)).to_have_count(0)

    open_sign_in(page)
    flow = page.locator(FLOW)
    titles = flow.get_by_test_id("service-choice").locator("label")
    expect(titles).to_have_text([service["title"] for service in services])
    expect(page.get_by_test_id("connect-button")).to_have_text("Continue signing in…")

    # Anaconda Professional: no domain, so two steps; the token's "Where is my token?".
    page.get_by_test_id("service-cloud").check()
    expect(flow.get_by_test_id("signin-step-3")).to_have_count(0)
    expect(flow.get_by_test_id("signin-step-2")).to_contain_text("Set Token")
    where = flow.get_by_test_id("where-is-my-token")
    expect(where.locator("p")).to_be_hidden()
    where.locator("summary").click()
    expect(where).to_contain_text("Token Access page")
    expect(where).to_contain_text("Re-issuing a token invalidates the previous token.")

    # Anaconda Server: three steps, the domain second, with a way to look at it first.
    page.get_by_test_id("service-server").check()
    expect(flow.get_by_test_id("signin-step-2")).to_contain_text("Set Domain")
    expect(flow.get_by_test_id("signin-needs-domain")).to_be_visible()
    # "Check" before going on: nothing answers at a closed port; the sandbox is a Server.
    domain = page.get_by_test_id("domain-input")
    domain.fill(f"http://127.0.0.1:{closed_port()}")
    page.get_by_test_id("check-domain").click()
    results = page.get_by_test_id("domain-check-results")
    expect(results).to_have_attribute("data-ok", "false")
    expect(results.locator('[data-check="reachable"]')).to_have_attribute("data-ok", "false")
    domain.fill(lab.sandbox.urls["server"])
    expect(results).to_have_count(0)  # it described another domain
    page.get_by_test_id("check-domain").click()
    expect(results).to_have_attribute("data-ok", "true")
    expect(results.locator('[data-check="service"]')).to_have_attribute("data-ok", "true")
    assert lab.api("GET", "preferences")[1]["server_domain"] is None  # nothing written
    expect(flow.get_by_test_id("signin-needs-domain")).to_have_count(0)
    page.get_by_test_id("username-input").fill("demo")
    page.get_by_test_id("password-input").fill(lab.sandbox.users["demo"])
    page.get_by_test_id("password-input").press("Enter")

    # Signed in: the steps close, the sidebar shows the connection with the focus on it.
    expect(page.locator(FLOW)).to_have_count(0)
    expect(page.get_by_test_id("repoconnect-status")).to_be_visible()
    expect(page.locator("#jp-RepoConnect-status-title")).to_be_focused()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Signed in to")


def test_a_domain_error_is_said_once_and_keeps_the_password(page: Page, lab_env: Lab) -> None:
    """A trailing slash: the message shows at the domain field only, and the credentials that
    were never tried stay in their fields (issue 20, point 8)."""
    lab = lab_env
    password = lab.sandbox.users["demo"]
    open_panel_from_sidebar(page)
    page.get_by_test_id("service-server").check()
    domain = page.get_by_test_id("domain-input")
    domain.fill(lab.sandbox.urls["server"] + "/")
    page.get_by_test_id("username-input").fill("demo")
    page.get_by_test_id("password-input").fill(password)
    page.get_by_test_id("login-button").click()

    ours = page.locator(f"#jp-repoconnect-panel, {FLOW}")  # the panel and the steps
    expect(page.get_by_test_id("domain-hint")).to_contain_text("trailing slash")
    expect(domain).to_have_attribute("aria-invalid", "true")
    expect(ours.get_by_text("Remove the trailing slash")).to_have_count(1)  # said once
    expect(page.get_by_test_id("repoconnect-error")).to_have_count(0)
    expect(page.get_by_test_id("password-input")).to_have_value(password)
    expect(page.get_by_test_id("username-input")).to_have_value("demo")
    assert lab.api("GET", "status")[1]["connected"] is False

    # "Set Domain" with the slash: said once too.
    page.get_by_test_id("set-domain").click()
    expect(page.get_by_test_id("domain-hint")).to_contain_text("trailing slash")
    expect(ours.get_by_text("Remove the trailing slash")).to_have_count(1)

    # Fixed, and the password still there: Enter signs in.
    domain.fill(lab.sandbox.urls["server"])
    page.get_by_test_id("password-input").press("Enter")
    expect(page.get_by_test_id("repoconnect-status")).to_be_visible()
    assert lab.api("GET", "status")[1]["connected"] is True


def test_the_open_steps_follow_a_sign_in_made_elsewhere(page: Page, lab_env: Lab) -> None:
    """Opened from the palette, the panel never shown: the steps count as shown, so the status
    is checked at the panel's pace, and a terminal's sign-in closes them and says so."""
    lab = lab_env
    seen = status_requests(page)
    page.evaluate("() => jupyterapp.commands.execute('repoconnect:connect')")
    expect(page.locator(FLOW)).to_be_visible()
    expect(page.locator("#jp-repoconnect-panel")).to_be_hidden()
    assert_checked_at_panel_pace(page, seen, "the sign-in steps shown")

    login = lab.cli(
        "login", "server", "--domain", lab.sandbox.urls["server"], "--username", "demo",
        "--password-stdin", stdin=lab.sandbox.users["demo"] + "\n",
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    expect(page.locator(FLOW)).to_have_count(0, timeout=(POLL + 3) * 1000)
    expect(page.get_by_test_id("repoconnect-status")).to_be_visible()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("elsewhere")
