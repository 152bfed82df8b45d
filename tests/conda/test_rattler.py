"""Real rattler (py-rattler, the library pixi is built on) installs through what a sign-in writes.

For each service (and the account's organisation token): after one sign-in, py-rattler loads
pixi's configuration the way pixi does (`Config.load_from_default_locations("pixi")`, so the
mirror in `~/.pixi/config.toml` is used) and its credential store (`~/.rattler/credentials.json`),
solves and installs a package only the private channel holds, plus the `.conda` package; the
environment's conda-meta holds no token. After sign-out the repository answers 401 and the
user's own `config.toml` and `credentials.json` are back byte for byte.

py-rattler runs in a subprocess: 0.28.0 sometimes crashes at interpreter exit. Without it the
tests skip locally and fail under CI (`CI` set).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from jupyter_repoconnect.core import Connector, RepoConnectSettings
from jupyter_repoconnect.core.sinks import rattler as rattler_sink
from jupyter_repoconnect.testing import Sandbox
from jupyter_repoconnect.testing.catalog import package_name
from jupyter_repoconnect.testing.packages import DEMO

from .conftest import assert_installed

HOW = "py-rattler is needed: pip install py-rattler (it is in the test extra)"
LOGIN = {"username": "demo", "password": "demo-password"}

# A pixi user's own files, kept through sign-in and sign-out.
USER_PIXI = b"""\
# my pixi settings
[mirrors]
"https://conda.anaconda.org/conda-forge" = ["https://prefix.dev/conda-forge"]  # faster

[repodata-config]
disable-jlap = true
"""
USER_CREDENTIALS = b'{"prefix.dev":{"BearerToken":"pfx-mine"}}'

# Solve and install as pixi does: its configuration, its authenticated client. The result
# line is flushed, then the process ends without finalisers (where 0.28.0 may crash).
PROBE = """
import asyncio, json, os, sys
from pathlib import Path
from rattler import Client, Config, Gateway, install, solve

channel, prefix, cache, *specs = sys.argv[1:]
config = Config.load_from_default_locations("pixi")
client = Client.from_config(config)

async def main():
    gateway = Gateway(cache_dir=Path(cache) / "repodata", client=client)
    records = await solve([channel], specs, gateway=gateway, platforms=["linux-64", "noarch"],
                          virtual_packages=[])
    await install(records, prefix, cache_dir=Path(cache) / "pkgs", client=client,
                  show_progress=False)
    return sorted(r.name.normalized for r in records)

try:
    result = {"ok": True, "installed": asyncio.run(main())}
except Exception as exc:
    result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
result["mirrors"] = sorted(config.mirrors)
print("RESULT " + json.dumps(result), flush=True)
os._exit(0)
"""


@pytest.fixture(scope="module", autouse=True)
def py_rattler() -> None:
    if importlib.util.find_spec("rattler") is None:
        if os.environ.get("CI"):
            pytest.fail(HOW, pytrace=False)
        pytest.skip(HOW)


def _account_sign_in(connector: Connector, sb: Sandbox) -> None:
    from jupyter_repoconnect.core.account import Account

    sb.account.interval = 1  # the real default is 5; the test approves before polling
    account = Account(connector)
    login = account.begin_login()
    sb.account.approve(login.user_code)
    assert account.wait_login(login.login_id) is not None
    account.install_token("acme")


def _account_sign_out(connector: Connector) -> None:
    from jupyter_repoconnect.core.account import Account

    account = Account(connector)
    account.remove_token()
    account.sign_out()


@dataclass
class Case:
    sign_in: Callable[[Connector, Sandbox], Any]
    channel: Callable[[Sandbox], str]  # a private channel's full URL (rattler resolves names
    package: str  # to conda.anaconda.org); the package only it holds
    token_at: str  # every repository request rattler makes starts with this (TOKEN masked)
    service: str
    sign_out: Callable[[Connector], Any] = Connector.disconnect


CASES = {
    "cloud": Case(
        lambda c, sb: c.connect("cloud", token=sb.cloud_tokens[0]),
        lambda sb: sb.urls["cloud"] + "acme/internal",
        package_name("acme/internal"),
        "/t/<TOKEN>/repo/",
        "cloud",
    ),
    "account": Case(
        _account_sign_in,
        lambda sb: sb.urls["cloud"] + "acme/internal",
        package_name("acme/internal"),
        "/t/<TOKEN>/repo/",
        "cloud",
        sign_out=_account_sign_out,
    ),
    "server": Case(
        lambda c, sb: c.connect("server", domain=sb.urls["server"], **LOGIN),
        lambda sb: sb.root("server") + "/api/repo/internal-tools/stable",  # a sub-channel
        package_name("internal-tools/stable"),
        "/api/repo/t/<TOKEN>/",
        "server",
    ),
    "enterprise": Case(
        lambda c, sb: c.connect("enterprise", domain=sb.urls["enterprise"], **LOGIN),
        lambda sb: sb.root("enterprise") + "/conda/demo",
        package_name("demo"),
        "/conda/t/<TOKEN>/",
        "enterprise",
    ),
}


def run_rattler(env: dict[str, str], channel: str, prefix: Path, cache: Path, *specs: str):
    """py-rattler's solve and install in a subprocess: its result line, parsed."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, channel, str(prefix), str(cache), *specs],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    for line in result.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise AssertionError(f"py-rattler gave no result ({result.returncode}):\n{result.stderr}")


def rattler_env(repoconnect_env: Any) -> dict[str, str]:
    env = {**os.environ, **repoconnect_env.env}
    for name in ("RATTLER_AUTH_FILE", "PIXI_HOME", "XDG_CONFIG_HOME", "NETRC"):
        env.pop(name, None)
    # rattler asks the OS keyring before its file: never the keyring of the machine running this
    env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/repoconnect-test"
    return env


def repository_requests(sandbox: Sandbox, service: str) -> list[tuple[str, int]]:
    roots = ("/t/", "/repo/", "/api/repo", "/conda")
    return [(p, code) for _, p, code in sandbox.requests(service) if p.startswith(roots)]


@pytest.mark.parametrize("service", list(CASES))
def test_rattler_installs_after_sign_in_and_is_refused_after_sign_out(
    service: str, repoconnect_env: Any, sandbox: Sandbox, tmp_path: Path, monkeypatch
) -> None:
    case = CASES[service]
    monkeypatch.delenv("ANACONDA_AUTH_DOMAIN", raising=False)
    env = rattler_env(repoconnect_env)
    home = Path(env["HOME"])
    pixi_config = home / ".pixi" / "config.toml"
    credentials = home / ".rattler" / "credentials.json"
    for path, content in ((pixi_config, USER_PIXI), (credentials, USER_CREDENTIALS)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    channel = case.channel(sandbox)

    # before: rattler has nothing for the repository
    before = run_rattler(env, channel, tmp_path / "env0", tmp_path / "cache0", case.package)
    assert not before["ok"] and "401" in before["error"], before

    connector = Connector(RepoConnectSettings(timeout=5.0, package_managers=["rattler"]))
    case.sign_in(connector, sandbox)
    assert connector.status().package_managers == ["rattler"]
    sandbox.request_log.clear()

    prefix = tmp_path / "env"
    done = run_rattler(env, channel, prefix, tmp_path / "cache", case.package, DEMO)
    assert done["ok"], done
    assert sorted(done["installed"]) == sorted([case.package, DEMO])
    token = _token(connector)
    assert_installed(prefix, case.package, DEMO, secrets=(token,))
    asked = repository_requests(sandbox, case.service)
    downloads = [p for p, code in asked if p.endswith((".conda", ".tar.bz2")) and code == 200]
    assert {p.rsplit("/", 1)[1] for p in downloads} == {
        f"{case.package}-1.0.0-0.tar.bz2",
        f"{DEMO}-1.0.0-0.conda",
    }, asked
    assert asked and all(p.startswith(case.token_at) for p, _ in asked), asked
    assert not sandbox.errors

    case.sign_out(connector)
    assert pixi_config.read_bytes() == USER_PIXI
    assert credentials.read_bytes() == USER_CREDENTIALS
    assert connector.status().package_managers == []
    sandbox.request_log.clear()
    after = run_rattler(env, channel, tmp_path / "env2", tmp_path / "cache2", case.package)
    assert not after["ok"] and "401" in after["error"], after
    assert any(code == 401 for _, code in repository_requests(sandbox, case.service))
    assert not (tmp_path / "env2" / "conda-meta").exists()


def _token(connector: Connector) -> str:
    from jupyter_repoconnect.core.services import registry

    current = connector.current_connection(connector.state_store.load())
    assert current is not None
    grant = registry.get(current.service).grant(current.domain, current.token)
    assert rattler_sink.SINK.holds(grant)
    return grant.token
