"""The reliability suite: bad inputs (CLI and REST), fuzzing, faults, secrets, file-system states.

``python -m pytest tests/reliability`` runs it in CI's budget; ``REPOCONNECT_RELIABILITY=full``
runs more fuzzer examples. ``REPOCONNECT_UPDATE_DOCS=1`` rewrites the figures and the table of
docs/reliability.md from the run. The REST fixtures are those of tests/server.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from jupyter_repoconnect.core import Connector, RepoConnectSettings
from tests.server.conftest import (  # noqa: F401 - fixtures
    api,
    jp_server_config,
    openapi,
    repoconnect_app,
    rest,
)

FULL = os.environ.get("REPOCONNECT_RELIABILITY") == "full"
UPDATE_DOCS = os.environ.get("REPOCONNECT_UPDATE_DOCS") == "1"
DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"
PASSWORD = "demo-password"

ORIGINAL_CONDARC = b"""\
# my conda settings
channels:
  - defaults   # keep this
  - conda-forge
ssl_verify: true
"""


@pytest.fixture
def env(repoconnect_env: Any) -> Any:
    """The isolated environment with a user's own .condarc."""
    repoconnect_env.condarc.parent.mkdir(parents=True, exist_ok=True)
    repoconnect_env.condarc.write_bytes(ORIGINAL_CONDARC)
    return repoconnect_env


@pytest.fixture
def connector(env: Any) -> Connector:
    return Connector(RepoConnectSettings(timeout=3.0))


def sign_in_server(connector: Connector, sandbox: Any) -> None:
    connector.connect("server", domain=sandbox.urls["server"], username="demo", password=PASSWORD)


def record_figure(key: str, text: str) -> None:
    """Put ``text`` between the ``figure:key`` markers of docs/reliability.md (with
    REPOCONNECT_UPDATE_DOCS=1 only: a normal run never writes to the repository)."""
    if not UPDATE_DOCS:
        return
    begin, end = f"<!-- figure:{key} -->", f"<!-- /figure:{key} -->"
    doc = DOC.read_text(encoding="utf-8")
    head, found, after = doc.partition(begin)
    assert found, f"docs/reliability.md has no {begin} marker"
    _, _, tail = after.partition(end)
    DOC.write_text(f"{head}{begin}{text}{end}{tail}", encoding="utf-8")
