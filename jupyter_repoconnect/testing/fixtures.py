"""pytest plugin, opt-in: the sandbox repository and an isolated environment.

Not registered as a `pytest11` entry point (installing the package changes no one's pytest
sessions): load it with ``pytest -p jupyter_repoconnect.testing.fixtures``, or with
``pytest_plugins = ("jupyter_repoconnect.testing.fixtures",)`` in a top-level conftest.py, as
this project's tests/conftest.py does.

Fixtures: `sandbox_session` (one running Sandbox per test session, 200 channels),
`sandbox` (that Sandbox, reset for each test) and `repoconnect_env` (temp CONDARC,
BINSTAR_CONFIG_DIR, JUPYTER_REPOCONNECT_STATE_DIR, CONDA_TOKEN_REPO_URL and the account domain).
The sandbox module is imported inside the fixtures so that loading this plugin is cheap.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .sandbox import Sandbox


CONDA_VARIABLES = (
    "CONDA_PREFIX",
    "CONDA_ROOT",
    "CONDA_EXE",
    "CONDA_SSL_VERIFY",
    "CONDA_VERIFY_SSL",
    "CONDA_CHANNELS",
    "CONDA_DEFAULT_CHANNELS",
    "CONDA_CHANNEL_ALIAS",
    "CONDA_ADD_ANACONDA_TOKEN",
    # requests (conda's HTTP library) lets these override a ssl_verify path in .condarc
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "XDG_CONFIG_HOME",
)


@dataclass
class RepoConnectEnv:
    """Paths and variables of one isolated test environment (`.env` for subprocesses)."""

    condarc: Path
    binstar_dir: Path
    token_dir: Path
    state_dir: Path
    sandbox: Sandbox
    env: dict[str, str]

    def snapshot(self) -> dict[str, bytes]:
        """Every file the tools may change (.condarc, token store, recorded state) with its bytes.

        Equal snapshots before and after an operation mean it changed nothing on disk.
        """
        files: dict[str, bytes] = {}
        if self.condarc.is_file():
            files[str(self.condarc)] = self.condarc.read_bytes()
        for root in (self.binstar_dir, self.state_dir):
            if root.is_dir():
                for path in sorted(root.rglob("*")):
                    if path.is_file() and not path.name.endswith(".lock"):
                        files[str(path)] = path.read_bytes()
        return files


@pytest.fixture(scope="session")
def sandbox_session() -> Iterator[Sandbox]:
    """One sandbox repository for the whole test session."""
    from .sandbox import Sandbox

    with Sandbox(channels=200) as sb:
        yield sb


@pytest.fixture
def sandbox(sandbox_session: Sandbox) -> Sandbox:
    """The session's sandbox with issued tokens, faults and request log reset."""
    sandbox_session.reset()
    return sandbox_session


@pytest.fixture
def repoconnect_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox
) -> RepoConnectEnv:
    """Point conda, anaconda-client and jupyter_repoconnect at temp folders and the sandbox.

    HOME is set first, to `home/`. Creates `home/`, `binstar/` and `state/`; the `.condarc`
    and the token folder (`binstar/data`) are left for the code under test to create.
    """
    home = tmp_path / "home"
    binstar_dir = tmp_path / "binstar"
    state_dir = tmp_path / "state"
    for folder in (home, binstar_dir, state_dir):
        folder.mkdir(parents=True, exist_ok=True)
    env = {
        "HOME": str(home),  # first: everything below lives in the throwaway home
        "CONDARC": str(home / ".condarc"),
        "BINSTAR_CONFIG_DIR": str(binstar_dir),
        "JUPYTER_REPOCONNECT_STATE_DIR": str(state_dir),
        "CONDA_TOKEN_REPO_URL": sandbox.urls["cloud"],
        # the Anaconda Cloud account (anaconda.com): the sandbox's, never the real site
        "JUPYTER_REPOCONNECT_ACCOUNT_DOMAIN": sandbox.urls["account"],
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # conda settings of the machine running the tests must not leak into them
    for name in (*CONDA_VARIABLES, "ANACONDA_AUTH_API_KEY", "ANACONDA_AUTH_KEYRING_PATH"):
        monkeypatch.delenv(name, raising=False)
    return RepoConnectEnv(
        condarc=home / ".condarc",
        binstar_dir=binstar_dir,
        token_dir=binstar_dir / "data",
        state_dir=state_dir,
        sandbox=sandbox,
        env=env,
    )
