"""Whole user journeys through REST alone, and concurrent requests."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from filelock import FileLock

BEFORE = "# my settings\nchannels:\n  - defaults\nshow_channel_urls: true\n"


def stored_tokens(token_dir: Path) -> set[str]:
    if not token_dir.exists():
        return set()
    return {p.read_text().strip() for p in token_dir.glob("*.token")}


async def sign_out_restores(rest: Any) -> None:
    reply = await rest.post("disconnect")
    assert reply.status == 200, reply.body
    assert reply.body["connected"] is False
    assert rest.env.condarc.read_text() == BEFORE
    assert stored_tokens(rest.env.token_dir) == set()
    assert (await rest.get("status")).body["connected"] is False


async def test_cloud_cycle(rest: Any) -> None:
    rest.env.condarc.write_text(BEFORE)
    token = rest.sandbox.cloud_tokens[0]
    status = await rest.post("connect", {"service": "cloud", "token": token})
    assert status.status == 200, status.body
    assert (status.body["connected"], status.body["service"]) == (True, "cloud")
    assert status.body["default_channels"]  # managed as the token tool does
    assert stored_tokens(rest.env.token_dir) == {token}

    org_channel = rest.sandbox.urls["cloud"] + "my-org/analytics"
    added = await rest.post("channels", {"channels": [org_channel]})
    assert added.status == 200, added.body
    assert org_channel in added.body["channels"]
    assert org_channel in (await rest.get("status")).body["channels"]

    await sign_out_restores(rest)


async def test_server_cycle(rest: Any) -> None:
    rest.env.condarc.write_text(BEFORE)
    domain = rest.sandbox.urls["server"]
    prefs = await rest.put("preferences", {"server_domain": domain})  # "Set Domain"
    assert prefs.status == 200
    status = await rest.post(
        "connect", {"service": "server", "username": "demo", "password": "demo-password"}
    )
    assert status.status == 200, status.body
    assert (status.body["service"], status.body["domain"]) == ("server", domain)
    assert status.body["username"] == "demo"
    (token,) = stored_tokens(rest.env.token_dir)
    rest.secrets.add(token)
    assert rest.sandbox.is_token_valid(token)

    page = await rest.get("channels", params={"limit": "5"})
    assert page.status == 200
    names = [item["name"] for item in page.body["items"]]
    added = await rest.post(
        "channels", {"channels": names[:2], "default_channels": names[2:4]}
    )  # "Add to channels", "Add to default_channels", "Add channels"
    assert added.status == 200, added.body
    # by name under channel_alias, as Navigator writes them
    assert added.body["channels"][-2:] == names[:2]
    assert "defaults" in added.body["channels"]
    assert added.body["default_channels"] == names[2:4]
    after = (await rest.get("status")).body
    assert after["channels"] == added.body["channels"]

    await sign_out_restores(rest)
    assert not rest.sandbox.is_token_valid(token)  # revoked on the server too


async def test_enterprise_cycle(rest: Any) -> None:
    rest.env.condarc.write_text(BEFORE)
    domain = rest.sandbox.urls["enterprise"]
    status = await rest.post(
        "connect",
        {"service": "enterprise", "domain": domain, "username": "demo",
         "password": "demo-password"},
    )  # fmt: skip
    assert status.status == 200, status.body
    assert (status.body["service"], status.body["domain"]) == ("enterprise", domain)
    assert status.body["message"]  # add channels by hand
    (token,) = stored_tokens(rest.env.token_dir)
    rest.secrets.add(token)

    channel = rest.sandbox.base_url + "/enterprise/conda/demo"
    added = await rest.post("channels", {"channels": [channel]})
    assert added.status == 200, added.body
    assert channel in added.body["channels"]

    await sign_out_restores(rest)
    assert not rest.sandbox.is_token_valid(token)


async def test_parallel_status_while_adding_channels(rest: Any, repoconnect_app: Any) -> None:
    rest.env.condarc.write_text(BEFORE)
    await rest.post(
        "connect",
        {"service": "server", "domain": rest.sandbox.urls["server"], "username": "demo",
         "password": "demo-password"},
    )  # fmt: skip
    before = (await rest.get("status")).body
    lock_path = repoconnect_app.connector.state_store.lock_path

    # Hold the core's inter-process lock so the POST stays in flight, waiting for it.
    blocker = FileLock(str(lock_path))
    blocker.acquire()
    try:
        post = asyncio.ensure_future(rest.post("channels", {"channels": ["main", "r"]}))
        await asyncio.sleep(0.3)
        assert not post.done()
        during = await asyncio.gather(*(rest.get("status") for _ in range(20)))
        assert not post.done()
    except BaseException:
        blocker.release()
        raise
    # Release the lock and let 20 more race with the write itself.
    blocker.release()
    added, *racing = await asyncio.gather(post, *(rest.get("status") for _ in range(20)))
    after = (await rest.get("status")).body

    assert added.status == 200, added.body
    assert [r.status for r in during + racing] == [200] * 40
    assert all(r.body == before for r in during)  # reads are not blocked by the writer
    assert all(r.body in (before, after) for r in racing)
    assert after["channels"] == ["main", "r"]
    condarc = (await rest.get("condarc")).body
    assert condarc["channels"] == after["channels"] == added.body["channels"]
