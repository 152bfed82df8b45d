"""What installing the package brings along: no test machinery in anyone's way, one version."""

from __future__ import annotations

import importlib.util
import json
import re
from importlib.metadata import distribution, entry_points, version
from pathlib import Path

from packaging.version import Version

import jupyter_repoconnect

PACKAGE = Path(jupyter_repoconnect.__file__).parent
REPO = Path(__file__).resolve().parents[1]


def test_no_pytest_plugin_is_registered() -> None:
    # a pytest11 entry point would load our fixtures into every pytest session of the env
    ours = [ep for ep in distribution("jupyter_repoconnect").entry_points if ep.group == "pytest11"]
    assert ours == []
    anyone = [ep for ep in entry_points(group="pytest11") if "jupyter_repoconnect" in ep.value]
    assert anyone == []


def test_the_package_has_no_code_that_creates_system_users() -> None:
    assert importlib.util.find_spec("jupyter_repoconnect.testing.localusers") is None
    # the installed tree (a wheel install) or the tree the wheel is built from (editable)
    assert not list(PACKAGE.rglob("localusers*"))
    assert not [p for p in PACKAGE.rglob("*.py") if "useradd" in p.read_text(encoding="utf-8")]
    # a wheel install's RECORD lists every file the wheel brought
    files = distribution("jupyter_repoconnect").files or []
    assert not [f for f in files if "localusers" in str(f)]


def test_one_version_everywhere() -> None:
    """labextension/package.json's version is the one source (pyproject: hatch-nodejs-version);
    after changing it, reinstall (``pip install -e .``) for the metadata to follow."""
    from jupyter_repoconnect.core.http import USER_AGENT

    npm = json.loads((REPO / "labextension" / "package.json").read_text())["version"]
    installed = version("jupyter_repoconnect")
    assert Version(installed) == Version(npm)  # npm's 1.0.0-rc.1 is Python's 1.0.0rc1
    assert jupyter_repoconnect.__version__ == installed
    assert f"jupyter_repoconnect/{installed}" == USER_AGENT
    built = PACKAGE / "labextension" / "package.json"  # what JupyterLab loads (jlpm build)
    if built.exists():
        assert json.loads(built.read_text())["version"] == npm
    pyproject = (REPO / "pyproject.toml").read_text()
    assert re.search(r'^dynamic = \["version"\]', pyproject, re.MULTILINE)
    assert not re.search(r"^version = ", pyproject, re.MULTILINE)
