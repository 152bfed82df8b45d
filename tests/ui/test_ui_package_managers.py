"""A pixi user signs in from a terminal: the panel says that pixi is connected too.

`pixi` on the PATH is how the sign-in finds a pixi user (docs/package-managers.md); a shim of
that name is enough, nothing runs it. The files it writes are checked here, what they do for a
real install is tests/conda/test_rattler.py's part.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .uihelpers import Lab, open_panel_from_sidebar

pytestmark = pytest.mark.browser


def pixi_user_cli(lab: Lab, shims: Path, *args: str, stdin: str | None = None) -> str:
    """`jupyter repoconnect ARGS` in this Lab's terminal, for a user with pixi on the PATH."""
    shims.mkdir(exist_ok=True)
    pixi = shims / "pixi"
    pixi.write_text("#!/bin/sh\nexit 0\n")
    pixi.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{shims}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(lab.condarc.parent),
        "CONDARC": str(lab.condarc),
        "BINSTAR_CONFIG_DIR": str(lab.binstar_dir),
        "JUPYTER_REPOCONNECT_STATE_DIR": str(lab.state_dir),
    }
    done = subprocess.run(
        [sys.executable, "-m", "jupyter_repoconnect.cli", *args],
        input=stdin, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_panel_names_the_other_package_managers_connected(
    page: Page, lab_env: Lab, tmp_path: Path
) -> None:
    lab = lab_env
    home = lab.condarc.parent
    pixi_config = home / ".pixi" / "config.toml"
    open_panel_from_sidebar(page)
    body = page.get_by_test_id("repoconnect-body")
    expect(body).to_have_attribute("data-state", "signed-out")
    expect(page.get_by_test_id("status-package-managers")).to_have_count(0)

    pixi_user_cli(
        lab, tmp_path / "bin",
        "login", "server", "--domain", lab.sandbox.urls["server"], "--username", "demo",
        "--password-stdin", stdin=lab.sandbox.users["demo"] + "\n",
    )  # fmt: skip
    # Anaconda Server's token goes to pixi as a mirror (rattler puts a CondaToken after the host).
    assert "/api/repo/t/" in pixi_config.read_text()
    code, status = lab.api("GET", "status")
    assert code == 200 and status["package_managers"] == ["rattler"], status

    expect(body).to_have_attribute("data-state", "connected", timeout=10_000)
    managers = page.get_by_test_id("status-package-managers")
    expect(managers).to_have_text("Also connected: pixi and rattler")

    pixi_user_cli(lab, tmp_path / "bin", "logout")
    expect(body).to_have_attribute("data-state", "signed-out", timeout=10_000)
    expect(managers).to_have_count(0)
    assert not pixi_config.exists() or "/api/repo/t/" not in pixi_config.read_text()
