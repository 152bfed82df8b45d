"""Picking channels and Configure Conda where there is room (issue 20, points 6 and 9).

The sidebar's picker and Configure Conda each offer "Open in a larger view": one main-area
page, "Conda channels", renders the same components over the same model, so a channel picked
there is written to `.condarc` and shows in the sidebar at once. At 1024×600, in the light and
the dark theme, nothing in the page scrolls sideways or sticks out of its box.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .test_ui_layout import MEASURE, PANEL
from .test_ui_live import assert_checked_at_panel_pace, server_login, status_requests
from .uihelpers import ARTIFACTS, Lab, open_panel_from_sidebar, set_theme

pytestmark = pytest.mark.browser

LARGE = "#jp-repoconnect-large"
CHANNEL = "team-geo-0005"


def test_a_channel_picked_in_the_larger_view_is_added_and_shown_in_the_sidebar(
    small: Page, lab_env: Lab
) -> None:
    page, lab = small, lab_env
    server_login(lab)
    assert CHANNEL not in (lab.api("GET", "condarc")[1]["channels"] or [])
    open_panel_from_sidebar(page)
    sidebar = page.locator(PANEL)
    expect(sidebar.get_by_test_id("channel-row").first).to_be_visible()

    # The picker's header offers the larger view; it opens in the main area, titled.
    sidebar.get_by_test_id("channel-picker").get_by_role(
        "button", name="Open in a larger view"
    ).click()
    large = page.locator(LARGE)
    expect(large).to_be_visible()
    expect(page.locator(".lm-DockPanel .lm-TabBar-tab.lm-mod-current")).to_contain_text(
        "Conda channels"
    )
    search = large.get_by_test_id("channel-search")
    expect(search).to_be_focused()
    assert sidebar.get_by_test_id("channel-search").get_attribute("id") != search.get_attribute(
        "id"
    )  # both places are in the page: their ids differ

    # Opened again (Configure Conda's button), it is the same one page, brought forward.
    configure = sidebar.get_by_test_id("configure-conda")
    configure.locator("summary").click()
    configure.get_by_role("button", name="Open in a larger view").click()
    expect(page.locator(LARGE)).to_have_count(1)
    expect(large.get_by_test_id("configure-conda").locator("summary")).to_be_focused()
    expect(large.get_by_test_id("configure-conda")).to_have_attribute("open", "")

    # Search and pick there, add: `.condarc` has it, and the sidebar (same model) says so.
    search.fill(CHANNEL)
    row = large.locator(f'[data-testid="channel-row"][data-channel="{CHANNEL}"]')
    expect(row).to_be_visible()
    row.get_by_test_id("add-to-channels").check()
    large.get_by_test_id("add-channels-button").click()
    expect(row.locator(".jp-RepoConnect-badge.jp-mod-ok")).to_have_text("in channels")
    assert CHANNEL in lab.api("GET", "condarc")[1]["channels"]
    expect(sidebar.get_by_test_id("status-channels")).to_contain_text(CHANNEL)
    expect(
        large.locator(f'[data-testid="condarc-entry"][data-list="channels"][data-name="{CHANNEL}"]')
    ).to_be_visible()

    # At 1024×600, light and dark: nothing in the page overflows; screenshots of both.
    search.fill("")
    expect(large.get_by_test_id("page-next")).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for theme in ("light", "dark"):
        set_theme(page, theme)
        problems = page.evaluate(MEASURE, [LARGE])
        assert not problems, f"{theme} theme:\n" + "\n".join(problems)
        large.locator(".jp-RepoConnect-largePage").evaluate("el => { el.scrollTop = 0; }")
        large.screenshot(path=str(ARTIFACTS / f"large-view-{theme}.png"), animations="allow")


def test_the_palette_opens_the_larger_view_signed_out(small: Page, lab_env: Lab) -> None:
    page = small
    page.evaluate("async () => { await jupyterapp.commands.execute('repoconnect:pick-channels'); }")
    large = page.locator(LARGE)
    expect(large).to_be_visible()
    # Signed out there is no picker: the page says so and offers the sign-in steps.
    expect(large.get_by_test_id("large-view-no-picker")).to_contain_text("Sign in")
    expect(large.get_by_test_id("configure-conda")).to_have_attribute("open", "")
    large.get_by_test_id("large-view-connect").click()
    expect(page.locator("#jp-repoconnect-signin")).to_be_visible()
    page.evaluate(
        "async () => { await jupyterapp.commands.execute('repoconnect:configure-conda'); }"
    )
    expect(large).to_be_visible()
    expect(large.get_by_test_id("configure-conda").locator("summary")).to_be_focused()
    problems = page.evaluate(MEASURE, [LARGE])
    assert not problems, "\n".join(problems)


def test_the_open_larger_view_keeps_the_status_checked_at_the_panels_pace(
    page: Page, lab_env: Lab
) -> None:
    """Opened from the palette, the panel never shown: the page shows the status too (the
    picker, Configure Conda), so it is checked at the visible pace, not the hidden one."""
    seen = status_requests(page)
    page.evaluate("async () => { await jupyterapp.commands.execute('repoconnect:pick-channels'); }")
    expect(page.locator(LARGE)).to_be_visible()
    expect(page.locator(PANEL)).to_be_hidden()
    assert_checked_at_panel_pace(page, seen, "the larger view shown")
