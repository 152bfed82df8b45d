"""SIGKILL at every file-write point and at random moments of every sign-in and sign-out.

A forked child runs one flow with `os.replace` / `os.unlink` wrapped so that it kills itself
right before the Nth change (every N of the flow), or the parent kills it after a random
delay. Then, in the parent, the next operation recovers, and the machine must be in one of
two states only: the flow fully done, or fully undone — with the original `.condarc` byte
for byte after a sign-out, no token file left, and no token left valid on the server.

`REPOCONNECT_KILLS=N` sets the number of random kills per flow (default 30).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jupyter_repoconnect.core import Connector, RepoConnectSettings
from jupyter_repoconnect.core import files as core_files
from jupyter_repoconnect.core import http as core_http
from jupyter_repoconnect.core.tokens import TokenStore
from jupyter_repoconnect.testing import Sandbox

from .conftest import ORIGINAL_CONDARC, PASSWORD, record_figure

RANDOM_KILLS = int(os.environ.get("REPOCONNECT_KILLS", "30"))
FIGURES: dict[str, int] = {}


def sign_in(service: str, sb: Sandbox) -> Callable[[Connector], Any]:
    if service == "cloud":
        return lambda c: c.connect("cloud", token=sb.cloud_tokens[0])
    domain = sb.urls[service]
    return lambda c: c.connect(service, domain=domain, username="demo", password=PASSWORD)


def forget_parent() -> None:
    """In a forked child: the parent's HTTP connections and file locks are not ours."""
    core_http._CLIENTS.clear()
    core_files._LOCKS.clear()


def run_child(action: Callable[[], Any], kill_before: int | None) -> tuple[int, int]:
    """Fork; the child runs ``action``, killing itself before change number ``kill_before``.

    Returns (pid, changes counted) — the count only when the child was not killed."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 0
        try:
            os.close(read)
            forget_parent()
            count = [0]
            real_replace, real_unlink = os.replace, os.unlink

            def counted(real: Callable[..., Any]) -> Callable[..., Any]:
                def change(*args: Any, **kwargs: Any) -> Any:
                    count[0] += 1
                    if kill_before is not None and count[0] == kill_before:
                        os.kill(os.getpid(), signal.SIGKILL)
                    return real(*args, **kwargs)

                return change

            os.replace = counted(real_replace)  # type: ignore[assignment]
            os.unlink = counted(real_unlink)  # type: ignore[assignment]
            try:
                action()
            except BaseException as exc:
                code = 3
                os.write(2, f"child failed: {exc!r}\n".encode())
            os.write(write, str(count[0]).encode())
        finally:
            os._exit(code)
    os.close(write)
    return pid, _read_all(read)


def _read_all(fd: int) -> int:
    chunks = []
    while chunk := os.read(fd, 64):
        chunks.append(chunk)
    os.close(fd)
    return int(b"".join(chunks) or b"0")


def wait(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return status


def assert_whole(env: Any, sb: Sandbox, signed_in_expected: bool | None = None) -> None:
    """After recovery: either signed in with everything written, or signed out with the
    original back; then a sign-out (if needed) restores the original byte for byte."""
    connector = Connector(RepoConnectSettings(timeout=5.0))
    status = connector.status()  # recovery happens here
    assert not (env.state_dir / "transaction.json").exists()
    if status.connected:
        assert signed_in_expected is not False
        assert env.condarc.read_bytes() != ORIGINAL_CONDARC or status.service == "cloud"
        connector.disconnect()
    else:
        assert signed_in_expected is not True
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC
    assert TokenStore().list() == []
    assert not (env.state_dir / "condarc.pre-login").exists()
    leftovers = [r for r in sb.server_tokens.values() if r.valid]
    assert leftovers == [], "a Server token is left valid that nothing records"
    # a write killed before its rename leaves a temp copy: a token, a session, a journal
    temps = sorted(str(p) for p in env.state_dir.parent.rglob("*.rctmp"))
    assert temps == [], "a killed write's temp copy (it may hold a secret) survived"
    assert _files_holding(env.state_dir.parent, sb) == [], "a file still holds a token"


def _files_holding(folder: Path, sb: Sandbox) -> list[str]:
    """Files under ``folder`` holding any token or session the sandbox ever issued."""
    secrets = [r.token.encode() for r in sb.tokens.select().values() if len(r.token) >= 16]
    return [
        str(p)
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink() and any(t in p.read_bytes() for t in secrets)
    ]


def enterprise_replaced(sb: Sandbox, connector_action: Callable[[Connector], Any]) -> None:
    """A kill between the Enterprise login's answer and its journal note leaves a token the
    server alone knows (said at recovery); the next login from this host replaces it."""
    if not [r for r in sb.enterprise_tokens.values() if r.valid]:
        return
    connector = Connector(RepoConnectSettings(timeout=5.0))
    connector_action(connector)
    connector.disconnect()
    assert [r for r in sb.enterprise_tokens.values() if r.valid] == []


@pytest.fixture
def kill_env(env: Any, sandbox: Sandbox) -> Any:
    env.condarc.write_bytes(ORIGINAL_CONDARC)
    return env


def _reset(env: Any) -> None:
    env.condarc.write_bytes(ORIGINAL_CONDARC)


@pytest.mark.parametrize("service", ["cloud", "server", "enterprise"])
@pytest.mark.parametrize("flow", ["sign-in", "sign-out"])
def test_kill_at_every_write_point_and_at_random(
    flow: str, service: str, kill_env: Any, sandbox: Sandbox
) -> None:
    login = sign_in(service, sandbox)

    def prepare() -> None:
        _reset(kill_env)
        if flow == "sign-out":
            login(Connector(RepoConnectSettings(timeout=5.0)))

    def action() -> None:
        connector = Connector(RepoConnectSettings(timeout=5.0))
        login(connector) if flow == "sign-in" else connector.disconnect()

    prepare()
    pid, changes = run_child(action, None)
    assert wait(pid) == 0, "the flow failed without a kill"
    assert changes >= 3
    if flow == "sign-in":  # the secret scan of assert_whole sees a signed-in home's token
        assert _files_holding(kill_env.state_dir.parent, sandbox)
    assert_whole(kill_env, sandbox, signed_in_expected=flow == "sign-in")
    kills = 0
    for point in range(1, changes + 1):
        prepare()
        pid, _ = run_child(action, point)
        assert os.WIFSIGNALED(wait(pid)), f"change {point} of {changes} was not reached"
        kills += 1
        assert_whole(kill_env, sandbox)
        if service == "enterprise":
            enterprise_replaced(sandbox, login)

    duration = _timed(prepare, action, kill_env, sandbox)
    rng = random.Random(f"{flow}-{service}")
    for _ in range(RANDOM_KILLS):
        prepare()
        pid, _ = _run_and_kill_after(action, rng.uniform(0, duration))
        kills += 1
        assert_whole(kill_env, sandbox)
        if service == "enterprise":
            enterprise_replaced(sandbox, login)
    FIGURES[f"{flow} {service}"] = kills


def _timed(prepare: Callable[[], None], action: Callable[[], None], env: Any, sb: Sandbox) -> float:
    prepare()
    start = time.perf_counter()
    pid, _ = run_child(action, None)
    wait(pid)
    took = time.perf_counter() - start
    assert_whole(env, sb)
    return took


def _run_and_kill_after(action: Callable[[], None], delay: float) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(read)
            forget_parent()
            try:
                action()
            except BaseException:
                code = 3
        finally:
            os._exit(code)
    os.close(write)
    os.close(read)
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    wait(pid)
    return pid, 0


# --- the account's flows (issue 22 point 1): same guarantees as the repository's -----------
# The user's own default_channels: a later sign-out must never delete them from the original.
ACCOUNT_RANDOM_KILLS = max(1, RANDOM_KILLS // 3)
ACCOUNT_ORIGINAL = ORIGINAL_CONDARC + b"default_channels:\n  - https://mine.example/main\n"
ACCOUNT_FLOWS = [
    "install token",
    "reissue token",
    "remove token",
    "sign out",
    "api key",
    "device sign-in",
]


def _account(timeout: float = 5.0) -> Any:
    from jupyter_repoconnect.core.account import Account

    return Account(Connector(RepoConnectSettings(timeout=timeout)))


def _keyring_entry() -> dict[str, Any]:
    import base64
    import json
    from pathlib import Path

    from jupyter_repoconnect.core import auth_keyring

    path = auth_keyring.keyring_path()
    if not path.exists():
        return {}
    data = json.loads(path.read_text()).get(auth_keyring.SERVICE) or {}
    return {user: json.loads(base64.b64decode(value)) for user, value in data.items()}.get(
        auth_keyring.keyring_user(_account().domain), {}
    ) | {"_path": str(Path(path))}


def assert_account_whole(env: Any, sb: Sandbox) -> None:
    """After recovery: a Cloud connection shown is one whose token works (or says it does
    not); the keyring holds no revoked repository token; a sign-out then gives the original
    .condarc back byte for byte (the user's default_channels too) and leaves no secret file."""
    account = _account()
    status = account.connector.status()  # recovery happens here
    account.status()  # and the account's: its keyring's temp copies
    assert not (env.state_dir / "transaction.json").exists()
    entry = _keyring_entry()
    for kept in entry.get("repo_tokens") or []:
        assert sb.tokens.valid(kept["token"], "cloud"), "the keyring keeps a revoked token"
    if status.connected:
        token = TokenStore().get(sb.urls["cloud"])
        working = sb.tokens.valid(token, "cloud") is not None
        assert working or status.warnings, "Connected on a revoked token, without a warning"
        account.remove_token()
    assert not account.connector.status().connected
    assert env.condarc.read_bytes() == ACCOUNT_ORIGINAL
    assert TokenStore().list() == []
    assert not (_keyring_entry().get("repo_tokens") or [])
    home = Path(os.environ["HOME"])
    temps = sorted(str(p) for p in home.rglob("*.rctmp"))
    assert temps == [], "a killed write's temp copy (it may hold a secret) survived"
    # after Remove token no organisation token is in any file (journals, copies, keyring)
    secrets = [r.token.encode() for r in sb.tokens.select("cloud").values() if r.org]
    holding = [
        str(p) for p in home.rglob("*") if p.is_file() and any(t in p.read_bytes() for t in secrets)
    ]
    assert holding == [], "a file still holds an organisation's repository token"


@pytest.mark.parametrize("flow", ACCOUNT_FLOWS)
def test_kill_account_flows_at_every_write_point(
    flow: str, kill_env: Any, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("ANACONDA_AUTH_API_KEY", "ANACONDA_AUTH_KEYRING_PATH", "ANACONDA_AUTH_DOMAIN"):
        monkeypatch.delenv(name, raising=False)
    sandbox.account.interval = 1
    first = _account()
    login = first.begin_login()
    sandbox.account.approve(login.user_code)
    assert first.wait_login(login.login_id) is not None
    api_key = _keyring_entry()["api_key"]
    device: dict[str, Any] = {}

    def prepare() -> None:
        account = _account()
        if account.connector.status().connected:
            account.remove_token()
        kill_env.condarc.write_bytes(ACCOUNT_ORIGINAL)
        if not account.status().signed_in:
            account.sign_in_with_api_key(api_key)
        if flow in ("reissue token", "remove token"):
            account.install_token("acme", confirm_reissue=True)
        if flow == "device sign-in":  # approved here; the forked child finishes it
            account.sign_out()
            login = account.begin_login()
            sandbox.account.approve(login.user_code)
            device.update(account=account, id=login.login_id)
            device["keys"] = len(sandbox.account.valid_api_keys())

    def device_said() -> None:
        """A kill between creating the API key and storing it is said by the next status."""
        if flow != "device sign-in":
            return
        status = _account().status()
        if not status.signed_in and len(sandbox.account.valid_api_keys()) > device["keys"]:
            assert status.message and "API key" in status.message, "an orphaned key unsaid"

    def action() -> None:
        account = _account()
        if flow == "device sign-in":
            assert device["account"].wait_login(device["id"]) is not None
        elif flow in ("install token", "reissue token"):
            account.install_token("acme", confirm_reissue=True)
        elif flow == "remove token":
            account.remove_token()
        elif flow == "sign out":
            account.sign_out()
        else:
            account.sign_in_with_api_key(api_key)

    prepare()
    pid, changes = run_child(action, None)
    assert wait(pid) == 0, "the flow failed without a kill"
    assert changes >= 1
    assert_account_whole(kill_env, sandbox)
    kills = 0
    for point in range(1, changes + 1):
        prepare()
        pid, _ = run_child(action, point)
        assert os.WIFSIGNALED(wait(pid)), f"change {point} of {changes} was not reached"
        kills += 1
        device_said()
        assert_account_whole(kill_env, sandbox)
    # and at random moments, network steps included (fewer: the write points are above)
    prepare()
    start = time.perf_counter()
    pid, _ = run_child(action, None)
    assert wait(pid) == 0
    duration = time.perf_counter() - start
    assert_account_whole(kill_env, sandbox)
    rng = random.Random(f"account-{flow}")
    for _ in range(ACCOUNT_RANDOM_KILLS):
        prepare()
        _run_and_kill_after(action, rng.uniform(0, duration))
        kills += 1
        device_said()
        assert_account_whole(kill_env, sandbox)
    FIGURES[f"account {flow}"] = kills


def test_kill_figures_cover_every_flow() -> None:
    """Runs last in this module: 200+ kills over the six flows in the default run."""
    if len(FIGURES) < 6 or RANDOM_KILLS < 30:
        pytest.skip("run the whole module, with at least the default random kills")
    assert sum(FIGURES.values()) >= 200, FIGURES
    record_figure("kills", str(sum(FIGURES.values())))
    account = {k: v for k, v in FIGURES.items() if k.startswith("account ")}
    if len(account) == len(ACCOUNT_FLOWS):
        record_figure("account-kills", str(sum(account.values())))
