"""A real JupyterHub on loopback with two real local users, set up once per test session.

The hub runs the two config files of docs/admin.md ("JupyterHub on one machine"), with the
test overrides listed there. The sandbox repository serves HTTPS with its own CA (trustme).
Without root, useradd, configurable-http-proxy or jupyterhub the tests skip locally and fail
under CI (`CI` set), like the browser tests.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# pytest-jupyter's autouse loop fixtures would close the loop Playwright keeps running when
# tests/ui ran first in this session: the same overrides as there.
from tests.ui.conftest import jp_asyncio_loop, jp_server_cleanup  # noqa: F401

from .harness import Hub, company_ca, doc_configs, hub_prerequisites
from .localusers import (
    HubUnavailable,
    HubUser,
    SharedPython,
    SystemUsers,
    shared_python,
)

if TYPE_CHECKING:
    from jupyter_repoconnect.testing import Sandbox

REPO = Path(__file__).resolve().parents[2]
ADMIN_DOC = REPO / "docs" / "admin.md"
INITIAL_CONDARC = """\
# {name}'s own settings: comments and other keys must survive every edit.
channels:
  - defaults
auto_activate_base: false
"""


@dataclass
class HubSetup:
    """Everything one session's hub is made of."""

    hub: Hub
    users: list[HubUser]
    sandbox: Sandbox
    python: SharedPython
    base: Path  # the world-readable temp folder holding homes, config, CA, Python copy
    config_dir: Path  # the administrator's config folder of the single-user servers
    ca_path: Path

    @property
    def domain(self) -> str:
        return self.sandbox.urls["server"]

    def user_env(self, user: HubUser) -> dict[str, str]:
        """The environment of a process the user starts in their server (CLI, terminal)."""
        return dict(self.hub.user_env)


def unavailable(reason: str) -> None:
    """Under CI a missing prerequisite is a failure, locally a skip (as in tests/ui)."""
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def hub_base() -> Iterator[Path]:
    """A temp folder every test user may enter (pytest's own tmp folders are root's, 0700)."""
    reason = hub_prerequisites()
    if reason:
        unavailable(f"JupyterHub tests: {reason}.")
    base = Path(tempfile.mkdtemp(prefix="repoconnect-hub-"))
    os.chmod(base, 0o755)
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def hub_setup(hub_base: Path) -> Iterator[HubSetup]:
    from jupyter_repoconnect.testing import Sandbox

    _, ca_path, context = company_ca(hub_base / "etc" / "ssl")
    system_users = SystemUsers(hub_base / "home", ["a", "b"])
    users = system_users.create()
    try:
        try:
            python = shared_python(hub_base, users[0])
        except HubUnavailable as error:
            unavailable(f"JupyterHub tests: {error}.")
        repo_users = {u.name: u.repo_password for u in users}
        with Sandbox(users=repo_users, ssl_context=context) as sandbox:
            hub_config, admin_config = doc_configs(ADMIN_DOC, sandbox.urls["server"], ca_path)
            config_dir = hub_base / "etc" / "jupyter"
            config_dir.mkdir(parents=True)
            admin_file = config_dir / "jupyter_repoconnect_config.py"
            # test override: the Anaconda Cloud account site is the sandbox's (anaconda.com)
            admin_config += (
                f'\nc.RepoConnectSettings.account_domain = "{sandbox.urls["account"]}"\n'
            )
            admin_file.write_text(admin_config)
            os.chmod(admin_file, 0o644)
            for user in users:
                write_condarc(user)
            hub = Hub(
                hub_base / "hub",
                users,
                python,
                hub_config,
                user_env={"JUPYTER_CONFIG_PATH": str(config_dir)},
            )
            with hub:
                for user in users:
                    hub.spawn(user)
                for user in users:
                    hub.wait_ready(user)
                yield HubSetup(hub, users, sandbox, python, hub_base, config_dir, ca_path)
    finally:
        system_users.remove()


def write_condarc(user: HubUser) -> bytes:
    """Give the user their own initial `.condarc` (owned by them, 0644); returns its bytes."""
    path = user.home / ".condarc"
    data = INITIAL_CONDARC.format(name=user.name).encode()
    path.write_bytes(data)
    os.chown(path, user.uid, user.gid)
    os.chmod(path, 0o644)
    return data


@pytest.fixture
def hub_env(hub_setup: HubSetup) -> HubSetup:
    """Both users signed out, no tokens or state, their initial `.condarc`; sandbox reset."""
    for user in hub_setup.users:
        status, body = hub_setup.hub.user_api(user, "GET", "status")
        if status == 200 and body["connected"]:
            hub_setup.hub.user_api(user, "POST", "disconnect")
    hub_setup.sandbox.reset()
    for user in hub_setup.users:
        for folder in (".config/binstar", ".config/jupyter_repoconnect", ".continuum", ".anaconda"):
            shutil.rmtree(user.home / folder, ignore_errors=True)
        write_condarc(user)
    return hub_setup
