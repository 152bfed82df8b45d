"""Changes said out loud, in a real browser (issue 20, point 5): a sign-in names what it
changed in .condarc and that it comes back; a count names every channel it counts."""

from __future__ import annotations

import pytest
import yaml
from playwright.sync_api import Page, expect

from .uihelpers import Lab, fill_server_sign_in, open_panel_from_sidebar, snapshot

pytestmark = pytest.mark.browser


def test_a_sign_in_says_what_it_changed_and_counts_name_their_channels(
    page: Page, lab_env: Lab
) -> None:
    lab = lab_env
    open_panel_from_sidebar(page)
    fill_server_sign_in(page, lab)
    page.get_by_test_id("login-button").click()

    notice = page.get_by_test_id("repoconnect-notice")
    expect(notice).to_contain_text("Signed in to")
    expect(notice).to_contain_text("Your previous .condarc is saved and comes back at sign-out.")
    details = notice.get_by_test_id("notice-details").locator("li")
    expect(details.nth(0)).to_contain_text("channels: [defaults, conda-forge] → [] (")
    alias = f"{lab.sandbox.urls['server']}/api/repo"
    expect(notice.get_by_test_id("notice-details")).to_contain_text(f"channel_alias set to {alias}")
    written = yaml.safe_load(lab.condarc.read_text())
    assert written["channels"] == [] and written["channel_alias"] == alias  # what was said
    snapshot(page, "signed-in-changes")

    # One channel into default_channels: `defaults` goes into channels too, and is named.
    section = page.get_by_test_id("configure-conda")
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    page.get_by_test_id("hand-input").fill("internal-tools")
    page.get_by_test_id("hand-add-default-channels").click()
    expect(notice).to_contain_text(
        "Added 1 channel to channels (defaults, added for you: conda reads default_channels "
        "only through defaults in channels) and 1 channel to default_channels (internal-tools)"
    )
    written = yaml.safe_load(lab.condarc.read_text())
    assert written["channels"] == ["defaults"] and written["default_channels"] == ["internal-tools"]
