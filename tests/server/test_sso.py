"""Single sign-on and access-token sign-in over REST, against the sandbox's provider with httpx
as the browser: pasted address (remote browser), loopback listener, cancel, every refusal; the
one-time code never in a reply or a log line."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.core.test_server_methods import web_page_token
from tests.core.test_sso import query, sign_in_at_provider, with_query


async def start(rest: Any, **body: Any) -> dict[str, Any]:
    reply = await rest.post("sso", {"domain": rest.sandbox.urls["server"], **body})
    assert reply.status == 200, reply.body
    return reply.body


async def browser_lands(authorization_url: str, **kwargs: Any) -> str:
    """The person signs in in a browser (another thread: the server's loop keeps running)."""
    return await asyncio.to_thread(sign_in_at_provider, authorization_url, **kwargs)


async def test_sso_with_the_pasted_address(rest: Any) -> None:
    started = await start(rest)
    assert started["listening"] is False  # no listener unless asked: the browser may be remote
    assert started["redirect_uri"].startswith("http://localhost:")
    landed = await browser_lands(started["authorization_url"])
    rest.secrets.add(query(landed)["code"])  # a one-time code: never echoed nor logged

    reply = await rest.post("sso/finish", {"id": started["id"], "redirect_address": landed})
    assert reply.status == 200, reply.body
    assert (reply.body["connected"], reply.body["username"]) == (True, "demo")
    assert reply.body["expires_at"]
    progress = await rest.get("sso", params={"id": started["id"]})
    assert progress.body["state"] == "signed_in"
    assert progress.body["status"]["connected"] is True

    again = await rest.post("sso/finish", {"id": started["id"], "redirect_address": landed})
    assert (again.status, again.error) == (409, "sso_not_pending")  # a code is used once


async def test_sso_through_the_listener_when_asked(rest: Any) -> None:
    started = await start(rest, listen=True)
    assert started["listening"] is True
    waiting = await rest.get("sso", params={"id": started["id"]})
    assert (waiting.body["state"], waiting.body["status"]) == ("waiting", None)
    landed = await browser_lands(started["authorization_url"])
    rest.secrets.add(query(landed)["code"])

    def follow() -> int:
        with httpx.Client(timeout=10, trust_env=False) as http:
            return http.get(landed).status_code

    assert await asyncio.to_thread(follow) == 200
    for _ in range(100):
        progress = await rest.get("sso", params={"id": started["id"]})
        if progress.body["state"] != "waiting":
            break
        await asyncio.sleep(0.05)
    assert progress.body["state"] == "signed_in", progress.body
    assert (await rest.get("status")).body["connected"] is True


async def test_cancel_forgets_the_sign_in(rest: Any) -> None:
    started = await start(rest, listen=True)
    reply = await rest.call("DELETE", "sso", params={"id": started["id"]})
    assert (reply.status, reply.body["connected"]) == (200, False)
    gone = await rest.get("sso", params={"id": started["id"]})
    assert (gone.status, gone.error) == (409, "sso_not_pending")


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"state": "not-this-one"}, 401, "sso_state_mismatch"),
        ({"state": None}, 401, "sso_state_mismatch"),
        ({"code": None}, 400, "bad_redirect_address"),
    ],
)
async def test_a_wrong_address_is_refused_and_writes_nothing(
    rest: Any, change: dict[str, Any], status: int, code: str
) -> None:
    before = rest.env.condarc.read_bytes() if rest.env.condarc.exists() else None
    started = await start(rest)
    landed = await browser_lands(started["authorization_url"])
    rest.secrets.add(query(landed)["code"])
    reply = await rest.post(
        "sso/finish", {"id": started["id"], "redirect_address": with_query(landed, **change)}
    )
    assert (reply.status, reply.error) == (status, code)
    assert (rest.env.condarc.read_bytes() if rest.env.condarc.exists() else None) == before
    assert (await rest.get("status")).body["connected"] is False


async def test_not_an_address_at_all(rest: Any) -> None:
    started = await start(rest)
    reply = await rest.post(
        "sso/finish", {"id": started["id"], "redirect_address": "https://example.com/"}
    )
    assert (reply.status, reply.error) == (400, "bad_redirect_address")


async def test_denied_at_the_provider(rest: Any) -> None:
    started = await start(rest)
    landed = await browser_lands(started["authorization_url"], cancel=True)
    reply = await rest.post("sso/finish", {"id": started["id"], "redirect_address": landed})
    assert (reply.status, reply.error) == (401, "sso_denied")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"listen": "yes"}, "bad_input"),
        ({"trust": True}, "bad_input"),
        ({"service": "cloud"}, "bad_method"),
    ],
)
async def test_start_refuses_bad_input(rest: Any, body: dict[str, Any], code: str) -> None:
    reply = await rest.post("sso", {"domain": rest.sandbox.urls["server"], **body})
    assert (reply.status, reply.error) == (400, code)


@pytest.mark.parametrize(
    "body", [{}, {"id": "x"}, {"redirect_address": "http://localhost:1/?code=a&state=b"}]
)
async def test_finish_needs_both_values(rest: Any, body: dict[str, Any]) -> None:
    reply = await rest.post("sso/finish", body)
    assert (reply.status, reply.error) == (400, "missing_input")


async def test_progress_needs_an_id(rest: Any) -> None:
    reply = await rest.get("sso")
    assert (reply.status, reply.error) == (400, "bad_input")
    reply = await rest.get("sso", params={"id": "never-started"})
    assert (reply.status, reply.error) == (409, "sso_not_pending")


async def test_connect_with_an_access_token(rest: Any) -> None:
    token, token_id = await asyncio.to_thread(web_page_token, rest.sandbox)
    rest.secrets.add(token)
    body = {
        "service": "server",
        "method": "access_token",
        "domain": rest.sandbox.urls["server"],
        "token": token,
    }
    reply = await rest.post("connect", body)
    assert reply.status == 200, reply.body
    assert (reply.body["connected"], reply.body["username"]) == (True, "demo")
    out = await rest.post("disconnect")
    assert any("not revoked" in w for w in out.body["warnings"])
    assert rest.sandbox.server_tokens[token_id].valid  # not ours to revoke


async def test_connect_with_an_unknown_method(rest: Any) -> None:
    body = {"service": "server", "method": "carrier-pigeon", "domain": rest.sandbox.urls["server"]}
    reply = await rest.post("connect", body)
    assert (reply.status, reply.error) == (400, "bad_method")
