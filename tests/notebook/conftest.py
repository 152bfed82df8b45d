"""Fixtures of the notebook surface: an in-process IPython shell with ``%repo_connect``,
a Connector on the sandbox, and real kernels driven through nbclient."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from ruamel.yaml import YAML

from jupyter_repoconnect.core import Connector, RepoConnectSettings
from jupyter_repoconnect.magics import RepoConnectMagics

ORIGINAL_CONDARC = b"""\
# my conda settings
channels:
  - defaults   # keep this
  - conda-forge
ssl_verify: true
"""

PASSWORD_VAR = "RC_TEST_PASSWORD"
TOKEN_VAR = "RC_TEST_TOKEN"


def read_condarc(path: Path) -> dict[str, Any]:
    return YAML(typ="safe").load(path.read_text()) or {}


def issued_secrets(sandbox: Any) -> set[str]:
    """Every password and token the sandbox knows of: none may reach a notebook."""
    records = [
        *sandbox.server_tokens.values(),
        *sandbox.server_sessions.values(),
        *sandbox.enterprise_tokens.values(),
        *sandbox.cloud_token_records.values(),
    ]
    return {r.token for r in records} | set(sandbox.cloud_tokens) | set(sandbox.users.values())


@pytest.fixture
def env(repoconnect_env):
    """The isolated environment with a user .condarc that sign-out must restore byte for byte."""
    repoconnect_env.condarc.parent.mkdir(parents=True, exist_ok=True)
    repoconnect_env.condarc.write_bytes(ORIGINAL_CONDARC)
    return repoconnect_env


@pytest.fixture
def connector(env) -> Connector:
    return Connector(RepoConnectSettings(timeout=5.0))


@pytest.fixture(scope="session")
def ipython() -> Iterator[InteractiveShell]:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "jupyter_repoconnect")
    yield shell
    InteractiveShell.clear_instance()


@pytest.fixture
def shell(ipython, connector):
    """The shell with a fresh ``%repo_connect`` bound to this test's Connector."""
    ipython.register_magics(RepoConnectMagics(ipython, connector=connector))
    return ipython


class Ran:
    """What one ``%repo_connect`` line displayed (text and HTML) and printed."""

    def __init__(self, captured: Any) -> None:
        self.outputs = captured.outputs
        self.stdout = captured.stdout
        self.text = "\n".join(o.data.get("text/plain", "") for o in self.outputs) + captured.stdout
        self.html = "\n".join(o.data.get("text/html", "") for o in self.outputs)


@pytest.fixture
def magic(shell):
    """``magic("status")`` runs ``%repo_connect status`` and returns what it displayed."""

    def run(line: str) -> Ran:
        with capture_output() as captured:
            shell.run_line_magic("repo_connect", line)
        return Ran(captured)

    return run


# --- real kernels ---------------------------------------------------------------------------
class KernelNotebook:
    """A notebook executed cell by cell in one real kernel, so a test can check files between
    cells; ``save()`` writes it with outputs and widget state like a frontend would."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        from nbclient import NotebookClient

        self.nb = nbformat.v4.new_notebook()
        self.env = env
        self.client = NotebookClient(
            self.nb,
            timeout=90,
            kernel_name="python3",
            shutdown_kernel="immediate",
            resources={"metadata": {"path": str(folder)}},
            on_cell_executed=self._record_reply,
        )
        self.last_reply: dict[str, Any] = {}

    def _record_reply(self, cell: Any, cell_index: int, execute_reply: dict[str, Any]) -> None:
        self.last_reply = execute_reply

    def __enter__(self) -> KernelNotebook:
        self._setup = self.client.setup_kernel(env=self.env)
        self._setup.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._setup.__exit__(*exc)

    def run(self, source: str, *, error: bool = False) -> str:
        """Execute one cell; return the text it showed (``error=True``: it must fail)."""
        cell = nbformat.v4.new_code_cell(source)
        if error:
            cell.metadata["tags"] = ["raises-exception"]
        self.nb.cells.append(cell)
        self.client.execute_cell(cell, len(self.nb.cells) - 1)
        failed = self.last_reply.get("content", {}).get("status") == "error"
        assert failed == error, cell_text(cell)
        return cell_text(cell)

    def pager_text(self) -> str:
        """What the last cell sent to the pager (``%magic?``)."""
        payloads = self.last_reply.get("content", {}).get("payload", [])
        return "\n".join(p.get("data", {}).get("text/plain", "") for p in payloads)

    def save(self, path: Path) -> str:
        self.client.set_widgets_metadata()
        nbformat.write(self.nb, path)
        return path.read_text()


def cell_text(cell: Any) -> str:
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}\n" + "\n".join(out.traceback))
        else:
            parts.append(out.get("data", {}).get("text/plain", ""))
            parts.append(out.get("data", {}).get("text/html", ""))
    return "\n".join(parts)


@pytest.fixture
def kernel_notebook(env, tmp_path):
    """Start a kernel in the test's isolated environment, with the secrets in env vars."""
    sandbox = env.sandbox
    variables = {
        **os.environ,
        **env.env,
        PASSWORD_VAR: sandbox.users["demo"],
        TOKEN_VAR: sandbox.cloud_tokens[0],
    }
    with KernelNotebook(variables, tmp_path) as notebook:
        yield notebook
