"""POST repoconnect/renew: a new token for the connection made here, channels kept."""

from __future__ import annotations

from typing import Any

LOGIN = {"username": "demo", "password": "demo-password"}


async def test_renew_over_rest(rest: Any) -> None:
    server = rest.sandbox.urls["server"]
    signed_in = await rest.post("connect", {"service": "server", "domain": server, **LOGIN})
    assert signed_in.status == 200
    renewed = await rest.post("renew", LOGIN)
    assert renewed.status == 200 and renewed.body["connected"]
    assert renewed.body["expires_at"]
    assert "password" not in str(renewed.body) and "demo-password" not in str(renewed.body)
    wrong = await rest.post("renew", {**LOGIN, "password": "wrong"})
    assert (wrong.status, wrong.error) == (401, "wrong_credentials")


async def test_renew_signed_out_is_409(rest: Any) -> None:
    reply = await rest.post("renew", LOGIN)
    assert (reply.status, reply.error) == (409, "not_connected")
    assert reply.body["state_moved"] is True
