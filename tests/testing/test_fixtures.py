"""The pytest plugin's fixtures."""

from __future__ import annotations

import os
import subprocess
import sys

from jupyter_repoconnect.testing.fixtures import CONDA_VARIABLES, RepoConnectEnv


def test_repoconnect_env(repoconnect_env: RepoConnectEnv) -> None:
    env = repoconnect_env
    assert env.condarc.name == ".condarc" and env.condarc.parent.is_dir()
    assert env.token_dir == env.binstar_dir / "data"
    assert env.state_dir.is_dir() and env.binstar_dir.is_dir()
    assert env.env == {
        "HOME": str(env.condarc.parent),
        "CONDARC": str(env.condarc),
        "BINSTAR_CONFIG_DIR": str(env.binstar_dir),
        "JUPYTER_REPOCONNECT_STATE_DIR": str(env.state_dir),
        "CONDA_TOKEN_REPO_URL": env.sandbox.urls["cloud"],
        "JUPYTER_REPOCONNECT_ACCOUNT_DOMAIN": env.sandbox.urls["account"],
    }
    for name, value in env.env.items():
        assert os.environ[name] == value
    assert next(iter(env.env)) == "HOME"  # set first: every path below lives in it
    assert not set(CONDA_VARIABLES) & set(os.environ)


def test_sandbox_is_reset_between_tests_part_1(sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox.add_user("temp", "pw")


def test_sandbox_is_reset_between_tests_part_2(sandbox) -> None:  # type: ignore[no-untyped-def]
    assert "temp" not in sandbox.users


def test_plugin_import_is_light() -> None:
    code = (
        "import sys, jupyter_repoconnect.testing.fixtures;"
        "print('jupyter_repoconnect.testing.sandbox' in sys.modules, 'http.server' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
