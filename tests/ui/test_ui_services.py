"""Cloud ("Set Token") and Enterprise 4 (channels by hand) through the panel."""

from __future__ import annotations

import re

import pytest
import yaml
from playwright.sync_api import Page, expect

from .uihelpers import Lab, open_panel_from_sidebar, open_sign_in

pytestmark = pytest.mark.browser


def test_cloud_set_token_and_sign_out(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    before = lab.condarc.read_bytes()
    open_panel_from_sidebar(page)
    page.get_by_test_id("service-cloud").check()
    token_input = page.get_by_test_id("token-input")
    expect(token_input).to_have_attribute("type", "password")
    expect(token_input).to_have_attribute("autocomplete", "off")
    token_input.fill(lab.sandbox.cloud_tokens[0])
    page.get_by_test_id("set-token").click()

    expect(page.get_by_test_id("repoconnect-status")).to_have_attribute("data-service", "cloud")
    expect(page.get_by_test_id("channel-picker")).to_have_count(0)
    # What Cloud writes to .condarc is the core's business (tests/core); the panel shows it.
    written = yaml.safe_load(lab.condarc.read_text()) or {}
    for entry in written.get("channels") or []:
        shown = re.sub(r"/t/[^/]+/", "/t/<TOKEN>/", entry)
        expect(page.get_by_test_id("status-channels")).to_contain_text(shown)
    assert lab.sandbox.cloud_tokens[0] not in page.content()

    page.get_by_test_id("signout-button").click()
    expect(page.get_by_test_id("repoconnect-signin")).to_be_visible()
    open_sign_in(page)  # the steps again: the token typed before is gone
    page.get_by_test_id("service-cloud").check()
    expect(page.get_by_test_id("token-input")).to_have_value("")
    assert lab.condarc.read_bytes() == before


def test_enterprise_asks_to_add_channels_by_hand(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    before = lab.condarc.read_bytes()
    open_panel_from_sidebar(page)
    page.get_by_test_id("service-enterprise").check()
    page.get_by_test_id("domain-input").fill(lab.sandbox.urls["enterprise"])
    page.get_by_test_id("set-domain").click()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Domain set")
    page.get_by_test_id("username-input").fill("demo")
    page.get_by_test_id("password-input").fill("demo-password")
    page.get_by_test_id("login-button").click()

    status = page.get_by_test_id("repoconnect-status")
    expect(status).to_have_attribute("data-service", "enterprise")
    expect(page.get_by_test_id("status-message")).to_contain_text("by hand")
    expect(page.get_by_test_id("channel-picker")).to_have_count(0)

    page.get_by_test_id("signout-button").click()
    expect(page.get_by_test_id("repoconnect-signin")).to_be_visible()
    assert lab.condarc.read_bytes() == before


def test_preferences_set_both_domains(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    before = lab.condarc.read_bytes()
    open_panel_from_sidebar(page)
    page.get_by_test_id("preferences").locator("summary").click()
    page.get_by_label("Anaconda Server API domain").fill(lab.sandbox.urls["server"])
    page.get_by_label("Enterprise 4 Repository API domain").fill(lab.sandbox.urls["enterprise"])
    page.get_by_test_id("apply-preferences").click()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Preferences saved")
    expect(page.get_by_test_id("apply-preferences")).to_be_disabled()

    prefs = lab.api("GET", "preferences")[1]
    assert prefs["server_domain"] == lab.sandbox.urls["server"]
    assert prefs["enterprise_domain"] == lab.sandbox.urls["enterprise"]
    # The sign-in form uses them.
    page.get_by_test_id("service-server").check()
    expect(page.get_by_test_id("domain-input")).to_have_value(lab.sandbox.urls["server"])
    page.get_by_test_id("service-enterprise").check()
    expect(page.get_by_test_id("domain-input")).to_have_value(lab.sandbox.urls["enterprise"])
    assert lab.condarc.read_bytes() == before

    # A malformed domain is refused with the API's message.
    page.get_by_label("Anaconda Server API domain").fill("not a url")
    page.get_by_test_id("apply-preferences").click()
    expect(page.get_by_test_id("repoconnect-error")).to_be_visible()
    assert lab.api("GET", "preferences")[1]["server_domain"] == lab.sandbox.urls["server"]
