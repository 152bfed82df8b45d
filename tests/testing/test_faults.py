"""Fault injection, in process and through the control endpoint."""

from __future__ import annotations

import time

import httpx
import pytest

from jupyter_repoconnect.testing.sandbox import Sandbox

PATHS = {
    "cloud": "/cloud/repo/main/noarch/repodata.json",
    "server": "/server/api",
    "enterprise": "/enterprise/api",
}


def test_latency(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.inject("latency", "server", 0.4, times=1)
    started = time.perf_counter()
    assert client.get(PATHS["server"]).status_code == 200
    assert time.perf_counter() - started >= 0.4
    started = time.perf_counter()
    client.get(PATHS["server"])
    assert time.perf_counter() - started < 0.3


def test_latency_times_out_a_client(sandbox: Sandbox) -> None:
    sandbox.inject("latency", "enterprise", 1.0)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(sandbox.base_url + PATHS["enterprise"], timeout=0.2)


@pytest.mark.parametrize("code", [500, 503, 404, 403])
def test_status(sandbox: Sandbox, client: httpx.Client, code: int) -> None:
    sandbox.inject("status", "server", code)
    response = client.get(PATHS["server"])
    assert response.status_code == code
    assert response.headers["content-type"].startswith("text/html")
    assert "<html>" in response.text


def test_html(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.inject("html", "enterprise")
    response = client.get(PATHS["enterprise"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    with pytest.raises(ValueError):
        response.json()


def test_garbage(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.inject("garbage", "server")
    response = client.get(PATHS["server"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(ValueError):
        response.json()


def test_drop(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.inject("drop", "cloud", times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        client.head(PATHS["cloud"])
    assert sandbox.request_log[-1][2] == 0


def test_service_scoping_times_and_clear(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.inject("status", "cloud", 500, times=2)
    assert client.get(PATHS["server"]).status_code == 200  # other service untouched
    assert client.get(PATHS["cloud"]).status_code == 500
    assert client.get(PATHS["cloud"]).status_code == 500
    assert client.get(PATHS["cloud"]).status_code == 401  # back to normal (no token)
    sandbox.inject("status", None, 502)
    for path in PATHS.values():
        assert client.get(path).status_code == 502
    assert client.get("/_sandbox/state").status_code == 200  # control is never faulted
    sandbox.clear_faults()
    assert client.get(PATHS["server"]).status_code == 200


def test_invalid_faults(sandbox: Sandbox) -> None:
    for args in [("boom",), ("status", "nowhere"), ("status", None, 200), ("latency", None, -1)]:
        with pytest.raises(ValueError):
            sandbox.inject(*args)
    with pytest.raises(ValueError):
        sandbox.inject("drop", times=0)


def test_control_endpoint(sandbox: Sandbox, client: httpx.Client) -> None:
    created = client.post(
        "/_sandbox/faults", json={"kind": "status", "service": "server", "value": 503, "times": 1}
    )
    assert created.status_code == 201
    assert created.json()["kind"] == "status"
    assert client.get("/_sandbox/faults").json()["faults"][0]["value"] == 503
    assert client.get(PATHS["server"]).status_code == 503
    assert client.get(PATHS["server"]).status_code == 200
    client.post("/_sandbox/faults", json={"kind": "drop"})
    assert client.delete("/_sandbox/faults").status_code == 204
    assert client.get(PATHS["server"]).status_code == 200
    bad = client.post("/_sandbox/faults", json={"kind": "nonsense"})
    assert bad.status_code == 400
