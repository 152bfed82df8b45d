"""Fault injection, in process and through the control endpoint."""

from __future__ import annotations

import time

import httpx
import pytest

from jupyter_repoconnect.testing.sandbox import Sandbox

# One request per service host and what it answers when no fault is active.
PATHS = {
    "cloud": ("/repo/main/noarch/repodata.json", 401),  # no token
    "server": ("/api/system", 200),
    "enterprise": ("/api", 200),
}
Hosts = dict[str, httpx.Client]


def _get(hosts: Hosts, service: str) -> httpx.Response:
    return hosts[service].get(PATHS[service][0])


def _normal(hosts: Hosts, service: str) -> bool:
    return _get(hosts, service).status_code == PATHS[service][1]


def test_latency(sandbox: Sandbox, hosts: Hosts) -> None:
    sandbox.inject("latency", "server", 0.4, times=1)
    started = time.perf_counter()
    assert _get(hosts, "server").status_code == 200
    assert time.perf_counter() - started >= 0.4  # a lower bound: the delay was really served
    assert not sandbox.faults.list()  # used up after one request


def test_latency_times_out_a_client(sandbox: Sandbox) -> None:
    sandbox.inject("latency", "enterprise", 1.0)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(sandbox.urls["enterprise"], timeout=0.2)


@pytest.mark.parametrize("code", [500, 503, 404, 403])
def test_status(sandbox: Sandbox, hosts: Hosts, code: int) -> None:
    sandbox.inject("status", "server", code)
    response = _get(hosts, "server")
    assert response.status_code == code
    assert response.headers["content-type"].startswith("text/html")
    assert "<html>" in response.text
    assert sandbox.requests("server")[-1] == ("GET", "/api/system", code)


def test_html(sandbox: Sandbox, hosts: Hosts) -> None:
    sandbox.inject("html", "enterprise")
    response = _get(hosts, "enterprise")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    with pytest.raises(ValueError):
        response.json()


def test_garbage(sandbox: Sandbox, hosts: Hosts) -> None:
    sandbox.inject("garbage", "server")
    response = _get(hosts, "server")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(ValueError):
        response.json()


def test_drop(sandbox: Sandbox, hosts: Hosts) -> None:
    sandbox.inject("drop", "cloud", times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        hosts["cloud"].head(PATHS["cloud"][0])
    assert sandbox.request_log[-1].status == 0 and sandbox.request_log[-1].service == "cloud"
    assert _normal(hosts, "cloud")


def test_service_scoping_times_and_clear(sandbox: Sandbox, hosts: Hosts) -> None:
    sandbox.inject("status", "cloud", 500, times=2)
    assert _normal(hosts, "server") and _normal(hosts, "enterprise")  # other services untouched
    assert _get(hosts, "cloud").status_code == 500
    assert _get(hosts, "cloud").status_code == 500
    assert _normal(hosts, "cloud")  # back to normal
    sandbox.inject("status", None, 502)
    for service in PATHS:
        assert _get(hosts, service).status_code == 502
    assert hosts["control"].get("/_sandbox/state").status_code == 200  # never faulted
    sandbox.clear_faults()
    assert all(_normal(hosts, service) for service in PATHS)


def test_invalid_faults(sandbox: Sandbox) -> None:
    for args in [("boom",), ("status", "nowhere"), ("status", None, 200), ("latency", None, -1)]:
        with pytest.raises(ValueError):
            sandbox.inject(*args)
    with pytest.raises(ValueError):
        sandbox.inject("drop", times=0)


def test_control_endpoint(sandbox: Sandbox, hosts: Hosts) -> None:
    control = hosts["control"]
    created = control.post(
        "/_sandbox/faults", json={"kind": "status", "service": "server", "value": 503, "times": 1}
    )
    assert created.status_code == 201
    assert created.json()["kind"] == "status"
    assert control.get("/_sandbox/faults").json()["faults"][0]["value"] == 503
    assert _get(hosts, "server").status_code == 503
    assert _normal(hosts, "server")
    control.post("/_sandbox/faults", json={"kind": "drop"})
    assert control.delete("/_sandbox/faults").status_code == 204
    assert _normal(hosts, "server")
    bad = control.post("/_sandbox/faults", json={"kind": "nonsense"})
    assert bad.status_code == 400
    assert control.post("/_sandbox/faults", content=b"{nope").status_code == 400


def test_token_fault_swaps_only_an_issued_token(sandbox: Sandbox, hosts: Hosts) -> None:
    # a hostile server's malformed token (issue 22.13): the login's JWT (a session) and other
    # answers pass; the token-creating answer carries the fault's text, its record is created
    sandbox.inject("token", "server", "bad token\n", times=1)
    server = hosts["server"]
    login = server.post("/api/auth/login", json={"username": "demo", "password": "demo-password"})
    session = login.json()["token"]
    assert session.startswith("eyJ") and sandbox.faults.list()  # not consumed by the login
    created = server.post(
        "/api/account/tokens",
        headers={"Authorization": f"Bearer {session}"},
        json={"name": "t", "expires_at": "2099-01-01", "scopes": ["channel:view"]},
    )
    assert created.status_code == 200 and created.json()["token"] == "bad token\n"
    assert created.json()["id"] in sandbox.server_tokens  # created all the same
    assert not sandbox.faults.list()
    for bad in (5, "x" * (2 * 1024 * 1024)):
        with pytest.raises(ValueError):
            sandbox.inject("token", "server", bad)


def test_late_fault_carries_the_request_out_then_holds_the_answer(
    sandbox: Sandbox, hosts: Hosts
) -> None:
    sandbox.inject("late", "server", 0.4, times=1, path="/api/auth/login")
    started = time.perf_counter()
    assert _get(hosts, "server").status_code == 200  # another path: not held
    assert time.perf_counter() - started < 0.3 and sandbox.faults.list()
    started = time.perf_counter()
    login = hosts["server"].post(
        "/api/auth/login", json={"username": "demo", "password": "demo-password"}
    )
    assert login.status_code == 200 and time.perf_counter() - started >= 0.4
    assert not sandbox.faults.list()
    with pytest.raises(ValueError):
        sandbox.inject("late", "server", 1.0, path="")
