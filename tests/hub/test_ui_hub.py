"""The Repositories panel at /user/<name>/lab, signed in through the hub, in real Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from jupyter_repoconnect.testing.hub import HUB_PASSWORD
from tests.ui.uihelpers import REPO, open_panel_from_sidebar

from .conftest import HubSetup

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
ARTIFACTS = REPO / "test-artifacts" / "hub"


@pytest.fixture
def hub_page(browser: Browser, hub_env: HubSetup) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 1200})
    context.set_default_timeout(60_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not [e for e in errors if "repoconnect" in e.lower()], errors


def test_panel_through_the_hub_shows_the_locked_domain_and_signs_in(
    hub_page: Page, hub_env: HubSetup
) -> None:
    from playwright.sync_api import expect

    page = hub_page
    a, b = hub_env.users
    initial = (a.home / ".condarc").read_bytes()
    b_condarc = (b.home / ".condarc").read_bytes()

    # Sign in to the hub as A, as a user would.
    page.goto(f"{hub_env.hub.url}hub/login")
    page.locator("#username_input").fill(a.name)
    page.locator("#password_input").fill(HUB_PASSWORD)
    page.locator("#login_submit").click()
    page.wait_for_url(f"**/user/{a.name}/**")
    page.goto(f"{hub_env.hub.url}user/{a.name}/lab?reset")
    page.wait_for_selector(".jp-SideBar.jp-mod-left", timeout=90_000)
    open_panel_from_sidebar(page)

    # Only the allowed service; the preset domain, read-only, "Set Domain" disabled.
    expect(page.get_by_test_id("service-server")).to_be_checked()
    expect(page.get_by_test_id("service-cloud")).to_have_count(0)
    expect(page.get_by_test_id("service-enterprise")).to_have_count(0)
    domain = page.get_by_test_id("domain-input")
    expect(domain).to_have_value(hub_env.domain)
    expect(domain).to_have_attribute("readonly", "")
    expect(page.get_by_test_id("set-domain")).to_be_disabled()
    expect(page.get_by_test_id("domain-hint")).to_have_text("Set by your administrator.")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#jp-repoconnect-panel").screenshot(path=str(ARTIFACTS / "locked-domain.png"))

    # Login with A's repository credentials.
    page.get_by_test_id("username-input").fill(a.name)
    page.get_by_test_id("password-input").fill(a.repo_password)
    page.get_by_test_id("login-button").click()
    expect(page.get_by_test_id("status-username")).to_have_text(a.name)
    expect(page.get_by_test_id("status-domain")).to_have_text(hub_env.domain)
    assert (a.home / ".condarc").read_bytes() != initial
    assert hub_env.hub.user_api(a, "GET", "status")[1]["connected"] is True
    assert hub_env.hub.user_api(b, "GET", "status")[1]["connected"] is False
    assert (b.home / ".condarc").read_bytes() == b_condarc

    page.get_by_test_id("signout-button").click()
    expect(page.get_by_test_id("repoconnect-signin")).to_be_visible()
    assert (a.home / ".condarc").read_bytes() == initial
