"""The Repositories panel at /user/<name>/lab, signed in through the hub, in real Chromium."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.ui.uihelpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    as_remote,
    browser_env,
    open_panel_from_sidebar,
)

from .conftest import HubSetup, unavailable
from .harness import HUB_PASSWORD
from .localusers import HubUser

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
ARTIFACTS = REPO / "test-artifacts" / "hub"


def in_browser(steps: Callable[[Page], None], *, trust_sandbox: bool = False) -> None:
    """Run `steps` on a fresh Chromium page, in a thread of its own.

    Playwright's sync API allows one instance per thread, and tests/ui may hold this one's.
    ``trust_sandbox``: the browser accepts the sandbox's own CA (its sign-in pages are HTTPS),
    as a company's browsers trust the company CA.
    """
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium).")

    def run() -> None:
        from playwright.sync_api import sync_playwright

        with (
            tempfile.TemporaryDirectory(prefix="browser-home-") as home,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=browser_env(Path(home))
            )
            try:
                context = browser.new_context(
                    viewport={"width": 1280, "height": 1200}, ignore_https_errors=trust_sandbox
                )
                context.set_default_timeout(60_000)
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                steps(page)
                assert not [e for e in errors if "repoconnect" in e.lower()], errors
            finally:
                browser.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(run).result()


def test_panel_through_the_hub_shows_the_locked_domain_and_signs_in(hub_env: HubSetup) -> None:
    in_browser(lambda page: panel_steps(page, hub_env))


def open_lab_as(page: Page, hub_env: HubSetup, user: HubUser, *, remote: bool = False) -> None:
    """Sign in to the hub as ``user``, as a person would, and open the Repositories panel.
    ``remote``: by a name that is not loopback, as from another machine."""
    hub = as_remote(hub_env.hub.url) if remote else hub_env.hub.url
    page.goto(f"{hub}hub/login")
    page.locator("#username_input").fill(user.name)
    page.locator("#password_input").fill(HUB_PASSWORD)
    page.locator("#login_submit").click()
    page.wait_for_url(f"**/user/{user.name}/**")
    page.goto(f"{hub}user/{user.name}/lab?reset")
    page.wait_for_selector(".jp-SideBar.jp-mod-left", timeout=90_000)
    open_panel_from_sidebar(page)


def panel_steps(page: Page, hub_env: HubSetup) -> None:
    from playwright.sync_api import expect

    a, b = hub_env.users
    initial = (a.home / ".condarc").read_bytes()
    b_condarc = (b.home / ".condarc").read_bytes()
    open_lab_as(page, hub_env, a)

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
    signed_in_alone_then_out(page, hub_env, initial, b_condarc)


def test_single_sign_on_through_the_hub_with_the_pasted_address(hub_env: HubSetup) -> None:
    in_browser(lambda page: sso_steps(page, hub_env), trust_sandbox=True)


def sso_steps(page: Page, hub_env: HubSetup) -> None:
    """A hub's users browse from other machines: the panel asks for no listener, the
    provider's redirect to ``http://localhost:<port>/`` does not load, and the person pastes
    that address into the panel, served through the hub's proxy."""

    a, b = hub_env.users
    initial = (a.home / ".condarc").read_bytes()
    b_condarc = (b.home / ".condarc").read_bytes()
    open_lab_as(page, hub_env, a, remote=True)

    page.get_by_test_id("method-sso").check()
    with page.context.expect_page() as opened:
        page.get_by_test_id("sso-submit").click()
    provider = opened.value
    provider.wait_for_load_state()
    assert provider.url.startswith(hub_env.sandbox.urls["oidc"])
    provider.locator('input[name="username"]').fill(a.name)
    provider.locator('input[name="password"]').fill(a.repo_password)
    with provider.expect_request(lambda r: r.url.startswith("http://localhost:")) as landed:
        provider.locator('button[name="login"]').click()
    address = landed.value.url
    provider.close()
    assert (a.home / ".condarc").read_bytes() == initial  # nothing before the finish

    page.get_by_test_id("sso-address-input").fill(address)
    page.get_by_test_id("sso-finish").click()
    assert address not in page.content()
    signed_in_alone_then_out(page, hub_env, initial, b_condarc)


def signed_in_alone_then_out(
    page: Page, hub_env: HubSetup, initial: bytes, b_condarc: bytes
) -> None:
    """User A is connected and B untouched; A's sign-out restores A's `.condarc`."""
    from playwright.sync_api import expect

    a, b = hub_env.users
    expect(page.get_by_test_id("status-username")).to_have_text(a.name)
    expect(page.get_by_test_id("status-domain")).to_have_text(hub_env.domain)
    assert (a.home / ".condarc").read_bytes() != initial
    assert hub_env.hub.user_api(a, "GET", "status")[1]["connected"] is True
    assert hub_env.hub.user_api(b, "GET", "status")[1]["connected"] is False
    assert (b.home / ".condarc").read_bytes() == b_condarc

    page.get_by_test_id("signout-button").click()
    expect(page.get_by_test_id("repoconnect-signin")).to_be_visible()
    assert (a.home / ".condarc").read_bytes() == initial
