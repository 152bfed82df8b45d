"""GET status is answered on the event loop, without a thread hop: there it must read no file.

On a JupyterHub network home one read blocks every request of the user's server. Status reads
its files through core/cache.py, which costs one ``stat`` per file while nothing changed. An
audit hook sees every ``open`` made on the loop's thread, whichever way the code opens a file
(``open``, ``io``, ``pathlib``, ``os.open``).
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from jupyter_repoconnect.core import auth_keyring, cache
from jupyter_repoconnect.core.tokens import TokenStore, anaconda_client_config_path

ENTERPRISE = "https://enterprise.example.com/api"
_watch: tuple[int, list[str]] | None = None  # (the loop's thread, the paths it opened)
_hooked = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    watch = _watch
    if watch is not None and event == "open" and threading.get_ident() == watch[0]:
        watch[1].append(str(args[0]))


@contextmanager
def loop_opens() -> Iterator[list[str]]:
    """The files opened on this thread (the event loop's, in these tests) meanwhile."""
    global _watch, _hooked
    if not _hooked:  # an audit hook stays for the life of the process: add one, once
        sys.addaudithook(_audit)
        _hooked = True
    opened: list[str] = []
    _watch = (threading.get_ident(), opened)
    try:
        yield opened
    finally:
        _watch = None


@pytest.fixture
def status(jp_fetch: Any, rest: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``await status()``: GET status served by the test's event loop (no OpenAPI check, which
    would run on the loop too)."""
    # Files the test has just written count as settled, as they would be a few seconds later
    # (core/cache.py confirms a file changed in the last 2 s by its bytes).
    monkeypatch.setattr(cache, "RACY_NS", 0)

    async def get() -> dict[str, Any]:
        response = await jp_fetch("repoconnect", "status")
        return json.loads(response.body)

    return get


def keyring(repo_tokens: list[dict[str, str]]) -> None:
    """anaconda-auth's keyring file with an account sign-in and these repository tokens."""
    info = {"domain": "anaconda.com", "api_key": "account-api-key", "version": 2}
    auth_keyring.write_info("anaconda.com", {**info, "repo_tokens": repo_tokens})


async def signed_out(rest: Any) -> None:
    pass


async def signed_out_with_a_keyring(rest: Any) -> None:
    keyring([])  # an anaconda.com account sign-in only: the case


async def cloud_here(rest: Any) -> None:
    reply = await rest.post("connect", {"service": "cloud", "token": rest.sandbox.cloud_tokens[0]})
    assert reply.status == 200, reply.body


async def server_here(rest: Any) -> None:
    body = {"service": "server", "domain": rest.sandbox.urls["server"]}
    reply = await rest.post("connect", {**body, "username": "demo", "password": "demo-password"})
    assert reply.status == 200, reply.body


async def anaconda_client(rest: Any) -> None:
    config = anaconda_client_config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"url: {ENTERPRISE}\n")
    TokenStore().set(ENTERPRISE, "token-from-the-cli")


async def anaconda_auth(rest: Any) -> None:
    keyring([{"token": rest.sandbox.cloud_tokens[0], "org_name": "acme"}])


HOMES: dict[str, tuple[Callable[[Any], Awaitable[None]], str | None]] = {
    "signed out": (signed_out, None),
    "signed out, anaconda-auth keyring": (signed_out_with_a_keyring, None),
    "Cloud, signed in here": (cloud_here, "cloud"),
    "Server, signed in here": (server_here, "server"),
    "Enterprise 4, anaconda-client": (anaconda_client, "enterprise"),
    "Cloud, anaconda-auth": (anaconda_auth, "cloud"),
}


@pytest.mark.parametrize("home", list(HOMES))
async def test_status_reads_no_file_on_the_loop_while_nothing_changed(
    rest: Any, status: Any, home: str
) -> None:
    prepare, service = HOMES[home]
    rest.env.condarc.write_text("channels:\n  - defaults\n")
    await prepare(rest)
    first = await status()  # reads (and caches) the files
    assert first["service"] == service
    with loop_opens() as opened:
        for _ in range(3):
            assert await status() == first
    assert opened == []


async def test_the_check_sees_a_read_on_the_loop(rest: Any, status: Any) -> None:
    condarc: Path = rest.env.condarc
    condarc.write_text("channels:\n  - defaults\n")
    await status()
    condarc.write_text("channels:\n  - conda-forge\n")
    with loop_opens() as opened:
        assert (await status())["channels"] == ["conda-forge"]
    assert str(condarc) in opened  # a changed file is read again, here on the loop
