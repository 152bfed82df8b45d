"""Build hook run before the labextension's build: without a usable Node.js, say so in one line.

Without it, hatch-jupyter-builder's ``jlpm`` fails deep inside a long traceback. A checkout (or
sdist) that already holds the built labextension needs no Node.js at all.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

NEEDED = "Node.js 20.19+ (or 22+)"
BUILT = Path("jupyter_repoconnect/labextension/static/style.js")


def node_problem(
    which: Callable[[str], str | None] = shutil.which,
    version: Callable[[str], str] | None = None,
) -> str | None:
    """The one line to print when no usable Node.js is on the PATH (None when there is one)."""
    node = which("node")
    if node is None:
        return f"Building the JupyterLab panel needs {NEEDED} on the PATH; node was not found."
    if version is None:

        def version(path: str) -> str:
            done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
            return done.stdout.strip()

    try:
        found = version(node)
    except (OSError, subprocess.SubprocessError):
        found = ""
    match = re.fullmatch(r"v?(\d+)\.(\d+)\.\d+.*", found)
    if match is None:
        return f"Building the JupyterLab panel needs {NEEDED}; {node} --version failed."
    major, minor = int(match[1]), int(match[2])
    if major < 20 or (major == 20 and minor < 19):
        return f"Building the JupyterLab panel needs {NEEDED}; {node} is {found}."
    return None


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # imported by the tests, outside a build
    BuildHookInterface = object  # type: ignore[assignment,misc]


class NodeCheckHook(BuildHookInterface):  # type: ignore[misc,valid-type]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if (Path(self.root) / BUILT).exists():
            return
        problem = node_problem()
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            raise SystemExit(1)
