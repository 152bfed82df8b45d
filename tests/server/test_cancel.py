"""A Cancel that cancels (issue 20, point 1): DELETE connect?attempt= during a sign-in that
waits on a hanging server frees everything at once, writes nothing, leaves no valid token."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

LOGIN = {"username": "demo", "password": "demo-password"}
HANG = 15.0  # seconds the sandbox's Server holds every answer


def files_of(env: Any) -> dict[str, bytes]:
    """Every file of .condarc, the token store and the recorded state, with its bytes."""
    found: dict[str, bytes] = {}
    if env.condarc.exists():
        found[str(env.condarc)] = env.condarc.read_bytes()
    for folder in (env.state_dir, env.binstar_dir):
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and path.name != "repoconnect.lock":
                found[str(path)] = path.read_bytes()
    return found


async def test_delete_cancels_a_hanging_sign_in_and_writes_nothing(rest: Any) -> None:
    sandbox = rest.sandbox
    before = files_of(rest.env)
    sandbox.inject("latency", service="server", value=HANG)
    body = {"service": "server", "domain": sandbox.urls["server"], **LOGIN, "attempt": "a-1"}
    started = time.monotonic()
    sign_in = asyncio.ensure_future(rest.post("connect", body))
    await asyncio.sleep(1.5)
    cancelled = await rest.call("DELETE", "connect", params={"attempt": "a-1"})
    assert cancelled.status == 200 and cancelled.body["connected"] is False
    answer = await sign_in
    assert (answer.status, answer.error) == (409, "cancelled")
    assert time.monotonic() - started < HANG / 2  # not when the server finally answers
    sandbox.clear_faults()

    assert files_of(rest.env) == before
    assert [r for r in sandbox.server_tokens.values() if r.valid] == []
    # the lock is free at once: the next sign-in goes through
    again = await rest.post("connect", {k: v for k, v in body.items() if k != "attempt"})
    assert again.status == 200 and again.body["connected"]


async def test_cancelling_an_attempt_that_is_not_running_changes_nothing(rest: Any) -> None:
    reply = await rest.call("DELETE", "connect", params={"attempt": "never-sent"})
    assert reply.status == 200 and reply.body["connected"] is False
    missing = await rest.call("DELETE", "connect")
    assert (missing.status, missing.error) == (400, "bad_input")


async def test_cancel_after_the_server_created_the_token_revokes_it(rest: Any) -> None:
    # the harder case: the Server has created the access token, but its answer stalls on the
    # way back (sandbox 'late' fault), so the sign-in never learns the token's id. Cancel must
    # still write nothing and leave no valid token: the undo finds it by its name.
    sandbox = rest.sandbox
    before = files_of(rest.env)
    created_before = set(sandbox.server_tokens)
    sandbox.inject("late", service="server", value=HANG, times=1, path="/api/account/tokens")
    body = {"service": "server", "domain": sandbox.urls["server"], **LOGIN, "attempt": "a-2"}
    started = time.monotonic()
    sign_in = asyncio.ensure_future(rest.post("connect", body))
    for _ in range(100):  # until the server has made it (its answer is being held)
        if set(sandbox.server_tokens) - created_before:
            break
        await asyncio.sleep(0.05)
    made = set(sandbox.server_tokens) - created_before
    assert len(made) == 1, "the server did not create the token: the test proves nothing"
    cancelled = await rest.call("DELETE", "connect", params={"attempt": "a-2"})
    assert cancelled.status == 200 and cancelled.body["connected"] is False
    answer = await sign_in
    assert (answer.status, answer.error) == (409, "cancelled")
    assert time.monotonic() - started < HANG / 2
    assert not sandbox.faults.list()

    assert files_of(rest.env) == before
    (token_id,) = made
    assert not sandbox.server_tokens[token_id].valid, "the created token stays valid"
    again = await rest.post("connect", {k: v for k, v in body.items() if k != "attempt"})
    assert again.status == 200 and again.body["connected"]
