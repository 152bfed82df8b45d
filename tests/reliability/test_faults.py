"""Fault injection on every flow: latency, error statuses, HTML, garbage and dropped connections.

For each (flow, fault): the outcome is a result or a core error (never another exception,
never a hang past the timeout); a failed sign-in changes 0 bytes; a sign-out always ends
signed out with the user's .condarc back, whatever the service answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jupyter_repoconnect.core import Connector, RepoConnectError, RepoConnectSettings

from .conftest import ORIGINAL_CONDARC, PASSWORD, record_figure

TIMEOUT = 0.5
FAULTS: list[tuple[str, str, Any]] = [
    ("slower than the timeout", "latency", 2.0),
    ("HTTP 500", "status", 500),
    ("HTTP 503", "status", 503),
    ("HTTP 404", "status", 404),
    ("HTTP 401", "status", 401),
    ("HTML page", "html", None),
    ("garbage", "garbage", None),
    ("dropped connection", "drop", None),
]


def _login(service: str) -> Callable[[Connector, Any], Any]:
    def run(connector: Connector, sandbox: Any) -> Any:
        if service == "cloud":
            return connector.connect("cloud", token=sandbox.cloud_tokens[0])
        return connector.connect(
            service, domain=sandbox.urls[service], username="demo", password=PASSWORD
        )

    return run


# (flow, service the fault hits, signed in to before the fault, action)
FLOWS: list[tuple[str, str, str | None, Callable[[Connector, Any], Any]]] = [
    ("login cloud", "cloud", None, _login("cloud")),
    ("login server", "server", None, _login("server")),
    ("login enterprise", "enterprise", None, _login("enterprise")),
    ("channels --available", "server", "server", lambda c, sb: c.available_channels("", 0, 50)),
    ("doctor (server)", "server", "server", lambda c, sb: c.doctor()),
    ("doctor (cloud)", "cloud", "cloud", lambda c, sb: c.doctor()),
    ("logout server", "server", "server", lambda c, sb: c.disconnect()),
    ("logout enterprise", "enterprise", "enterprise", lambda c, sb: c.disconnect()),
    ("logout cloud", "cloud", "cloud", lambda c, sb: c.disconnect()),
]


@pytest.mark.parametrize(("label", "kind", "value"), FAULTS, ids=[f[0] for f in FAULTS])
@pytest.mark.parametrize(("flow", "service", "before", "action"), FLOWS, ids=[f[0] for f in FLOWS])
def test_every_flow_under_every_fault(
    env: Any,
    flow: str,
    service: str,
    before: str | None,
    action: Callable[[Connector, Any], Any],
    label: str,
    kind: str,
    value: Any,
) -> None:
    sandbox = env.sandbox
    connector = Connector(RepoConnectSettings(timeout=TIMEOUT))
    if before:
        _login(before)(Connector(RepoConnectSettings(timeout=3.0)), sandbox)
    snapshot = env.snapshot()
    sandbox.inject(kind, service=service, value=value)
    try:
        result: Any = action(connector, sandbox)
        error: RepoConnectError | None = None
    except RepoConnectError as exc:
        result, error = None, exc
    finally:
        sandbox.clear_faults()
    if error is not None:
        assert error.message and error.code
        assert PASSWORD not in error.message and sandbox.cloud_tokens[0] not in error.message
    if flow.startswith("login") and error is not None:
        assert env.snapshot() == snapshot, "a failed sign-in changed files"
    if flow.startswith("logout"):
        assert error is None, f"sign-out failed: {error}"
        assert not result.connected
        assert env.condarc.read_bytes() == ORIGINAL_CONDARC


def test_cloud_sign_in_is_not_fooled_by_a_portal_page(env: Any) -> None:
    # A 200 repodata answer (JSON) is a valid token, as for the token tools (HEAD, 200): a
    # garbled JSON body is not read (tests/core/test_protocols.py says so).
    before = env.snapshot()
    env.sandbox.inject("html", service="cloud")
    connector = Connector(RepoConnectSettings(timeout=TIMEOUT))
    with pytest.raises(RepoConnectError):
        connector.connect("cloud", token=env.sandbox.cloud_tokens[0])
    assert env.snapshot() == before


def test_the_matrix_covers_every_flow_and_fault() -> None:
    services = {service for _, service, _, _ in FLOWS}
    assert services == {"cloud", "server", "enterprise"}
    assert {kind for _, kind, _ in FAULTS} == {"latency", "status", "html", "garbage", "drop"}
    record_figure(
        "faults", f"{len(FLOWS)} flows × {len(FAULTS)} faults = {len(FLOWS) * len(FAULTS)}"
    )


@pytest.mark.parametrize("service", ["server", "enterprise"])
def test_a_revoke_answered_with_an_unreadable_body_is_not_taken_for_success(
    env: Any, service: str
) -> None:
    # issue 22.7: HTTP 200 with garbage for the revoke; the token stays valid on the server,
    # so sign-out must say so (and what to do), not report a clean sign-out.
    sandbox = env.sandbox
    _login(service)(Connector(RepoConnectSettings(timeout=3.0)), sandbox)
    before = {r.id for r in _records(sandbox, service).values() if not r.revoked}
    assert before
    sandbox.inject("garbage", service=service, times=1)
    status = Connector(RepoConnectSettings(timeout=3.0)).disconnect()
    assert not status.connected
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC
    still = {r.id for r in _records(sandbox, service).values() if not r.revoked}
    assert still == before, "the sandbox revoked it: the fault did not hit the revoke"
    said = " ".join(status.warnings)
    assert "could not be revoked" in said and "unreadable" in said, status.warnings
    assert "web page" in said or "Revoke it" in said, status.warnings


def _records(sandbox: Any, service: str) -> dict[str, Any]:
    return sandbox.server_tokens if service == "server" else sandbox.enterprise_tokens
