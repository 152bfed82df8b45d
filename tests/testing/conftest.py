"""Fixtures of the sandbox's own tests (the `sandbox` fixture comes from the plugin)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from jupyter_repoconnect.testing.sandbox import Sandbox


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[httpx.Client]:
    """An httpx client for the sandbox's base URL."""
    with httpx.Client(base_url=sandbox.base_url, timeout=10) as http:
        yield http


@pytest.fixture
def session(client: httpx.Client) -> str:
    """A server login session of the default user."""
    response = client.post(
        "/server/api/auth/login", json={"username": "demo", "password": "demo-password"}
    )
    assert response.status_code == 200
    return response.json()["token"]


@pytest.fixture
def private_token(client: httpx.Client, session: str) -> dict[str, str]:
    """A server private access token of the default user ({"id", "token", ...})."""
    response = client.post(
        "/server/api/account/tokens",
        headers={"Authorization": f"Bearer {session}"},
        json={"name": "jupyter", "expires_at": "2999-12-31", "scopes": ["channel:view"]},
    )
    assert response.status_code == 201
    return response.json()
