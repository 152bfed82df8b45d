"""Fixtures of the sandbox's own tests (the `sandbox` fixture comes from the plugin).

Each service listens at the root of its own port, like the real host; `hosts[service]` is an
httpx client on that root and `hosts["control"]` one on the control port (`/_sandbox/...`).
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import httpx
import pytest

from jupyter_repoconnect.testing.sandbox import Sandbox

# The scopes Navigator asks a Server token for (protocols.md).
NAVIGATOR_SCOPES = [
    "channel:view",
    "channel:view-artifacts",
    "subchannel:view",
    "subchannel:view-artifacts",
    "artifact:view",
    "artifact:download",
]


def package_names(repodata: dict) -> set[str]:
    """The names of every package a repodata.json lists, in either format."""
    entries = [*repodata["packages"].values(), *repodata["packages.conda"].values()]
    return {p["name"] for p in entries}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def x_auth(token: str) -> dict[str, str]:
    return {"X-Auth": token}


@pytest.fixture(scope="session")
def tls() -> ssl.SSLContext:
    """One default TLS context for all clients (building one per client costs ~50 ms)."""
    return ssl.create_default_context()


@pytest.fixture
def hosts(sandbox: Sandbox, tls: ssl.SSLContext) -> Iterator[dict[str, httpx.Client]]:
    """One httpx client per service host root, plus "control"."""
    roots = {name: sandbox.root(name) for name in ("cloud", "server", "enterprise")}
    roots["control"] = sandbox.base_url
    clients = {
        name: httpx.Client(base_url=root, timeout=10, verify=tls) for name, root in roots.items()
    }
    try:
        yield clients
    finally:
        for http in clients.values():
            http.close()


@pytest.fixture
def server(hosts: dict[str, httpx.Client]) -> httpx.Client:
    """A client on the Server domain (`/api/...`)."""
    return hosts["server"]


@pytest.fixture
def control(hosts: dict[str, httpx.Client]) -> httpx.Client:
    """A client on the control port (`/_sandbox/...`)."""
    return hosts["control"]


@pytest.fixture
def session(server: httpx.Client) -> str:
    """A Server login session (the JWT) of the default user."""
    response = server.post(
        "/api/auth/login", json={"username": "demo", "password": "demo-password"}
    )
    assert response.status_code == 200
    return response.json()["token"]


def create_token(
    server: httpx.Client, session: str, scopes: list[str], name: str = "jupyter"
) -> dict[str, str]:
    """A Server private access token ({"id", "token", ...}) created with the session."""
    response = server.post(
        "/api/account/tokens",
        headers=bearer(session),
        json={"name": name, "expires_at": "2999-12-31", "scopes": scopes},
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def private_token(server: httpx.Client, session: str) -> dict[str, str]:
    """A Server private access token of the default user with Navigator's six scopes."""
    return create_token(server, session, NAVIGATOR_SCOPES)
