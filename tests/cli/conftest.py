"""Fixtures of the CLI tests: a subprocess environment pointed at the sandbox repository."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from .cli_helpers import CLI, ORIGINAL_CONDARC


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A throwaway HOME so neither tool can touch the real user's files."""
    path = tmp_path / "home"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def cli_env(repoconnect_env: Any, home: Path) -> dict[str, str]:
    env = {**os.environ, **repoconnect_env.env, "HOME": str(home)}
    env.pop("JUPYTER_REPOCONNECT_DEBUG", None)
    env.pop("BINSTAR_API_TOKEN", None)
    env.pop("ANACONDA_API_TOKEN", None)
    return env


@pytest.fixture
def cli(cli_env: dict[str, str]) -> CLI:
    return CLI(cli_env)


@pytest.fixture
def jupyter_cli(cli_env: dict[str, str]) -> CLI:
    """The same, through the ``jupyter`` command's subcommand dispatch."""
    return CLI(cli_env, via_jupyter=True)


@pytest.fixture
def condarc(repoconnect_env: Any) -> Path:
    """The user's .condarc, seeded with :data:`ORIGINAL_CONDARC`."""
    path = Path(repoconnect_env.condarc)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ORIGINAL_CONDARC)
    return path


@pytest.fixture
def credentials(sandbox: Any) -> tuple[str, str]:
    """One seeded user of the sandbox (name, password)."""
    return next(iter(sandbox.users.items()))
