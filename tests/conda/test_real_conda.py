"""Real conda reads what a sign-in writes, installs through it, and sees nothing after sign-out.

For each service: `conda config --show` agrees with our status, conda's own token reader finds
exactly the tokens we stored, `conda create --dry-run` solves a package that only a private
channel holds (the sandbox sees the token where the service documents it), and sign-out gives
conda back the configuration it had.
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

from .conftest import Conda, channel_url

MINE = b"# my settings\nshow_channel_urls: true\n"
DEFAULT_ALIAS = "https://conda.anaconda.org"


@dataclass
class Case:
    sign_in: Callable[[Connector, Sandbox], Status]
    channels: Callable[[Sandbox], list[str]]
    default_channels: list[str]
    package: str  # held only by a private channel added above
    token_at: str  # every repository request must start with this (TOKEN masked)


CASES = {
    "cloud": Case(
        lambda c, sb: c.connect("cloud", token=sb.cloud_tokens[0]),
        lambda sb: [sb.urls["cloud"] + "acme/internal"],
        [],
        package_name("acme/internal"),
        "/t/<TOKEN>/repo/",
    ),
    "server": Case(
        lambda c, sb: c.connect(
            "server", domain=sb.urls["server"], username="demo", password="demo-password"
        ),
        lambda sb: ["internal-tools", "internal-tools/stable"],
        ["main"],
        package_name("internal-tools/stable"),  # a sub-channel: needs Navigator's scopes
        "/api/repo/t/<TOKEN>/",
    ),
    "enterprise": Case(
        lambda c, sb: c.connect(
            "enterprise", domain=sb.urls["enterprise"], username="demo", password="demo-password"
        ),
        lambda sb: ["demo"],  # a name: resolved under the Enterprise host, not anaconda.org
        [],
        package_name("demo"),
        "/conda/t/<TOKEN>/",
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


@pytest.mark.parametrize("service", list(CASES))
def test_conda_uses_what_a_sign_in_writes(
    service: str, conda: Conda, repoconnect_env: Any, sandbox: Sandbox
) -> None:
    case = CASES[service]
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

    connector.add_channels(case.channels(sandbox), case.default_channels)
    assert_conda_agrees(conda, connector.status())
    sandbox.request_log.clear()
    created = conda.dry_run_create(case.package)
    assert created.returncode == 0, created.stdout + created.stderr
    assert f'"name": "{case.package}"' in created.stdout
    fetched = [p for _, p, status_code in sandbox.requests(service) if "repodata" in p]
    assert fetched, "conda made no request to the repository"
    assert all(p.startswith(case.token_at) for p in fetched), fetched

    connector.disconnect()
    assert conda.json("config", "--show") == before
    assert conda.tokens() == {}
    assert repoconnect_env.condarc.read_bytes() == MINE
    assert conda.dry_run_create(case.package).returncode != 0


def test_default_channels_need_defaults_in_channels(
    conda: Conda, repoconnect_env: Any, sandbox: Sandbox
) -> None:
    """conda >= 25.3: default_channels alone are never searched; a Cloud sign-in in a fresh
    home puts `defaults` into channels, so `conda create` finds the repository's main."""
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
    created = conda.dry_run_create(package_name("internal-tools"))
    assert created.returncode == 0, created.stdout + created.stderr
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
    created = conda.dry_run_create(package_name("internal-tools"))
    assert created.returncode == 0, created.stdout + created.stderr
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
