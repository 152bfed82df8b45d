"""Browser tests: real JupyterLab with the Repositories panel, driven by the system Chromium.

One sandbox repository (10,000 Server channels) and one `jupyter lab` process serve the
whole session; every test starts signed out with a fresh `.condarc` and a new browser page.
Without Chromium the tests skip locally and fail under CI (`CI` set).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jupyter_repoconnect.testing.processes import stop

from .uihelpers import (
    CHANNELS,
    CHROMIUM,
    CHROMIUM_ARGS,
    INITIAL_CONDARC,
    LAB_EXTENSION,
    REMOTE_HOST,
    SMALL_SCREEN,
    TOKEN,
    Lab,
    browser_env,
    load_lab,
    set_theme,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from jupyter_repoconnect.testing import Sandbox


# pytest-jupyter (loaded for tests/server by the top-level conftest) has two autouse
# fixtures that would adopt, then close, the event loop Playwright's sync API keeps running
# in this thread. No in-process Jupyter server runs here: replace them.
@pytest.fixture(autouse=True)
def jp_asyncio_loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(autouse=True)
def jp_server_cleanup() -> None:
    return None


def _unavailable(reason: str) -> None:
    """Under CI a missing prerequisite is a failure, locally a skip."""
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, proc: subprocess.Popen[bytes], timeout: float) -> int:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return -1
        try:
            request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError as error:
            last = error
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer in {timeout}s ({last})")


@pytest.fixture(scope="session")
def ui_sandbox() -> Iterator[Sandbox]:
    """A sandbox of its own with 10,000 channels: the picker must stay smooth with them."""
    from jupyter_repoconnect.testing import Sandbox

    with Sandbox(channels=CHANNELS) as sb:
        yield sb


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory, ui_sandbox: Sandbox) -> Iterator[Lab]:
    """`jupyter lab` on a free port with a known token and every Jupyter folder isolated."""
    from jupyter_core.paths import jupyter_path

    if not any((Path(p) / LAB_EXTENSION).is_file() for p in jupyter_path("labextensions")):
        _unavailable(
            "JupyterLab does not see the jupyter-repoconnect extension: `pip install .`, or "
            "`cd labextension && jlpm install && jlpm build:prod` then "
            "`jupyter labextension develop --overwrite .`."
        )
    base = tmp_path_factory.mktemp("lab")
    folders = {
        name: base / name
        for name in ("home", "root", "binstar", "state", "config", "data", "runtime",
                     "settings", "workspaces")
    }  # fmt: skip
    for folder in folders.values():
        folder.mkdir()
    # The server extension is enabled by the installed jupyter_server_config.d file; say it
    # again here so the isolated config folder cannot lose it.
    (folders["config"] / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {"jupyter_repoconnect": True}}})
    )
    # No news or update toasts over the panel in screenshots.
    notification = folders["settings"] / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    condarc = folders["home"] / ".condarc"
    env = {
        **os.environ,
        "HOME": str(folders["home"]),
        "CONDARC": str(condarc),
        "BINSTAR_CONFIG_DIR": str(folders["binstar"]),
        "JUPYTER_REPOCONNECT_STATE_DIR": str(folders["state"]),
        "CONDA_TOKEN_REPO_URL": ui_sandbox.urls["cloud"],
        "JUPYTER_REPOCONNECT_ACCOUNT_DOMAIN": ui_sandbox.urls["account"],  # never anaconda.com
        "JUPYTER_CONFIG_DIR": str(folders["config"]),
        "JUPYTER_DATA_DIR": str(folders["data"]),
        "JUPYTER_RUNTIME_DIR": str(folders["runtime"]),
        "JUPYTERLAB_SETTINGS_DIR": str(folders["settings"]),
        "JUPYTERLAB_WORKSPACES_DIR": str(folders["workspaces"]),
        "IPYTHONDIR": str(folders["home"] / ".ipython"),
    }
    port = _free_port()
    log = base / "jupyter-lab.log"
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f'--ServerApp.local_hostnames=["localhost", "{REMOTE_HOST}"]',
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
        "--ServerApp.open_browser=False",
        "--ServerApp.allow_root=True",
        f"--ServerApp.root_dir={folders['root']}",
        "--LabApp.expose_app_in_browser=True",
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    server = Lab(
        url=url,
        token=TOKEN,
        condarc=condarc,
        binstar_dir=folders["binstar"],
        state_dir=folders["state"],
        sandbox=ui_sandbox,
        log=log,
    )
    try:
        code = _wait_for(f"{url}api/status", proc, timeout=120)
        if code != 200:
            pytest.fail(f"jupyter lab did not start ({code}):\n{server.log_tail()}", pytrace=False)
        code = _wait_for(f"{url}repoconnect/status", proc, timeout=10)
        if code != 200:
            pytest.fail(
                f"GET repoconnect/status answered {code}: is the server extension working?\n"
                f"{server.log_tail()}",
                pytrace=False,
            )
        yield server
    finally:
        stop(proc, 20)


@pytest.fixture
def lab_env(lab: Lab) -> Lab:
    """Signed out, no tokens, no remembered domains, the test's initial `.condarc`."""
    status, body = lab.api("GET", "status")
    if status == 200 and body["connected"]:
        lab.api("POST", "disconnect")
    lab.sandbox.reset()
    for folder in (lab.state_dir, lab.binstar_dir):
        for child in folder.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    lab.condarc.write_text(INITIAL_CONDARC)
    return lab


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a test dependency
        _unavailable("The playwright Python package is not installed.")
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            env=browser_env(tmp_path_factory.mktemp("browser-home")),
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, lab_env: Lab) -> Iterator[Page]:
    """A fresh page with JupyterLab loaded and restored."""
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    context.set_default_timeout(30_000)
    lab_page = context.new_page()
    errors: list[str] = []
    lab_page.on("pageerror", lambda error: errors.append(str(error)))
    load_lab(lab_page, lab_env.url, lab_env.token)
    try:
        yield lab_page
    finally:
        context.close()
    assert not [e for e in errors if "repoconnect" in e.lower()], errors


@pytest.fixture
def small(browser: Browser, lab_env: Lab) -> Iterator[Page]:
    """JupyterLab at 1024×600 (the sidebar at its default width), back to light at the end."""
    context = browser.new_context(viewport=SMALL_SCREEN)
    context.set_default_timeout(30_000)
    page = context.new_page()
    load_lab(page, lab_env.url, lab_env.token)
    try:
        yield page
    finally:
        set_theme(page, "light")  # the theme is a saved setting of the session's Lab
        context.close()
