"""Anaconda Server's other sign-in methods through the panel: an access token made on the
server's web page, single sign-on with the pasted address, and Renew after a password sign-in."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from .uihelpers import Lab, as_remote, fill_server_sign_in, load_lab, open_panel_from_sidebar

pytestmark = pytest.mark.browser


def web_page_token(lab: Lab) -> str:
    """What a user does on the server's web page: log in, create a private access token."""
    from jupyter_repoconnect.core.services.server import TOKEN_SCOPES

    with httpx.Client(base_url=lab.sandbox.urls["server"], trust_env=False) as http:
        login = {"username": "demo", "password": "demo-password"}
        session = http.post("/api/auth/login", json=login).json()["token"]
        created = http.post(
            "/api/account/tokens",
            headers={"Authorization": f"Bearer {session}"},
            json={"name": "from-the-ui-test", "expires_at": "2999-01-01",
                  "scopes": list(TOKEN_SCOPES)},
        ).json()  # fmt: skip
    return str(created["token"])


def choose_server(page: Page, lab: Lab) -> None:
    page.get_by_test_id("service-server").check()
    page.get_by_test_id("domain-input").fill(lab.sandbox.urls["server"])
    page.get_by_test_id("set-domain").click()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Domain set")


def test_access_token_sign_in(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    token = web_page_token(lab)
    open_panel_from_sidebar(page)
    choose_server(page, lab)
    choice = page.get_by_test_id("jp-RepoConnect-method-choice")
    for method in ("password", "sso", "access_token"):
        expect(choice.get_by_test_id(f"method-{method}")).to_be_visible()
    page.get_by_test_id("method-access_token").check()
    page.get_by_test_id("token-input").fill(token)
    page.get_by_test_id("access_token-submit").click()

    status = page.get_by_test_id("repoconnect-status")
    expect(status).to_have_attribute("data-service", "server")
    expect(page.get_by_test_id("status-username")).to_have_text("demo")
    assert token not in page.content()


def sign_in_at_provider(provider: Page, button: str = "login") -> None:
    provider.wait_for_load_state()
    provider.locator('input[name="username"]').fill("demo")
    provider.locator('input[name="password"]').fill("demo-password")
    provider.locator(f'button[name="{button}"]').click()


def test_single_sign_on_on_the_same_machine_finishes_by_itself(page: Page, lab_env: Lab) -> None:
    """Lab is served on loopback, so the panel asks the server to listen: the provider's
    redirect reaches it and the panel connects with nothing pasted."""
    lab = lab_env
    open_panel_from_sidebar(page)
    choose_server(page, lab)
    page.get_by_test_id("method-sso").check()
    with page.context.expect_page() as opened:
        page.get_by_test_id("sso-submit").click()
    expect(page.get_by_test_id("sso-listening")).to_contain_text("finishes by itself")
    provider = opened.value
    sign_in_at_provider(provider)
    expect(provider.locator("body")).to_contain_text("Signed in to Anaconda Server")
    assert provider.url.startswith("http://localhost:") and "code=" in provider.url

    status = page.get_by_test_id("repoconnect-status")
    expect(status).to_have_attribute("data-connected", "true")
    expect(page.get_by_test_id("status-username")).to_have_text("demo")
    expect(page.get_by_test_id("sso-waiting")).to_have_count(0)
    answer = lab.api("GET", "status")[1]
    assert answer["connected"] and answer["service"] == "server"
    assert provider.url not in page.content()  # the one-time code is never shown


def test_single_sign_on_denied_at_the_provider_on_the_same_machine(
    page: Page, lab_env: Lab
) -> None:
    lab = lab_env
    before = lab.condarc.read_bytes() if lab.condarc.exists() else None
    open_panel_from_sidebar(page)
    choose_server(page, lab)
    page.get_by_test_id("method-sso").check()
    with page.context.expect_page() as opened:
        page.get_by_test_id("sso-submit").click()
    sign_in_at_provider(opened.value, button="cancel")
    error = page.get_by_test_id("repoconnect-error")
    expect(error).to_contain_text("Sign in again")
    expect(page.get_by_test_id("sso-form")).to_be_visible()
    assert lab.api("GET", "status")[1]["connected"] is False
    assert (lab.condarc.read_bytes() if lab.condarc.exists() else None) == before


def test_single_sign_on_with_the_pasted_address(page: Page, lab_env: Lab) -> None:
    """Lab opened by a name that is not loopback, as from another machine: the panel does not
    ask for a listener, the redirect's page does not load, and the address is pasted."""
    lab = lab_env
    load_lab(page, as_remote(lab.url), lab.token)
    open_panel_from_sidebar(page)
    choose_server(page, lab)
    page.get_by_test_id("method-sso").check()
    with page.context.expect_page() as opened:
        page.get_by_test_id("sso-submit").click()
    provider = opened.value
    provider.wait_for_load_state()
    assert provider.url.startswith(lab.sandbox.urls["oidc"])
    waiting = page.get_by_test_id("sso-waiting")
    expect(waiting).to_contain_text("copy that page's address and paste it here")
    expect(page.get_by_test_id("sso-listening")).to_have_count(0)
    expect(page.get_by_test_id("sso-open-page")).to_have_class("jp-RepoConnect-link")

    provider.locator('input[name="username"]').fill("demo")
    provider.locator('input[name="password"]').fill("demo-password")
    with provider.expect_request(lambda r: r.url.startswith("http://localhost:")) as landed:
        provider.locator('button[name="login"]').click()
    address = landed.value.url
    assert "code=" in address and "state=" in address
    provider.close()
    assert lab.api("GET", "status")[1]["connected"] is False  # nothing listened

    page.get_by_test_id("sso-address-input").fill(address)
    page.get_by_test_id("sso-finish").click()
    expect(page.get_by_test_id("repoconnect-status")).to_have_attribute("data-connected", "true")
    expect(page.get_by_role("heading", name="Connected")).to_be_visible()
    expect(page.get_by_test_id("status-username")).to_have_text("demo")
    assert address not in page.content()


def test_single_sign_on_cancel_and_wrong_address(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    open_panel_from_sidebar(page)
    choose_server(page, lab)
    page.get_by_test_id("method-sso").check()
    with page.context.expect_page() as opened:
        page.get_by_test_id("sso-submit").click()
    opened.value.close()
    page.get_by_test_id("sso-address-input").fill("http://localhost:1/?nothing=here")
    page.get_by_test_id("sso-finish").click()
    error = page.get_by_test_id("repoconnect-error")
    expect(error).to_contain_text("Still waiting")
    expect(page.get_by_test_id("sso-address-input")).to_have_value("")
    page.get_by_test_id("sso-cancel").click()
    expect(page.get_by_test_id("sso-form")).to_be_visible()
    assert lab.api("GET", "status")[1]["connected"] is False


def test_renew_after_a_password_sign_in(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    open_panel_from_sidebar(page)
    fill_server_sign_in(page, lab)
    page.get_by_test_id("method-password").check()
    page.get_by_test_id("login-button").click()
    expect(page.get_by_test_id("repoconnect-status")).to_have_attribute("data-connected", "true")
    expect(page.get_by_test_id("status-expires")).to_contain_text("Expires")
    before = lab.api("GET", "status")[1]

    page.get_by_test_id("renew-button").click()
    form = page.get_by_test_id("renew-form")
    expect(form).to_have_attribute("data-method", "password")
    expect(page.get_by_test_id("renew-hint")).to_contain_text("channels stay")
    expect(page.get_by_test_id("renew-username-input")).to_have_value("demo")
    page.get_by_test_id("renew-password-input").fill(lab.sandbox.users["demo"])
    page.get_by_test_id("renew-submit").click()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Renewed")
    expect(form).to_have_count(0)
    after = lab.api("GET", "status")[1]
    assert after["connected"] and after["channels"] == before["channels"]
