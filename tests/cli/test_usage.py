"""Exit codes: 2 for bad usage (incl. a secret typed as an argument), 1 with one line on failure.

Nothing on disk changes in any of these cases.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .cli_helpers import one_line, snapshot, token_files


def test_help_lists_the_commands(cli) -> None:
    result = cli("--help")  # loads the registry only for the names
    assert result.rc == 0
    for command in ("status", "login", "channels", "logout", "domain", "doctor", "sandbox", "demo"):
        assert command in result.out


def test_a_command_help_does_not_import_the_core() -> None:
    # (the top-level --help loads the service registry, for the services' names)
    code = (
        "import sys\n"
        "from jupyter_repoconnect import cli\n"
        "try:\n"
        "    cli.main(['login', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('httpx', 'ruamel.yaml', 'traitlets', 'jupyter_repoconnect.core')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("[]"), out.stdout


@pytest.mark.parametrize(
    "flag, kind",
    [
        (["--password", "hunter2-secret"], "password"),
        (["--password=hunter2-secret"], "password"),
        (["--token", "hunter2-secret"], "token"),
        (["--token=hunter2-secret"], "token"),
    ],
)
def test_literal_secret_is_refused(cli, condarc: Path, repoconnect_env, sandbox, flag, kind):
    before = snapshot(repoconnect_env)
    domain = sandbox.urls["server"].rstrip("/")
    result = cli("login", "server", "--domain", domain, "--username", "someone", *flag)
    assert result.rc == 2
    assert f"--{kind}-stdin" in result.err and f"--{kind}-env" in result.err
    assert "history" in result.err  # says why
    assert "hunter2-secret" not in result.output
    assert snapshot(repoconnect_env) == before


@pytest.mark.parametrize(
    "argv, expected",
    [
        ([], "COMMAND"),
        (["bogus"], "invalid choice"),
        (["login"], "service"),
        (["login", "nowhere"], "invalid choice"),
        (["status", "--bogus"], "unrecognized"),
        (["channels", "move", "defaults"], "--to-position"),
        (["channels", "move", "defaults", "--to-position", "0"], "counts from 1"),
        (["channels", "add"], "NAME"),
        (["channels", "remove", "x", "--from", "elsewhere"], "invalid choice"),
        (["--timeout", "0", "status"], "greater than 0"),
        (["status", "--timeout", "soon"], "not a number"),
        (["status", "--timeout", "1e308"], "at most 3600"),  # was an OverflowError
        (["--no-ssl-verify", "status", "--ca-bundle", "/x.pem"], "cannot be used together"),
        (["domain", "https://repo.example.com"], "invalid choice"),
        (["login", "cloud", "--token-stdin", "--token-env", "X"], "not allowed with"),
        (["login", "cloud", "--domain", "https://x.example.com", "--token-env", "X"], "cloud"),
        (["login", "server", "--domain", "https://x.example.com", "--token-stdin"], "password"),
        (["login", "cloud", "--password-stdin"], "--token-stdin"),
    ],
)
def test_bad_usage_exits_2(cli, condarc: Path, repoconnect_env, argv, expected) -> None:
    before = snapshot(repoconnect_env)
    result = cli(*argv)
    assert result.rc == 2, result.output
    assert expected in result.err
    assert snapshot(repoconnect_env) == before


def test_missing_secret_without_a_terminal_names_the_flags(cli, condarc, repoconnect_env):
    before = snapshot(repoconnect_env)
    result = cli("login", "cloud")  # stdin is not a TTY: no prompt possible
    assert result.rc == 2
    assert "--token-stdin" in result.err and "--token-env" in result.err
    result = cli("login", "server", "--domain", "https://x.example.com", "--username", "u")
    assert result.rc == 2
    assert "--password-stdin" in result.err and "--password-env" in result.err
    result = cli("login", "server", "--domain", "https://x.example.com", "--password-env", "P")
    assert result.rc == 2
    assert "--username" in result.err
    assert snapshot(repoconnect_env) == before


def test_unset_environment_variable(cli, condarc, repoconnect_env) -> None:
    result = cli("login", "cloud", "--token-env", "RC_NOT_SET_ANYWHERE")
    assert result.rc == 2
    assert "RC_NOT_SET_ANYWHERE" in result.err


def test_wrong_password_is_one_line_and_changes_nothing(
    cli, condarc: Path, repoconnect_env, sandbox, credentials
) -> None:
    before = snapshot(repoconnect_env)
    user, _ = credentials
    domain = sandbox.urls["server"].rstrip("/")
    result = cli(
        "login", "server", "--domain", domain, "--username", user, "--password-stdin",
        input="not-the-password\n",
    )  # fmt: skip
    assert result.rc == 1
    assert one_line(result.err)
    assert "not-the-password" not in result.output
    assert result.out == ""
    assert snapshot(repoconnect_env) == before


def test_wrong_token_is_one_line_and_changes_nothing(cli, condarc, repoconnect_env) -> None:
    before = snapshot(repoconnect_env)
    result = cli("login", "cloud", "--token-env", "T", env={"T": "definitely-not-valid"})
    assert result.rc == 1
    assert one_line(result.err)
    assert "definitely-not-valid" not in result.output
    assert snapshot(repoconnect_env) == before


@pytest.mark.parametrize(
    "argv",
    [
        ["logout"],  # not signed in
        ["channels", "--available"],  # not signed in
        [
            "login",
            "server",
            "--domain",
            "ftp://repo.example.com",
            "--username",
            "u",
            "--password-env",
            "P",
        ],  # fmt: skip
        [
            "login",
            "server",
            "--domain",
            "https://repo.example.com/",
            "--username",
            "u",
            "--password-env",
            "P",
        ],  # fmt: skip
        ["channels", "remove", "no-such-channel"],
    ],
)
def test_failures_exit_1_with_one_line(cli, condarc, repoconnect_env, argv) -> None:
    before = snapshot(repoconnect_env)
    result = cli(*argv, env={"P": "pw"})
    assert result.rc == 1, result.output
    assert one_line(result.err)
    assert "Traceback" not in result.err
    assert snapshot(repoconnect_env) == before


def test_unreachable_service_is_one_line(cli, condarc, repoconnect_env) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    before = snapshot(repoconnect_env)
    result = cli(
        "--timeout", "3", "login", "enterprise", "--domain", f"http://127.0.0.1:{port}/api",
        "--username", "u", "--password-env", "P", env={"P": "pw"},
    )  # fmt: skip
    assert result.rc == 1, result.output
    assert one_line(result.err)
    assert snapshot(repoconnect_env) == before


def test_corrupt_condarc_is_one_line_naming_the_file(cli, condarc: Path, repoconnect_env) -> None:
    condarc.write_text("channels: [defaults\nnot: valid: yaml\n")
    before = snapshot(repoconnect_env)
    result = cli("channels")
    assert result.rc == 1
    assert str(condarc) in one_line(result.err)
    assert snapshot(repoconnect_env) == before


def test_connect_while_connected_is_refused(cli, condarc, repoconnect_env, sandbox, credentials):
    assert cli("login", "cloud", "--token-stdin", input=sandbox.cloud_tokens[0]).rc == 0
    before = snapshot(repoconnect_env)
    user, password = credentials
    domain = sandbox.urls["server"].rstrip("/")
    result = cli(
        "login", "server", "--domain", domain, "--username", user, "--password-env", "P",
        env={"P": password},
    )  # fmt: skip
    assert result.rc == 1
    assert "Sign out" in one_line(result.err)
    assert snapshot(repoconnect_env) == before
    assert cli("logout").rc == 0
    assert token_files(repoconnect_env) == []
