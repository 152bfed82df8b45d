"""One user's sign-in touches only their own home; two users at once do not interfere."""

from __future__ import annotations

import stat
import threading
from typing import Any

from .conftest import HubSetup
from .hubhelpers import (
    Snapshot,
    changed,
    own_changes_only,
    owned_outside,
    readable_by,
    sign_in,
    snapshot,
    state_files,
    token_files,
)
from .localusers import HubUser


def everything_but(setup: HubSetup, user: HubUser) -> Snapshot:
    """Every file of the test machine's folders but the user's home and the hub's own files.

    That is the other users' homes, the administrator's config, the CA, the users' Python
    (by size and time: it is big) and any folder an administrator might have shared.
    """
    python = setup.python.prefix
    roots = [setup.base] + ([python] if setup.base not in python.parents else [])
    return snapshot(roots, skip=[user.home, setup.hub.workdir], light=[python])


def test_a_sign_in_changes_only_that_users_files(hub_env: HubSetup) -> None:
    a, b = hub_env.users
    hub = hub_env.hub
    before_a = snapshot([a.home])
    before_b = snapshot([b.home])
    before_rest = everything_but(hub_env, a)
    scratch_before = owned_outside(a, hub_env.base)

    body = sign_in(hub_env, a)
    assert body["connected"] and body["username"] == a.name
    assert body["domain"] == hub_env.domain

    # Not a byte of B's home, of the shared folders or of the scratch folders.
    assert changed(before_b, snapshot([b.home])) == [], "A's sign-in changed B's home"
    assert changed(before_rest, everything_but(hub_env, a)) == []
    assert owned_outside(a, hub_env.base) - scratch_before == set()

    # A's own .condarc, token store and state changed; nothing else in A's home.
    after_a = snapshot([a.home])
    changes = changed(before_a, after_a)
    assert str(a.home / ".condarc") in changes
    assert token_files(a) and state_files(a)
    assert own_changes_only(a, changes) == []

    status, b_status = hub.user_api(b, "GET", "status")
    assert status == 200 and b_status["connected"] is False

    # A's secrets are A's: owned by A, mode 0600, and B cannot read them.
    secrets_files = token_files(a) + [p for p in state_files(a) if p.suffix != ".lock"]
    for path in secrets_files:
        info = path.stat()
        assert (info.st_uid, info.st_gid) == (a.uid, a.gid), path
        assert stat.S_IMODE(info.st_mode) == 0o600, (path, oct(info.st_mode))
    (token,) = [r.token for r in hub_env.sandbox.server_tokens.values() if r.valid]
    seen_by_b = readable_by(b, a.home, hub_env.user_env(b))
    assert str(a.home / ".condarc") in seen_by_b  # the check can read what is readable
    assert not [p for p, text in seen_by_b.items() if token in text]
    assert not set(seen_by_b) & {str(p) for p in secrets_files}


def test_two_users_at_once_do_not_interfere(hub_env: HubSetup) -> None:
    hub = hub_env.hub
    initial = {u.name: (u.home / ".condarc").read_bytes() for u in hub_env.users}
    start = threading.Barrier(len(hub_env.users))
    results: dict[str, dict[str, Any]] = {}
    failures: list[BaseException] = []

    def session(index: int) -> None:
        user = hub_env.users[index]
        try:
            start.wait(30)
            status, body = hub.user_api(
                user, "POST", "connect",
                {"service": "server", "username": user.name, "password": user.repo_password},
            )  # fmt: skip
            assert status == 200, (status, body)
            status, page = hub.user_api(user, "GET", f"channels?limit=5&offset={index * 2}")
            assert status == 200, (status, page)
            names = [c["name"] for c in page["items"][:2]]
            status, added = hub.user_api(user, "POST", "channels", {"channels": names})
            assert status == 200, (status, added)
            status, connected = hub.user_api(user, "GET", "status")
            assert status == 200
            status, out = hub.user_api(user, "POST", "disconnect")
            assert status == 200, (status, out)
            results[user.name] = {"names": names, "status": connected, "out": out}
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(len(hub_env.users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures, failures

    for user in hub_env.users:
        result = results[user.name]
        status = result["status"]
        assert status["connected"] and status["username"] == user.name
        assert [c.rsplit("/", 1)[-1] for c in status["channels"]] == result["names"]
        assert result["out"]["connected"] is False
        assert (user.home / ".condarc").read_bytes() == initial[user.name]
        assert token_files(user) == []
    first, second = (results[u.name]["names"] for u in hub_env.users)
    assert first != second  # different channels, so a mix-up would show
    # Each sign-in made one token on the server; each sign-out revoked its own.
    tokens = hub_env.sandbox.server_tokens.values()
    assert sorted(str(r.user) for r in tokens) == sorted(u.name for u in hub_env.users)
    assert not [r for r in tokens if r.valid]
