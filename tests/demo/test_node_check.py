"""Without a usable Node.js the build says so in one line, with the version needed (issue 21
point 6), instead of jlpm's long traceback."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _hook_module():
    spec = importlib.util.spec_from_file_location(
        "repoconnect_hatch_build", ROOT / "hatch_build.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fake_node(tmp_path: Path, version: str) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    node = bin_dir / "node"
    node.write_text(f"#!/bin/sh\necho {version}\n")
    node.chmod(0o755)
    return bin_dir


def test_the_check_runs_before_the_labextension_build() -> None:
    text = (ROOT / "pyproject.toml").read_text()  # (no tomllib on Python 3.10)
    custom = text.index("\n[tool.hatch.build.hooks.custom]\n")
    assert custom < text.index("\n[tool.hatch.build.hooks.jupyter-builder]\n")


def test_no_node_is_one_line_naming_the_version(tmp_path: Path) -> None:
    hook = _hook_module()
    problem = hook.node_problem(which=lambda name: shutil.which(name, path=str(tmp_path)))
    assert problem is not None and "\n" not in problem
    assert "Node.js 20.19+" in problem and "not found" in problem


def test_an_old_node_is_named_with_its_version(tmp_path: Path) -> None:
    hook = _hook_module()
    bin_dir = _fake_node(tmp_path, "v18.20.4")
    problem = hook.node_problem(which=lambda name: shutil.which(name, path=str(bin_dir)))
    assert problem is not None and "v18.20.4" in problem and "20.19+" in problem
    bin_dir = _fake_node(tmp_path / "new", "v22.3.0")
    assert hook.node_problem(which=lambda name: shutil.which(name, path=str(bin_dir))) is None


def test_the_hook_stops_the_build_with_that_line(tmp_path: Path) -> None:
    # The hook as a build would run it, on a checkout without the built labextension.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import hatch_build as h\n"
        "Hook = type('Hook', (h.NodeCheckHook,), {'root': sys.argv[2]})\n"
        "Hook.__new__(Hook).initialize('standard', {})\n"
    )
    env = {**os.environ, "PATH": str(tmp_path)}  # no node
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(tmp_path)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "Node.js 20.19+" in done.stderr and "Traceback" not in done.stderr
