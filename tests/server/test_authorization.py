"""jupyter_server's authorizer decides on the resource "repoconnect" (JupyterHub, custom IdPs)."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from jupyter_server.auth.authorizer import Authorizer
from traitlets.config import Config

from .conftest import server_config


class ReadOnlyRepoConnect(Authorizer):
    """Lets users read repoconnect but not change it, and records what it was asked."""

    asked: ClassVar[list[tuple[str, str]]] = []

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        self.asked.append((action, resource))
        return not (resource == "repoconnect" and action == "write")


@pytest.fixture
def jp_server_config() -> Config:
    return server_config(authorizer_class=ReadOnlyRepoConnect)


async def test_write_routes_need_write_permission(api: Any) -> None:
    ReadOnlyRepoConnect.asked.clear()
    reply = await api.get("channels", params={"limit": "0"})
    assert (reply.status, reply.error) == (400, "bad_input")  # read allowed, then validated
    for method, route in [
        ("POST", "connect"),
        ("POST", "channels"),
        ("PUT", "condarc"),
        ("POST", "disconnect"),
        ("PUT", "preferences"),
    ]:
        reply = await api.call(method, route, {})
        assert (reply.status, reply.error) == (403, "forbidden"), (method, route)
        assert "write" in reply.body["message"] and "repoconnect" in reply.body["message"]
    assert ("read", "repoconnect") in ReadOnlyRepoConnect.asked
    assert ("write", "repoconnect") in ReadOnlyRepoConnect.asked
