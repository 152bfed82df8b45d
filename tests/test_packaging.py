"""What installing the package brings along: no test machinery in anyone's way."""

from __future__ import annotations

import importlib.util
from importlib.metadata import distribution, entry_points
from pathlib import Path

import jupyter_repoconnect

PACKAGE = Path(jupyter_repoconnect.__file__).parent


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
