"""The Repositories panel, step by step as in the reference, checking `.condarc` on disk."""

from __future__ import annotations

import re

import pytest
import yaml
from playwright.sync_api import Page, Route, expect

from .uihelpers import INITIAL_CONDARC, SIDEBAR_TAB, Lab, open_panel_from_sidebar, snapshot

pytestmark = pytest.mark.browser

PAGE_SIZE = 50
# ServerConnection appends a cache-busting "?<time>" to every request.
CONNECT = re.compile(r"/repoconnect/connect(\?|$)")


def condarc(lab: Lab) -> dict:
    return yaml.safe_load(lab.condarc.read_text()) or {}


def token_files(lab: Lab) -> list[str]:
    return sorted(p.name for p in lab.binstar_dir.rglob("*") if p.is_file())


def set_server_domain(page: Page, lab: Lab) -> None:
    page.get_by_test_id("service-server").check()
    page.get_by_test_id("domain-input").fill(lab.sandbox.urls["server"])
    page.get_by_test_id("set-domain").click()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Domain set")


def test_open_from_sidebar_and_command_palette(page: Page, lab_env: Lab) -> None:
    panel = page.locator("#jp-repoconnect-panel")
    expect(panel).to_be_hidden()
    page.locator(SIDEBAR_TAB).click()
    expect(panel).to_be_visible()
    expect(panel.get_by_test_id("repoconnect-signin")).to_be_visible()
    expect(panel.get_by_role("heading", name="Repositories")).to_be_visible()
    snapshot(page, "signed-out")

    # Close it again, then open it from the command palette.
    page.locator(SIDEBAR_TAB).click()
    expect(panel).to_be_hidden()
    page.keyboard.press("Control+Shift+C")
    palette = page.locator("#command-palette")
    expect(palette).to_be_visible()
    page.keyboard.type("Open Repositories panel")
    item = palette.locator(".lm-CommandPalette-item", has_text="Open Repositories panel")
    expect(item.first).to_be_visible()
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    expect(panel.get_by_test_id("repoconnect-signin")).to_be_visible()


def test_sign_in_add_channel_sign_out(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    before = lab.condarc.read_bytes()
    open_panel_from_sidebar(page)

    # "Set Domain" remembers the domain; .condarc is untouched.
    set_server_domain(page, lab)
    assert lab.condarc.read_bytes() == before

    # "Login", held in flight long enough to see (and photograph) the spinner.
    held: list[Route] = []
    page.route(CONNECT, lambda route, *_: held.append(route))
    page.get_by_test_id("username-input").fill("demo")
    page.get_by_test_id("password-input").fill("demo-password")
    page.get_by_test_id("login-button").click()
    expect(page.get_by_test_id("repoconnect-busy")).to_contain_text("Signing in")
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the connect request never left the page"
    snapshot(page, "signing-in")
    assert lab.condarc.read_bytes() == before
    held[0].continue_()
    page.unroute(CONNECT)

    status = page.get_by_test_id("repoconnect-status")
    expect(status).to_be_visible()
    expect(page.get_by_test_id("status-username")).to_have_text("demo")
    expect(page.get_by_test_id("status-domain")).to_have_text(lab.sandbox.urls["server"])
    expect(page.get_by_test_id("password-input")).to_have_count(0)
    # Signing in sets channels to an empty list, drops default_channels, keeps the rest.
    after_login = condarc(lab)
    assert after_login["channels"] == []
    assert "default_channels" not in after_login
    assert after_login["ssl_verify"] is True and after_login["auto_activate_base"] is False
    assert lab.condarc.read_text().startswith("# Settings of this test user")

    # The picker renders one page of the ~10,000 channels the user sees, never all of them.
    total = lab.api("GET", "channels?limit=1")[1]["total"]
    assert total > 5_000
    shown = f"{total:,}"
    rows = page.get_by_test_id("channel-row")
    expect(rows).to_have_count(PAGE_SIZE)
    expect(page.get_by_test_id("page-info")).to_have_text(f"1–50 of {shown}")
    page.get_by_test_id("page-next").click()
    expect(page.get_by_test_id("page-info")).to_have_text(f"51–100 of {shown}")
    expect(rows).to_have_count(PAGE_SIZE)

    # Server-side search, debounced: type, and only the match remains.
    searches: list[str] = []
    page.on(
        "request",
        lambda r: searches.append(r.url) if "/repoconnect/channels?" in r.url else None,
    )
    page.get_by_test_id("channel-search").press_sequentially("data-0003", delay=40)
    row = page.locator('[data-testid="channel-row"][data-channel="team-data-0003"]')
    expect(row).to_be_visible()
    expect(rows).to_have_count(1)
    # Debounced: one request for the whole word, not one per keystroke.
    assert 1 <= len(searches) <= 2, searches
    assert "q=data-0003" in searches[-1]
    url = row.locator("[title]").first.get_attribute("title")
    assert url and url.endswith("/team-data-0003")
    row.get_by_test_id("add-to-channels").check()
    expect(page.get_by_test_id("picked-count")).to_have_text("1 channel selected")
    snapshot(page, "channel-picker")

    page.get_by_test_id("add-channels-button").click()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Added 1 channel")
    # Written by name: conda finds it under the channel_alias the sign-in wrote.
    written = condarc(lab)
    assert written["channels"] == ["team-data-0003"]
    assert url == f"{written['channel_alias']}/team-data-0003"
    expect(page.get_by_test_id("status-channels")).to_contain_text("team-data-0003")
    expect(row.locator(".jp-RepoConnect-badge", has_text="in channels")).to_be_visible()
    expect(row.get_by_test_id("add-to-channels")).not_to_be_checked()

    # "Refresh" shows the same state.
    page.get_by_test_id("refresh-button").click()
    expect(page.get_by_test_id("repoconnect-busy")).to_be_hidden()
    expect(page.get_by_test_id("status-channels")).to_contain_text("team-data-0003")
    snapshot(page, "connected")

    # "Sign out" restores .condarc byte for byte.
    page.get_by_test_id("signout-button").click()
    expect(page.get_by_test_id("repoconnect-signin")).to_be_visible()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Signed out")
    assert lab.condarc.read_bytes() == before
    assert lab.condarc.read_text() == INITIAL_CONDARC
    assert lab.api("GET", "status")[1]["connected"] is False


def test_wrong_password_shows_the_message_and_changes_nothing(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    open_panel_from_sidebar(page)
    set_server_domain(page, lab)
    before = lab.condarc.read_bytes()
    tokens_before = token_files(lab)

    # Keyboard only: type the credentials and press Enter in the password field.
    page.get_by_test_id("username-input").focus()
    page.keyboard.type("demo")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("password-input")).to_be_focused()
    page.keyboard.type("not-the-password")
    with page.expect_response(CONNECT) as answer:
        page.keyboard.press("Enter")
    reply = answer.value
    assert reply.status == 401
    message = reply.json()["message"]
    assert message and "not-the-password" not in message

    alert = page.get_by_role("alert").filter(has=page.get_by_test_id("repoconnect-error"))
    expect(alert).to_contain_text(message)
    expect(page.get_by_test_id("password-input")).to_have_value("")
    expect(page.get_by_test_id("password-input")).to_be_focused()
    expect(page.get_by_test_id("repoconnect-signin")).to_be_visible()
    snapshot(page, "error")

    assert lab.condarc.read_bytes() == before
    assert token_files(lab) == tokens_before
    assert lab.api("GET", "status")[1]["connected"] is False
    assert "not-the-password" not in page.content()
