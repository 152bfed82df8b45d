"""Real conda (26.7.1, from ../shared/conda) reading what we write and installing through it.

`.ci/run` installs it and sets REPOCONNECT_CONDA; elsewhere a `conda` on PATH is used. Without
either the tests skip locally (fail under CI) with the command that gets one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from jupyter_repoconnect.testing.fixtures import RepoConnectEnv

HOW = (
    "real conda is needed: run ../shared/conda/install /tmp/conda-venv and set "
    "REPOCONNECT_CONDA=/tmp/conda-venv/bin/conda (or put a conda on PATH)"
)


@pytest.fixture(scope="session")
def conda_exe() -> str:
    exe = os.environ.get("REPOCONNECT_CONDA") or shutil.which("conda")
    if not exe or not Path(exe).exists():
        if os.environ.get("CI"):
            pytest.fail(HOW, pytrace=False)
        pytest.skip(HOW)
    return exe


Completed = subprocess.CompletedProcess[str]


@dataclass
class Conda:
    """Runs conda with the test's HOME, CONDARC and token store."""

    exe: str
    env: dict[str, str]

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [self.exe, *args], capture_output=True, text=True, env=self.env, timeout=120
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"conda {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--json").stdout)

    def show(self, *keys: str) -> dict[str, Any]:
        return self.json("config", "--show", *keys)

    def tokens(self) -> dict[str, str]:
        """What conda's own token reader finds in the token store."""
        python = Path(self.exe).with_name("python")
        code = (
            "import json; from conda.gateways.anaconda_client import read_binstar_tokens; "
            "print(json.dumps(read_binstar_tokens()))"
        )
        exe = str(python) if python.exists() else "python"
        out = subprocess.run(
            [exe, "-c", code], capture_output=True, text=True, env=self.env, check=True
        )
        return dict(json.loads(out.stdout))

    def dry_run_create(self, package: str) -> subprocess.CompletedProcess[str]:
        """A solve only: for tests about which channels conda searches."""
        return self.run(
            "create", "-n", "x", "--dry-run", "--solver", "classic", "--json", package,
            check=False,
        )  # fmt: skip

    # -- real installs (no --dry-run, no --offline): downloads through the sandbox ----------

    def prefix(self, name: str) -> Path:
        return Path(self.env["CONDA_ENVS_DIRS"]) / name

    def create(self, name: str, *specs: str, check: bool = True) -> Completed:
        return self.run(
            "create", "-n", name, "--yes", "--solver", "classic", "--json", *specs, check=check
        )  # fmt: skip

    def install(self, name: str, *specs: str) -> Completed:
        return self.run("install", "-n", name, "--yes", "--solver", "classic", "--json", *specs)

    def env_create(self, file: Path, name: str) -> Completed:
        return self.run(
            "env", "create", "--file", str(file), "-n", name, "--yes", "--solver", "classic",
            "--json",
        )  # fmt: skip


PAYLOAD = "share/repoconnect/{}.txt"  # the one file each sandbox package installs


def assert_installed(prefix: Path, *packages: str, secrets: tuple[str, ...] = ()) -> None:
    """Each package's file is in the environment and recorded in conda-meta, and no file of
    conda-meta holds a secret or a `/t/<TOKEN>/` URL."""
    for package in packages:
        payload = prefix / PAYLOAD.format(package)
        assert payload.is_file(), f"{payload} was not installed"
        assert payload.read_text().startswith(f"{package} 1.0.0")
        assert (prefix / "conda-meta" / f"{package}-1.0.0-0.json").is_file()
    for path in (prefix / "conda-meta").iterdir():
        text = path.read_text()
        assert "/t/" not in text, f"{path} records a token URL"
        for secret in secrets:
            assert secret not in text, f"{path} holds a token"


def write_environment_file(folder: Path, channels: list[str], *specs: str) -> Path:
    """An environment file naming the channels (the form `conda env export` writes)."""
    lines = ["channels:", *(f"  - {c}" for c in channels), "dependencies:"]
    lines += [f"  - {spec}" for spec in specs]
    path = folder / "environment.yml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def conda(conda_exe: str, repoconnect_env: RepoConnectEnv) -> Conda:
    env = {**os.environ, **repoconnect_env.env}
    home = Path(env["HOME"])
    env["CONDA_PKGS_DIRS"] = str(home / "pkgs")  # never the conda install's own cache
    env["CONDA_ENVS_DIRS"] = str(home / "envs")
    env["CONDA_NUMBER_CHANNEL_NOTICES"] = "0"
    return Conda(conda_exe, env)


def channel_url(value: Any) -> str:
    """conda prints a channel as a string or as its parts."""
    if isinstance(value, str):
        return value
    name = f"/{value['name']}" if value.get("name") else ""
    return f"{value['scheme']}://{value['location']}{name}"


Runner = Callable[..., subprocess.CompletedProcess[str]]
