"""The whole reference flow from the command line, for each service.

Login -> channels add -> status --json -> logout, with the secret from stdin or from an
environment variable; sign-out restores .condarc byte for byte and leaves no token behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jupyter_repoconnect.core.services import registry

from .cli_helpers import ORIGINAL_CONDARC, token_files

STATUS_KEYS = {
    "connected",
    "service",
    "domain",
    "username",
    "channels",
    "default_channels",
    "source",
    "condarc_path",
    "message",
    "warnings",
}


def _login_args(service: str, sandbox: Any, credentials: tuple[str, str], how: str) -> tuple:
    """(argv, stdin, env, secret) for signing in to ``service`` with the secret ``how``."""
    if service == "cloud":
        secret, kind, who = sandbox.cloud_tokens[0], "token", []
    else:
        user, secret = credentials
        kind = "password"
        domain = sandbox.urls[service].rstrip("/")
        who = ["--domain", domain, "--username", user]
    if how == "stdin":
        return ["login", service, *who, f"--{kind}-stdin"], secret + "\n", None, secret
    argv = ["login", service, *who, f"--{kind}-env", "RC_SECRET"]
    return argv, None, {"RC_SECRET": secret}, secret


def _channel_to_add(cli: Any, service: str) -> str:
    if service != "server":
        return "bioconda"  # cloud and Enterprise 4: channels are added by hand, by name or URL
    page = cli("channels", "--available", "--limit", "5", "--json")
    assert page.rc == 0, page.err
    assert page.json()["items"], page.out
    return page.json()["items"][0]["name"]


@pytest.mark.parametrize("how", ["stdin", "env"])
@pytest.mark.parametrize("service", ["cloud", "server", "enterprise"])
def test_login_add_status_logout(
    cli, jupyter_cli, condarc: Path, repoconnect_env, sandbox, credentials, service: str, how: str
) -> None:
    argv, stdin, env, secret = _login_args(service, sandbox, credentials, how)

    login = jupyter_cli(*argv, input=stdin, env=env)
    assert login.rc == 0, login.err
    assert "Signed in to" in login.out
    assert secret not in login.output
    assert token_files(repoconnect_env), "the token is stored where conda finds it"
    after_login = condarc.read_text()
    assert "# my conda settings -- keep this comment" in after_login
    if service == "cloud":
        assert "default_channels" in after_login
    else:  # what Navigator does: channels emptied, default_channels removed
        assert "default_channels" not in after_login
        # ... and it is said, with the way back (issue 20)
        assert "Changed in .condarc:" in login.out
        assert "  - channels: [" in login.out and "] → [] (" in login.out
        assert "  - channel_alias set to " in login.out
    assert "comes back at sign-out" in login.out

    name = _channel_to_add(cli, service)
    target = "default_channels" if service == "server" else "channels"
    added = cli("channels", "add", name, "--to", target)
    assert added.rc == 0, added.err
    assert f"to {target} ({name})" in added.out  # every count names its channels
    if target == "default_channels":  # and `defaults`, written with it, is named with why
        assert "(defaults, added for you: conda reads default_channels only through" in added.out
    assert secret not in added.output

    status = jupyter_cli("status", "--json")
    assert status.rc == 0, status.err
    st = status.json()  # exactly one JSON object, nothing else on stdout
    assert set(st) >= STATUS_KEYS
    assert st["connected"] is True
    assert st["service"] == service
    assert st["source"] == "repoconnect"
    assert st["condarc_path"] == str(condarc)
    listed = st["default_channels"] if target == "default_channels" else st["channels"]
    assert any(name in entry for entry in listed), listed
    if service != "cloud":
        assert st["domain"] == sandbox.urls[service].rstrip("/")
        assert st["username"] == credentials[0]
    if service == "enterprise":
        assert st["message"]  # "please add the channels you need"
    assert secret not in status.out

    human = cli("status")
    assert human.rc == 0, human.err
    assert "Signed in to" in human.out
    assert secret not in human.output

    logout = cli("logout")
    assert logout.rc == 0, logout.err
    assert "Signed out" in logout.out
    assert condarc.read_text() == ORIGINAL_CONDARC
    assert condarc.read_bytes() == ORIGINAL_CONDARC.encode()
    assert token_files(repoconnect_env) == []
    for path in Path(repoconnect_env.state_dir).rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path

    after = cli("status", "--json").json()
    assert after["connected"] is False
    assert after["service"] is None


def test_status_json_when_signed_out(cli, condarc: Path) -> None:
    result = cli("status", "--json")
    assert result.rc == 0, result.err
    st = result.json()
    assert set(st) >= STATUS_KEYS
    assert st["connected"] is False
    assert st["channels"] == ["defaults", "conda-forge"]
    assert st["default_channels"] is None
    assert result.err == ""


def test_domain_set_and_show(cli, sandbox, credentials) -> None:
    server = sandbox.urls["server"].rstrip("/")
    result = cli("domain", "server", server)
    assert result.rc == 0, result.err
    assert "Set Domain" in result.out
    shown = cli("domain")
    assert shown.rc == 0, shown.err
    # the service's own words for its domain
    assert f"{registry.get('server').domain_label}: {server}" in shown.out
    assert f"{registry.get('enterprise').domain_label}: (not set)" in shown.out

    # the remembered domain is used when --domain is left out
    user, password = credentials
    login = cli("login", "server", "--username", user, "--password-stdin", input=password + "\n")
    assert login.rc == 0, login.err
    assert server in login.out
    assert cli("logout").rc == 0


def test_login_without_domain_says_how_to_set_it(cli, credentials) -> None:
    user, password = credentials
    result = cli("login", "enterprise", "--username", user, "--password-stdin", input=password)
    assert result.rc == 2
    assert "--domain" in result.err
    assert "domain enterprise" in result.err


def test_doctor(cli, condarc: Path, sandbox) -> None:
    cli("login", "cloud", "--token-stdin", input=sandbox.cloud_tokens[0] + "\n")
    result = cli("doctor", "--json")
    assert result.rc in (0, 1), result.err
    diagnosis = result.json()
    assert set(diagnosis) == {"ok", "findings", "checked"}
    assert (result.rc == 0) == diagnosis["ok"]
    human = cli("doctor")
    assert human.rc == result.rc
    assert sandbox.cloud_tokens[0] not in human.output + result.output


def test_doctor_checks_a_sign_in_to_a_domain(cli, condarc: Path, sandbox) -> None:
    html = sandbox.urls["server"]
    sandbox.inject("html", service="server")
    try:
        result = cli("doctor", "--service", "server", "--domain", html)
    finally:
        sandbox.clear_faults()
    assert result.rc == 1
    assert "This is not an Anaconda Server" in result.output
    assert "Not signed in" not in result.output
    assert cli("doctor", "--domain", html).rc == 2
