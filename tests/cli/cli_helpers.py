"""Helpers of the CLI tests: run ``jupyter repoconnect`` as a user would, inspect the files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# A .condarc with comments, quoting and keys the project must never touch.
ORIGINAL_CONDARC = """\
# my conda settings -- keep this comment
channels:   # where packages come from
  - defaults
  - conda-forge
always_yes: false  # keep asking
ssl_verify: true
envs_dirs:
  - '~/envs'
"""


@dataclass
class Result:
    rc: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def output(self) -> str:
        return self.out + self.err


def _script() -> str:
    """The ``jupyter-repoconnect`` console script of this interpreter."""
    here = Path(sys.executable).parent / "jupyter-repoconnect"
    return str(here) if here.exists() else shutil.which("jupyter-repoconnect") or str(here)


class CLI:
    """``cli("status", "--json")`` runs ``jupyter repoconnect status --json``.

    ``jupyter repoconnect`` only finds and execs the ``jupyter-repoconnect`` script; most tests
    call that script directly (``via_jupyter=False``) to save the dispatcher's start-up time.
    """

    def __init__(self, env: dict[str, str], via_jupyter: bool = False) -> None:
        self.env = env
        self.command = ["jupyter", "repoconnect"] if via_jupyter else [_script()]

    def __call__(
        self, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        proc = subprocess.run(
            [*self.command, *args],
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,  # never a TTY
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            timeout=60,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)


def token_files(repoconnect_env: Any) -> list[Path]:
    root = Path(repoconnect_env.binstar_dir)
    return sorted(root.rglob("*.token")) if root.exists() else []


def snapshot(repoconnect_env: Any) -> dict[str, bytes]:
    """Every file the tools may change: .condarc, the token store, the recorded state."""
    return repoconnect_env.snapshot()


def one_line(text: str) -> str:
    """The single line of an error message (fails if there is more than one)."""
    lines = text.strip("\n").split("\n")
    assert len(lines) == 1, f"expected one line, got {lines!r}"
    assert lines[0].strip()
    return lines[0]
