"""Troubleshooting in a real browser: results belong to the state they were computed for, and
a failed sign-in is checked as it was attempted (issue 20, point 2)."""

from __future__ import annotations

import socket

import pytest
from playwright.sync_api import Page, expect

from .uihelpers import Lab, open_panel_from_sidebar, snapshot

pytestmark = pytest.mark.browser

FINDING = '[data-testid="doctor-finding"]'


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_results_of_an_earlier_connection_are_never_shown_as_current(
    page: Page, lab_env: Lab
) -> None:
    lab = lab_env
    code, body = lab.api(
        "POST", "connect", {"service": "cloud", "token": lab.sandbox.cloud_tokens[0]}
    )
    assert code == 200, body
    open_panel_from_sidebar(page, sign_in=False)
    page.get_by_test_id("troubleshoot-button").click()
    connection = page.locator(f'{FINDING}[data-check="connection"]')
    expect(connection).to_contain_text("Signed in to Anaconda Professional")

    # Elsewhere (a terminal): sign out, then sign in to Enterprise 4.
    assert lab.cli("logout").returncode == 0
    login = lab.cli(
        "login", "enterprise", "--domain", lab.sandbox.urls["enterprise"], "--username", "demo",
        "--password-stdin", stdin=lab.sandbox.users["demo"] + "\n",
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    status = page.get_by_test_id("repoconnect-status")
    expect(status).to_contain_text("Enterprise 4", timeout=20_000)  # the panel polls
    expect(page.get_by_test_id("doctor-title")).to_have_attribute("data-state", "stale")
    expect(page.get_by_test_id("doctor-title")).to_contain_text("Out of date")
    expect(page.locator(FINDING)).to_have_count(0)
    expect(page.locator(FINDING, has_text="Anaconda Professional")).to_have_count(0)

    page.get_by_test_id("run-doctor").click()
    expect(connection).to_contain_text("Signed in to Anaconda Enterprise 4 Repository")
    expect(page.locator(FINDING, has_text="Anaconda Professional")).to_have_count(0)
    expect(page.get_by_test_id("doctor-title")).not_to_have_attribute("data-state", "stale")


def test_a_failed_sign_in_is_checked_as_attempted(page: Page, lab_env: Lab) -> None:
    closed = closed_port()
    open_panel_from_sidebar(page)
    page.get_by_test_id("service-server").check()
    page.get_by_test_id("domain-input").fill(closed)
    page.get_by_test_id("username-input").fill("demo")
    page.get_by_test_id("password-input").fill("a-password-never-sent-to-the-doctor")
    page.get_by_test_id("login-button").click()
    error = page.get_by_test_id("repoconnect-error")
    expect(error).to_be_visible()
    with page.expect_request(lambda r: "/repoconnect/doctor" in r.url) as sent:
        error.get_by_test_id("error-troubleshoot").click()
    assert "a-password" not in sent.value.url  # what was attempted, never the password
    reachable = page.locator(f'{FINDING}[data-check="reachable"]')
    expect(reachable).to_contain_text(f"Nothing answers at {closed}")
    expect(reachable).to_have_attribute("data-ok", "false")
    expect(page.locator(f'{FINDING}[data-check="connection"]')).to_have_count(
        0
    )  # no "Not signed in"
    expect(page.get_by_test_id("doctor-fix").first).to_contain_text("Check the domain")
    snapshot(page, "troubleshooting-attempt")
