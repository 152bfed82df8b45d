"""A sub-channel picked in the panel, installed from by the real conda (issue 23, point 3).

Signing in is set up over the REST API (the sign-in flow has its own tests); the channel is
found by its parent's name, picked and added in real Chromium, and then conda — reading the
`.condarc` and token store this Lab's server wrote — downloads and installs the package that
only that sub-channel holds.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from jupyter_repoconnect.testing.catalog import package_name
from tests.conda.conftest import HOW, Conda, assert_installed

from .uihelpers import Lab, open_panel_from_sidebar

pytestmark = pytest.mark.browser

SUB_CHANNEL = "internal-tools/stable"


def real_conda(lab: Lab, scratch: Path) -> Conda:
    exe = os.environ.get("REPOCONNECT_CONDA") or shutil.which("conda")
    if not exe or not Path(exe).exists():
        if os.environ.get("CI"):
            pytest.fail(HOW, pytrace=False)
        pytest.skip(HOW)
    env = {
        **os.environ,
        "HOME": str(lab.condarc.parent),
        "CONDARC": str(lab.condarc),
        "BINSTAR_CONFIG_DIR": str(lab.binstar_dir),
        "CONDA_PKGS_DIRS": str(scratch / "pkgs"),
        "CONDA_ENVS_DIRS": str(scratch / "envs"),
        "CONDA_NUMBER_CHANNEL_NOTICES": "0",
    }
    return Conda(exe, env)


def test_sub_channel_picked_in_the_panel_installs_with_real_conda(
    page: Page, lab_env: Lab, tmp_path: Path
) -> None:
    lab = lab_env
    conda = real_conda(lab, tmp_path)
    code, status = lab.api(
        "POST",
        "connect",
        {"service": "server", "domain": lab.sandbox.urls["server"], "username": "demo",
         "password": lab.sandbox.users["demo"]},
    )  # fmt: skip
    assert code == 200 and status["connected"], status
    package = package_name(SUB_CHANNEL)
    # Before the pick conda cannot install the package (the sign-in left `channels: []`).
    missing = conda.dry_run_create(package)
    assert missing.returncode != 0 and package in missing.stdout, missing
    open_panel_from_sidebar(page)

    # The parent's name finds its sub-channels, shown and written by their real names.
    page.get_by_test_id("channel-search").fill("internal-tools")
    row = page.locator(f'[data-testid="channel-row"][data-channel="{SUB_CHANNEL}"]')
    expect(row).to_be_visible()
    row.get_by_test_id("add-to-channels").check()
    page.get_by_test_id("add-channels-button").click()
    expect(page.get_by_test_id("status-channels")).to_contain_text(SUB_CHANNEL)
    assert SUB_CHANNEL in lab.api("GET", "condarc")[1]["channels"]

    result = conda.create("picked", package)
    assert_installed(conda.prefix("picked"), package)
    assert "/t/" not in result.stdout  # conda never prints the token URL
