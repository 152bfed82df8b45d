""".ci/run finds conda on any machine and says which (issue 21 point 4).

Exercised through its ``--find-conda`` mode, in a copy of the script in a fresh folder: no
../shared beside it unless a test makes one, and a PATH without this machine's conda.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A checkout with only .ci/run, in a folder of its own (so no ../shared)."""
    repo = tmp_path / "work" / "clone"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy2(ROOT / ".ci" / "run", repo / ".ci" / "run")
    return repo


def _find(clone: Path, tmp_path: Path, path: list[Path], **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("REPOCONNECT_")}
    base.update(env, PATH=os.pathsep.join([*map(str, path), "/usr/bin", "/bin"]))
    base["TMPDIR"] = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return subprocess.run(
        [str(clone / ".ci" / "run"), "--find-conda"],
        capture_output=True, text=True, env=base, cwd=tmp_path, timeout=60,
    )  # fmt: skip


def test_a_conda_on_the_path_without_shared(clone: Path, tmp_path: Path) -> None:
    conda = _executable(tmp_path / "miniforge" / "bin" / "conda", "#!/bin/sh\necho conda 24.9.2\n")
    assert not (clone.parent / "shared").exists()
    done = _find(clone, tmp_path, [conda.parent])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(conda)
    assert f"conda: {conda} (from the PATH)" in done.stderr


def test_repoconnect_conda_wins(clone: Path, tmp_path: Path) -> None:
    on_path = _executable(tmp_path / "a" / "conda", "#!/bin/sh\necho conda 24.1.0\n")
    named = _executable(tmp_path / "b" / "conda", "#!/bin/sh\necho conda 25.1.0\n")
    done = _find(clone, tmp_path, [on_path.parent], REPOCONNECT_CONDA=str(named))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(named)
    assert "(from REPOCONNECT_CONDA)" in done.stderr


def test_the_shared_installer_beside_the_checkout(clone: Path, tmp_path: Path) -> None:
    installer = _executable(
        clone.parent / "shared" / "conda" / "install",
        '#!/bin/sh\nmkdir -p "$1/bin"\nprintf "#!/bin/sh\\necho conda 26.7.1\\n" > "$1/bin/conda"\n'
        'chmod +x "$1/bin/conda"\n',
    )
    done = _find(clone, tmp_path, [])
    assert done.returncode == 0, done.stderr
    made = tmp_path / "tmp" / "repoconnect-conda" / "bin" / "conda"
    assert done.stdout.strip().splitlines()[-1] == str(made) and made.exists()
    assert "installed by ../shared/conda/install" in done.stderr, (installer, done.stderr)


def test_no_conda_says_how_to_get_one(clone: Path, tmp_path: Path) -> None:
    # REPOCONNECT_SHARED names an empty place: not this project's own machines' shared folder
    done = _find(clone, tmp_path, [], REPOCONNECT_SHARED=str(tmp_path / "nothing-shared"))
    assert done.returncode == 1
    assert "REPOCONNECT_CONDA" in done.stderr and "23.7" in done.stderr
    assert "Miniforge" in done.stderr


def test_ci_runs_the_readme_test_command_in_its_own_venv() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    command = 'pip install ".[test]" && python -m pytest'
    assert command in readme and f"\n{command}\n" in script
    before = script.index(f"\n{command}\n")
    assert script.rindex('. "$venv/bin/activate"', 0, before) > script.rindex("-m venv", 0, before)
    # one machine's folder only as the last way, after REPOCONNECT_CONDA, ../shared and the PATH
    finder = script[script.index("find_conda() {") :]
    assert finder.index("command -v conda") < finder.index("/work/shared/conda/install")


def test_readme_says_how_to_get_conda_and_what_the_hub_tests_do() -> None:
    text = " ".join((ROOT / "README.md").read_text().split())
    assert "any conda ≥ 23.7" in text and "Miniforge" in text and "REPOCONNECT_CONDA" in text
    assert "create and delete local users" in text
