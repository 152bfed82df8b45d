"""A DEBUG-logged run of every flow, searched for every password and token the sandbox knows.

Every logger (httpx, httpcore, ours, the root) is at DEBUG; the CLI's printed output is
searched too. Only the token store and the state file may hold a token.
"""

from __future__ import annotations

import contextlib
import io
import logging
from typing import Any

import pytest

from jupyter_repoconnect.cli import main
from jupyter_repoconnect.core import Connector, RepoConnectError, RepoConnectSettings

from .conftest import PASSWORD, record_figure

WRONG_PASSWORD = "wrong-password-8c1f"
WRONG_TOKEN = "wrong-token-5a9e2d"


def _cli(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        contextlib.suppress(SystemExit),
    ):
        main(list(argv))
    return out.getvalue() + err.getvalue()


def _every_flow(connector: Connector, sandbox: Any) -> str:
    printed = []
    server, enterprise = sandbox.urls["server"], sandbox.urls["enterprise"]
    for service, domain in (("server", server), ("enterprise", enterprise)):
        with contextlib.suppress(RepoConnectError):
            connector.connect(service, domain=domain, username="demo", password=WRONG_PASSWORD)
        connector.connect(service, domain=domain, username="demo", password=PASSWORD)
        if service == "server":
            connector.available_channels("", 0, 20)
            connector.add_channels(["main"], ["main"])
        printed += [_cli("status", "--json"), _cli("channels", "--json"), _cli("doctor")]
        connector.doctor()
        connector.disconnect()
    with contextlib.suppress(RepoConnectError):
        connector.connect("cloud", token=WRONG_TOKEN)
    connector.connect("cloud", token=sandbox.cloud_tokens[0])
    printed += [_cli("status"), _cli("doctor", "--json")]
    sandbox.inject("status", service="cloud", value=500)
    with contextlib.suppress(RepoConnectError):
        connector.doctor()
    sandbox.clear_faults()
    printed.append(_cli("logout"))
    return "\n".join(printed)


def test_no_secret_in_a_debug_logged_run(
    env: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "jupyter_repoconnect", "filelock"):
        caplog.set_level(logging.DEBUG, logger=name)
    sandbox = env.sandbox
    printed = _every_flow(Connector(RepoConnectSettings(timeout=3.0)), sandbox)
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.get_records("call")
    )
    assert len(caplog.get_records("call")) > 20, "the run must have logged its requests"
    secrets = {PASSWORD, WRONG_PASSWORD, WRONG_TOKEN, *sandbox.users.values()}
    secrets |= {record.token for record in sandbox.tokens.select().values()}
    assert len(secrets) >= 6
    leaks = sorted(
        f"{'log' if s in logged else 'output'}: {s[:4]}…" for s in secrets if s in logged + printed
    )
    assert not leaks, f"{len(leaks)} secret(s) leaked: {leaks}"
    records = len(caplog.get_records("call"))
    record_figure("secrets", f"{len(secrets)} secrets, {records:,} DEBUG log records")
