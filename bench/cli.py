"""Sign-in + sign-out from a terminal: ``jupyter repoconnect login enterprise`` + ``logout`` vs
the ``anaconda`` CLI's ``login`` + ``logout`` (anaconda-client), against the sandbox's
Enterprise 4 repository, in one throwaway home, alternating. Goal: ratio <= 0.3.
Usage: ``python bench/cli.py [--quick]``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from common import Figure, interleave, main_for, throwaway_home

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """The console script of this interpreter (not a pyenv shim, which adds its own start-up)."""
    here = BIN / name
    found = str(here) if here.exists() else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed")
    return found


def run(quick: bool) -> list[Figure]:
    from jupyter_repoconnect.testing import Sandbox

    with Sandbox() as sandbox, throwaway_home() as (root, env):
        api = sandbox.urls["enterprise"]
        user, password = next(iter(sandbox.users.items()))
        env = {**env, "REPOCONNECT_BENCH_PASSWORD": password}
        (root / ".condarc").write_text("channels:\n  - defaults\n")

        def call(*command: str) -> None:
            done = subprocess.run(
                command, env=env, cwd=root, stdin=subprocess.DEVNULL, capture_output=True,
                text=True, timeout=120,
            )  # fmt: skip
            if done.returncode != 0:
                raise RuntimeError(f"{command[:3]} failed: {done.stdout}{done.stderr}")

        jupyter, anaconda = tool("jupyter"), tool("anaconda")
        call(anaconda, "config", "--set", "url", api)

        def ours() -> None:
            call(jupyter, "repoconnect", "login", "enterprise", "--domain", api,
                 "--username", user, "--password-env", "REPOCONNECT_BENCH_PASSWORD")  # fmt: skip
            call(jupyter, "repoconnect", "logout")

        def reference() -> None:
            call(anaconda, "org", "login", "--username", user, "--password", password)
            call(anaconda, "org", "logout")

        mine, theirs = interleave(ours, reference, 2 if quick else 7)
    return [
        Figure("CLI sign-in + sign-out (Enterprise 4)", "ms", mine, theirs,
               "anaconda org login + logout", "ratio <= 0.3", max_ratio=0.3)
    ]  # fmt: skip


if __name__ == "__main__":
    main_for(run, __doc__)
