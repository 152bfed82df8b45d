"""The panel's "Configure Conda" section edits both lists of `.condarc` and nothing else."""

from __future__ import annotations

import pytest
import yaml
from playwright.sync_api import Page, expect

from .uihelpers import Lab, open_panel_from_sidebar, snapshot

pytestmark = pytest.mark.browser

CONDARC = """\
# Team settings: keep this comment.
channels:
  - defaults
  - conda-forge
  - bioconda
default_channels:
  - https://repo.example.com/pkgs/main
ssl_verify: true
"""


def entries(page: Page, in_list: str = "channels") -> list[str]:
    rows = page.locator(f'[data-testid="condarc-entry"][data-list="{in_list}"]')
    return [rows.nth(i).get_attribute("data-name") or "" for i in range(rows.count())]


def open_configure_conda(page: Page) -> None:
    open_panel_from_sidebar(page)
    section = page.get_by_test_id("configure-conda")
    section.locator("summary").click()
    expect(page.get_by_test_id("condarc-path")).to_be_visible()


def test_remove_reorder_and_save(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    lab.condarc.write_text(CONDARC)
    open_configure_conda(page)
    expect(page.locator('[data-testid="condarc-entry"][data-list="channels"]')).to_have_count(3)
    assert entries(page) == ["defaults", "conda-forge", "bioconda"]
    assert entries(page, "default_channels") == ["https://repo.example.com/pkgs/main"]
    save = page.get_by_test_id("save-condarc")
    expect(save).to_be_disabled()

    # Remove a channel with the keyboard; nothing is written before "Save".
    page.get_by_role("button", name="Remove conda-forge").focus()
    page.keyboard.press("Enter")
    assert entries(page) == ["defaults", "bioconda"]
    assert lab.condarc.read_text() == CONDARC
    save.click()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Saved")
    expected = CONDARC.replace("  - conda-forge\n", "")
    assert lab.condarc.read_text() == expected

    # Removing `defaults` first warns; "Keep defaults" leaves it.
    page.get_by_role("button", name="Remove defaults").click()
    warning = page.get_by_test_id("defaults-warning")
    expect(warning).to_be_visible()
    expect(warning).to_have_attribute("role", "alert")
    expect(warning).to_contain_text("recommends against removing defaults")
    expect(page.get_by_test_id("cancel-remove-defaults")).to_be_focused()
    snapshot(page, "configure-conda")
    page.get_by_test_id("cancel-remove-defaults").click()
    expect(warning).to_have_count(0)
    assert entries(page) == ["defaults", "bioconda"]

    # Up/down, then "Save": only the order changes.
    page.get_by_role("button", name="Move bioconda up").click()
    assert entries(page) == ["bioconda", "defaults"]
    save.click()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Saved")
    data = yaml.safe_load(lab.condarc.read_text())
    assert data["channels"] == ["bioconda", "defaults"]
    assert data["default_channels"] == ["https://repo.example.com/pkgs/main"]
    assert data["ssl_verify"] is True
    assert lab.condarc.read_text().startswith("# Team settings: keep this comment.\n")

    # Confirmed removal of `defaults` is written.
    page.get_by_role("button", name="Remove defaults").click()
    page.get_by_test_id("confirm-remove-defaults").click()
    assert entries(page) == ["bioconda"]
    save.click()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Saved")
    assert yaml.safe_load(lab.condarc.read_text())["channels"] == ["bioconda"]


def test_a_concurrent_edit_is_refused_and_shown(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    lab.condarc.write_text(CONDARC)
    open_configure_conda(page)
    expect(page.locator('[data-testid="condarc-entry"][data-list="channels"]')).to_have_count(3)

    # Someone else edits the file after the panel read it.
    changed_elsewhere = CONDARC + "auto_update_conda: false\n"
    lab.condarc.write_text(changed_elsewhere)
    page.get_by_role("button", name="Remove bioconda").click()
    with page.expect_response(
        lambda r: "/repoconnect/condarc" in r.url and r.request.method == "PUT"
    ) as answer:
        page.get_by_test_id("save-condarc").click()
    assert answer.value.status == 409
    message = answer.value.json()["message"]
    expect(page.get_by_test_id("repoconnect-error")).to_contain_text(message)
    expect(page.get_by_test_id("condarc-conflict")).to_be_visible()
    assert lab.condarc.read_text() == changed_elsewhere

    # "Discard changes" reads the file again.
    page.get_by_test_id("reload-condarc").click()
    expect(page.get_by_test_id("condarc-conflict")).to_have_count(0)
    assert entries(page) == ["defaults", "conda-forge", "bioconda"]
    assert lab.condarc.read_text() == changed_elsewhere
