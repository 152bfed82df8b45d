"""The routes follow the server's base_url (JupyterHub serves users under /user/<name>/)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(params=["/", "/user/alice/"])
def jp_base_url(request: pytest.FixtureRequest) -> str:
    return request.param


async def test_routes_live_under_base_url(
    jp_base_url: str, jp_fetch: Any, http_server_client: Any, jp_auth_header: Any
) -> None:
    response = await jp_fetch("repoconnect", "channels", params={"limit": "0"}, raise_error=False)
    assert response.code == 400  # reached our handler, which validated the query
    assert response.effective_url.split("?")[0].endswith(f"{jp_base_url}repoconnect/channels")
    if jp_base_url != "/":
        outside = await http_server_client.fetch(
            "/repoconnect/channels?limit=0", headers=jp_auth_header, raise_error=False
        )
        assert outside.code == 404
