"""``%load_ext jupyter_repoconnect`` in a fresh IPython shell vs ``%load_ext autoreload`` (an
extension that ships with IPython), each in its own new process, alternating. Goal: <= 30 ms.
Usage: ``python bench/load_ext.py [--quick]``.
"""

from __future__ import annotations

import subprocess
import sys

from common import Figure, interleave, main_for, throwaway_home

SCRIPT = """
import sys, time
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
began = time.perf_counter()
shell.run_line_magic("load_ext", sys.argv[1])
elapsed = (time.perf_counter() - began) * 1e3
magic = "repo_connect" if sys.argv[1] == "jupyter_repoconnect" else "autoreload"
assert shell.find_line_magic(magic)
print(elapsed)
"""


def run(quick: bool) -> list[Figure]:
    with throwaway_home() as (_root, env):

        def load(name: str) -> float:
            done = subprocess.run(
                [sys.executable, "-c", SCRIPT, name], env=env, capture_output=True, text=True,
                timeout=120, check=True,
            )  # fmt: skip
            return float(done.stdout.strip().splitlines()[-1])

        ours, reference = interleave(
            lambda: load("jupyter_repoconnect"), lambda: load("autoreload"), 3 if quick else 11
        )
    return [
        Figure("%load_ext jupyter_repoconnect", "ms", ours, reference, "%load_ext autoreload",
               "<= 30 ms", max_value=30.0)
    ]  # fmt: skip


if __name__ == "__main__":
    main_for(run, __doc__)
