"""Real conda reads what we write, installs through it, and sees nothing after sign-out.

For each service (and the account's organisation token): `conda config --show` agrees with our
status, conda's own token reader finds exactly the tokens we stored, and then real installs —
`conda create`, `conda install` and `conda env create` from a file naming the channel — download
packages that only a private channel (a Server sub-channel included) holds. The package files
land in the environment, conda-meta holds no token, every request carries the token where the
service documents it. After sign-out conda gets back the configuration it had and a download is
refused (Server and Enterprise 4 revoke the token on the service). `--dry-run` stays only where
a test is about which channels conda searches.
"""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from jupyter_repoconnect.core import (
    BadInput,
    Connector,
    RepoConnectSettings,
    Status,
    TLSFailure,
)
from jupyter_repoconnect.core.tokens import TokenStore
from jupyter_repoconnect.testing import Sandbox
from jupyter_repoconnect.testing.catalog import package_name
from jupyter_repoconnect.testing.packages import DEMO

from .conftest import Conda, assert_installed, channel_url, write_environment_file

MINE = b"# my settings\nshow_channel_urls: true\n"
DEFAULT_ALIAS = "https://conda.anaconda.org"


def _account_sign_in(connector: Connector, sb: Sandbox) -> Status:
    """The anaconda.com device sign-in, then the organisation's repository token installed."""
    from jupyter_repoconnect.core.account import Account

    sb.account.interval = 1  # the real default is 5; the test approves before polling
    account = Account(connector)
    login = account.begin_login()
    sb.account.approve(login.user_code)
    assert account.wait_login(login.login_id) is not None
    return account.install_token("acme").status


def _account_sign_out(connector: Connector) -> Status:
    from jupyter_repoconnect.core.account import Account

    account = Account(connector)
    status = account.remove_token()  # the Cloud sign-out of the organisation's token
    account.sign_out()
    return status


@dataclass
class Case:
    sign_in: Callable[[Connector, Sandbox], Status]
    channels: Callable[[Sandbox], list[str]]
    default_channels: list[str]
    package: str  # held only by the private channel (or sub-channel) `channels` lists last
    token_at: str  # every repository request must start with this (TOKEN masked)
    service: str  # the sandbox host conda talks to
    revoked: bool  # sign-out revokes the token on the service
    sign_out: Callable[[Connector], Status] = Connector.disconnect


CASES = {
    "cloud": Case(
        lambda c, sb: c.connect("cloud", token=sb.cloud_tokens[0]),
        lambda sb: [sb.urls["cloud"] + "acme/internal"],
        [],
        package_name("acme/internal"),
        "/t/<TOKEN>/repo/",
        "cloud",
        revoked=False,  # the token tool only forgets the token (protocols.md)
    ),
    "account": Case(
        _account_sign_in,
        lambda sb: [sb.urls["cloud"] + "acme/internal"],
        [],
        package_name("acme/internal"),
        "/t/<TOKEN>/repo/",
        "cloud",
        revoked=False,  # the organisation's token is revoked only by reissuing it
        sign_out=_account_sign_out,
    ),
    "server": Case(
        lambda c, sb: c.connect(
            "server", domain=sb.urls["server"], username="demo", password="demo-password"
        ),
        lambda sb: ["internal-tools", "internal-tools/stable"],
        ["main"],
        package_name("internal-tools/stable"),  # a sub-channel: needs Navigator's scopes
        "/api/repo/t/<TOKEN>/",
        "server",
        revoked=True,
    ),
    "enterprise": Case(
        lambda c, sb: c.connect(
            "enterprise", domain=sb.urls["enterprise"], username="demo", password="demo-password"
        ),
        lambda sb: ["demo"],  # a name: resolved under the Enterprise host, not anaconda.org
        [],
        package_name("demo"),
        "/conda/t/<TOKEN>/",
        "enterprise",
        revoked=True,
    ),
}


def alias_of(status: Status) -> str:
    return status.channel_alias or DEFAULT_ALIAS


def resolved(status: Status, channels: list[str]) -> list[str]:
    return [c if "://" in c else f"{alias_of(status)}/{c}" for c in channels]


def assert_conda_agrees(conda: Conda, status: Status) -> None:
    shown = conda.show("channels", "default_channels", "channel_alias", "add_anaconda_token")
    assert shown["channels"] == status.channels
    if status.default_channels is not None:
        conda_defaults = [channel_url(c) for c in shown["default_channels"]]
        assert conda_defaults == resolved(status, status.default_channels)
    assert channel_url(shown["channel_alias"]) == alias_of(status)
    assert shown["add_anaconda_token"] is True


def stored_tokens(env: Any) -> dict[str, str]:
    store = TokenStore()
    return {t.url: t.path.read_text().strip() for t in store.list()}


def package_requests(sandbox: Sandbox, service: str) -> list[tuple[str, int]]:
    """(masked path, status) of the package downloads the service answered."""
    return [
        (path, code)
        for _, path, code in sandbox.requests(service)
        if path.endswith((".conda", ".tar.bz2"))
    ]


def package_url(sandbox: Sandbox, case: Case, token: str, channel: str, filename: str) -> str:
    """A package file's URL with `token` where the service documents it."""
    root = sandbox.root(case.service)
    if case.service == "cloud":
        return f"{root}/t/{token}/repo/{channel.split('/repo/', 1)[1]}/noarch/{filename}"
    if case.service == "server":
        return f"{root}/api/repo/t/{token}/{channel}/noarch/{filename}"
    return f"{root}/conda/t/{token}/{channel}/noarch/{filename}"


@pytest.mark.parametrize("service", list(CASES))
def test_conda_installs_through_what_a_sign_in_writes(
    service: str,
    conda: Conda,
    repoconnect_env: Any,
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = CASES[service]
    monkeypatch.delenv("ANACONDA_AUTH_DOMAIN", raising=False)
    repoconnect_env.condarc.write_bytes(MINE)
    before = conda.json("config", "--show")
    assert conda.tokens() == {}
    assert conda.dry_run_create(case.package).returncode != 0  # nothing private to read yet

    connector = Connector(RepoConnectSettings(timeout=5.0))
    status = case.sign_in(connector, sandbox)
    assert_conda_agrees(conda, status)
    ours = stored_tokens(repoconnect_env)
    assert ours, "the sign-in stored no token"
    found = conda.tokens()
    assert {url: found[url] for url in ours} == ours  # conda reads every token we stored
    assert set(found.values()) == set(ours.values())  # and no other
    secrets = tuple(set(ours.values()))

    channels = case.channels(sandbox)
    connector.add_channels(channels, case.default_channels)
    assert_conda_agrees(conda, connector.status())
    sandbox.request_log.clear()

    # conda create: the private (sub-)channel's .tar.bz2, downloaded and linked for real
    conda.create("made", case.package)
    assert_installed(conda.prefix("made"), case.package, secrets=secrets)
    # conda install: the .conda package every channel holds, into the same environment
    conda.install("made", DEMO)
    assert_installed(conda.prefix("made"), case.package, DEMO, secrets=secrets)
    # conda env create from an environment file naming the channel
    file = write_environment_file(tmp_path, [channels[-1]], case.package, DEMO)
    conda.env_create(file, "from-file")
    assert_installed(conda.prefix("from-file"), case.package, DEMO, secrets=secrets)
    if service == "server":  # the parent channel's own package as well
        conda.install("made", package_name(channels[0]))
        assert_installed(conda.prefix("made"), package_name(channels[0]), secrets=secrets)

    downloads = package_requests(sandbox, case.service)
    names = {p.rsplit("/", 1)[1] for p, _ in downloads}
    assert {f"{case.package}-1.0.0-0.tar.bz2", f"{DEMO}-1.0.0-0.conda"} <= names, downloads
    assert all(code == 200 for _, code in downloads), downloads
    roots = ("/t/", "/api/repo", "/conda")
    repo = [p for _, p, _ in sandbox.requests(case.service) if p.startswith(roots)]
    assert repo and all(p.startswith(case.token_at) for p in repo), repo
    assert not sandbox.errors

    case.sign_out(connector)
    assert conda.json("config", "--show") == before
    assert conda.tokens() == {}
    assert repoconnect_env.condarc.read_bytes() == MINE
    # a download is refused now: conda has no token left (a fresh package cache, so conda
    # must ask the repository)
    conda.env["CONDA_PKGS_DIRS"] = str(tmp_path / "pkgs-after")
    sandbox.request_log.clear()
    channel = resolved(status, [channels[-1]])[0] if case.service != "cloud" else channels[-1]
    refused = conda.run(
        "create", "-n", "after", "--yes", "--solver", "classic", "--json",
        "--override-channels", "-c", channel, case.package,
        check=False,
    )  # fmt: skip
    assert refused.returncode != 0
    assert any(code in (401, 403) for _, _, code in sandbox.requests(case.service))
    assert not conda.prefix("after").exists()
    # and with the old token itself where sign-out revokes it
    filename = f"{case.package}-1.0.0-0.tar.bz2"
    old = httpx.get(package_url(sandbox, case, secrets[0], channels[-1], filename))
    if case.revoked:
        assert old.status_code in (401, 403)
        assert not sandbox.is_token_valid(secrets[0])
    else:
        assert old.status_code == 200  # the organisation's token lives on at the repository


def test_default_channels_need_defaults_in_channels(
    conda: Conda, repoconnect_env: Any, sandbox: Sandbox
) -> None:
    """conda >= 25.3: default_channels alone are never searched; a Cloud sign-in in a fresh
    home puts `defaults` into channels, so `conda create` finds the repository's main.
    (About which channels conda searches: a solve is enough.)"""
    connector = Connector(RepoConnectSettings(timeout=5.0))
    connector.connect("cloud", token=sandbox.cloud_tokens[0])
    assert conda.show("channels")["channels"] == ["defaults"]
    created = conda.dry_run_create(package_name("main"))
    assert created.returncode == 0, created.stdout + created.stderr
    connector.disconnect()
    assert not repoconnect_env.condarc.exists()


# --- TLS: settings as conda sees them ------------------------------------------------------


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Any:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    folder = tmp_path_factory.mktemp("ca")
    bundle = folder / "company-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with Sandbox(channels=20, ssl_context=context) as sb:
        yield sb, bundle


def test_ca_bundle_from_another_conda_file_and_variables(
    tls: Any, conda: Conda, repoconnect_env: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """An administrator's CA bundle in a .condarc other than the user's (here
    `$XDG_CONFIG_HOME/conda/condarc`, written with a `${VAR}`) serves our sign-in as it
    serves conda."""
    sb, bundle = tls
    connector = Connector(RepoConnectSettings(timeout=5.0))
    login = {"domain": sb.urls["server"], "username": "demo", "password": "demo-password"}
    with pytest.raises(TLSFailure):
        connector.connect("server", **login)

    managed = tmp_path / "managed"
    (managed / "conda").mkdir(parents=True)
    (managed / "conda" / "condarc").write_text("ssl_verify: ${COMPANY_CA}\n")
    for name, value in {"XDG_CONFIG_HOME": str(managed), "COMPANY_CA": str(bundle)}.items():
        monkeypatch.setenv(name, value)
        conda.env[name] = value
    assert conda.show("ssl_verify")["ssl_verify"] == str(bundle)
    status = connector.connect("server", **login)
    assert status.connected
    assert "ssl_verify" not in repoconnect_env.condarc.read_text()  # the user file is not touched
    connector.add_channels(["internal-tools"])
    conda.create("tls", package_name("internal-tools"), DEMO)  # downloads over TLS
    assert_installed(conda.prefix("tls"), package_name("internal-tools"), DEMO)
    connector.disconnect()


def test_trust_server_writes_ssl_verify_false_for_conda(
    tls: Any, conda: Conda, repoconnect_env: Any
) -> None:
    sb, _ = tls
    repoconnect_env.condarc.write_bytes(MINE)
    connector = Connector(RepoConnectSettings(timeout=5.0))
    login = {"domain": sb.urls["server"], "username": "demo", "password": "demo-password"}
    connector.connect("server", trust_server=True, **login)
    assert conda.show("ssl_verify")["ssl_verify"] is False
    connector.add_channels(["internal-tools"])
    conda.create("trusted", package_name("internal-tools"))  # downloads unverified, as asked
    assert_installed(conda.prefix("trusted"), package_name("internal-tools"))
    connector.disconnect()
    assert repoconnect_env.condarc.read_bytes() == MINE
    assert conda.show("ssl_verify")["ssl_verify"] is True


# --- a $CONDARC conda ignores ----------------------------------------------------------------


def test_condarc_with_a_name_conda_ignores_is_refused(
    conda: Conda, repoconnect_env: Any, sandbox: Sandbox, monkeypatch: Any
) -> None:
    ignored = repoconnect_env.condarc.with_name("condarc.txt")
    ignored.write_text("channels:\n  - only-in-the-ignored-file\n")
    monkeypatch.setenv("CONDARC", str(ignored))
    conda.env["CONDARC"] = str(ignored)
    assert "only-in-the-ignored-file" not in conda.show("channels")["channels"]  # the fact
    connector = Connector(RepoConnectSettings(timeout=5.0))
    before = repoconnect_env.snapshot()
    with pytest.raises(BadInput) as info:
        connector.connect("cloud", token=sandbox.cloud_tokens[0])
    assert info.value.code == "condarc_ignored" and "conda ignores" in info.value.message
    assert repoconnect_env.snapshot() == before and ignored.read_text().startswith("channels")
    assert any("conda ignores" in w for w in connector.status().warnings)
    assert any("conda ignores" in f.message for f in connector.doctor().findings)


# --- logins made by the other tools ------------------------------------------------------------


def test_anaconda_auth_keyring_login_is_detected_and_cleared(
    conda: Conda, repoconnect_env: Any, sandbox: Sandbox
) -> None:
    """`anaconda token install` (anaconda-auth) keeps the repository token in its keyring
    file; conda prefers it. Status shows the login; sign-out removes the token there too."""
    import base64
    import json

    keyring = Path(os.environ["HOME"]) / ".anaconda" / "keyring"
    keyring.parent.mkdir(parents=True)
    info = {
        "domain": "anaconda.com",
        "api_key": "account-api-key",
        "username": "demo",
        "repo_tokens": [{"token": sandbox.cloud_tokens[0], "org_name": "acme"}],
        "version": 2,
    }
    value = base64.b64encode(json.dumps(info).encode()).decode()
    keyring.write_text(json.dumps({"Anaconda Cloud": {"anaconda.com": value}}))
    keyring.chmod(0o644)  # as anaconda-auth writes it

    connector = Connector(RepoConnectSettings(timeout=5.0))
    status = connector.status()
    assert (status.connected, status.service, status.source) == (True, "cloud", "cli")
    assert connector.doctor().ok

    signed_out = connector.disconnect()
    assert any("anaconda-auth kept" in w for w in signed_out.warnings)
    kept = json.loads(keyring.read_text())["Anaconda Cloud"]["anaconda.com"]
    decoded = json.loads(base64.b64decode(kept))
    assert decoded["repo_tokens"] == [] and decoded["api_key"] == "account-api-key"
    assert keyring.stat().st_mode & 0o777 == 0o600
    assert not connector.status().connected


@pytest.mark.skipif(shutil.which("anaconda") is None, reason="anaconda-client is not installed")
def test_anaconda_cli_with_a_default_site_sees_the_login(
    repoconnect_env: Any, sandbox: Sandbox
) -> None:
    config = repoconnect_env.binstar_dir / "data" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("default_site: corp\nsites:\n  corp:\n    url: http://127.0.0.1:9/api\n")
    connector = Connector(RepoConnectSettings(timeout=5.0))
    connector.connect(
        "enterprise", domain=sandbox.urls["enterprise"], username="demo", password="demo-password"
    )
    env = {**os.environ, **repoconnect_env.env, "OTEL_SDK_DISABLED": "true"}
    whoami = subprocess.run(
        ["anaconda", "whoami", "--at", "anaconda.org"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert "Username: demo" in whoami.stdout + whoami.stderr, whoami.stderr
    connector.disconnect()
    assert "127.0.0.1:9/api" in config.read_text()  # restored
