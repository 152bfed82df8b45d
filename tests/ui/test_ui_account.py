"""Real Chromium: the panel's "Anaconda Cloud account" section — Sign in → the device page in a
new tab → Approve → organisation → Install token (and the reissue warning) — then real conda
installs from the Cloud repository through what was written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from jupyter_repoconnect.testing.catalog import package_name

from ..conda import conftest as conda_fixtures
from .uihelpers import Lab, open_panel_from_sidebar

pytestmark = pytest.mark.browser

# Here, with the other browser tests (which run last), so that Playwright's event loop in
# this thread never meets the Jupyter tests' own loops. The real-conda fixture of tests/conda:
conda_exe = conda_fixtures.conda_exe


@pytest.fixture
def account_lab(lab_env: Lab) -> Iterator[Lab]:
    """The Lab signed out of the account too (anaconda-auth's keyring file is in its home)."""
    keyring = lab_env.condarc.parent / ".anaconda"
    shutil.rmtree(keyring, ignore_errors=True)
    lab_env.sandbox.account.interval = 1  # the real default is 5 s
    # conda must find everything on loopback: no public channel in this user's .condarc
    lab_env.condarc.write_text("# my settings\nchannels:\n  - defaults\nssl_verify: true\n")
    yield lab_env
    status, body = lab_env.api("GET", "status")
    if status == 200 and body["connected"]:
        lab_env.api("POST", "disconnect")
    shutil.rmtree(keyring, ignore_errors=True)


def _conda(exe: str, lab: Lab, *args: str) -> subprocess.CompletedProcess[str]:
    home = lab.condarc.parent
    env = {
        **os.environ,
        "HOME": str(home),
        "CONDARC": str(lab.condarc),
        "BINSTAR_CONFIG_DIR": str(lab.binstar_dir),
        "CONDA_PKGS_DIRS": str(home / "pkgs"),
        "CONDA_ENVS_DIRS": str(home / "envs"),
        "CONDA_NUMBER_CHANNEL_NOTICES": "0",
    }
    return subprocess.run(
        [exe, *args], capture_output=True, text=True, env=env, timeout=180, check=False
    )


def test_device_sign_in_install_token_then_conda_installs(
    page: Any, account_lab: Lab, conda_exe: str
) -> None:
    from playwright.sync_api import expect

    lab, sandbox = account_lab, account_lab.sandbox
    open_panel_from_sidebar(page)
    section = page.get_by_test_id("account-section")
    expect(section).to_have_attribute("data-state", "signed-out")
    section.get_by_test_id("account-sign-in").click()
    code = section.get_by_test_id("account-user-code")
    expect(code).to_be_visible()
    link = section.get_by_test_id("account-open-link")
    expect(link).to_have_attribute("target", "_blank")
    # The device page opens in a new tab, as a person's click would open it.
    with page.context.expect_page() as opened:
        link.click()
    device = opened.value
    device.wait_for_load_state()
    assert device.url.startswith(sandbox.urls["account"] + "/device")
    assert device.locator("input[name=user_code]").input_value() == code.inner_text()
    device.get_by_role("button", name="Approve").click()
    device.get_by_text("Device approved").wait_for()
    device.close()

    expect(section).to_have_attribute("data-state", "signed-in", timeout=30_000)
    expect(section.get_by_test_id("account-username")).to_have_text("demo")
    expect(section.get_by_test_id("account-org")).to_have_value("acme")
    expect(section.get_by_test_id("account-token-expiry")).to_contain_text("No repository token")
    section.get_by_test_id("account-install").click()
    note = section.get_by_test_id("account-note")
    expect(note).to_have_attribute("data-kind", "success", timeout=30_000)
    # the repository part of the panel follows: connected to Cloud
    expect(page.get_by_test_id("repoconnect-status")).to_have_attribute("data-service", "cloud")
    expect(section.get_by_test_id("account-token-expiry")).to_contain_text("installed here")

    # Installing again would revoke the token: the panel warns and asks first.
    first = [r for r in sandbox.cloud_token_records.values() if not r.seeded]
    section.get_by_test_id("account-install").click()
    expect(note).to_have_attribute("data-kind", "warning")
    expect(note).to_contain_text("revokes it")
    assert all(r.valid for r in first)
    section.get_by_test_id("account-reissue").click()
    expect(note).to_contain_text("previous token is revoked")
    assert not any(r.valid for r in first)

    # Real conda installs from the Cloud repository through what the sign-in wrote.
    result = _conda(
        conda_exe, lab, "create", "-n", "x", "--dry-run", "--solver", "classic", "--json",
        package_name("main"),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    fetched = [p for m, p, s in sandbox.requests("cloud") if "repodata" in p and s == 200]
    assert fetched and all(p.startswith("/t/<TOKEN>/repo/") for p in fetched)

    keyring = json.loads((lab.condarc.parent / ".anaconda" / "keyring").read_text())
    assert "Anaconda Cloud" in keyring
    assert oct(os.stat(lab.condarc.parent / ".anaconda" / "keyring").st_mode & 0o777) == "0o600"
    html = page.content()
    secrets = [k.key for k in sandbox.account.api_keys.values()]
    secrets += [r.token for r in sandbox.cloud_token_records.values() if not r.seeded]
    assert not [s for s in secrets if s in html]

    section.get_by_test_id("account-remove-token").click()
    expect(page.get_by_test_id("repoconnect-signin")).to_be_visible(timeout=30_000)
    section.get_by_test_id("account-sign-out").click()
    expect(section).to_have_attribute("data-state", "signed-out")


def test_cancel_waiting_sign_in(page: Any, account_lab: Lab) -> None:
    from playwright.sync_api import expect

    open_panel_from_sidebar(page)
    section = page.get_by_test_id("account-section")
    section.get_by_test_id("account-sign-in").click()
    expect(section.get_by_test_id("account-user-code")).to_be_visible()
    section.get_by_test_id("account-cancel").click()
    expect(section.get_by_test_id("account-note")).to_have_text("Sign-in cancelled.")
    expect(section.get_by_test_id("account-sign-in")).to_be_visible()
    assert account_lab.sandbox.account.pending_codes()  # anaconda.com still waits; we forgot it
