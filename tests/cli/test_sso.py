"""``login server --sso`` and ``--access-token`` as a user runs them (a real subprocess), with
httpx as the browser: the loopback listener, a pasted address, a wrong paste; ``status`` shows
the expiry and the connected package managers; server-sent text is inert in a terminal."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.core.test_server_methods import web_page_token
from tests.core.test_sso import sign_in_at_provider, with_query

from .cli_helpers import _script


class Running:
    """``jupyter repoconnect login server --sso --no-browser`` running, stdin kept open."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.proc = subprocess.Popen(
            [_script(), "login", "server", "--sso", "--no-browser", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: list[str] = []

    def read_until(self, needle: str) -> str:
        assert self.proc.stdout is not None
        while True:
            line = self.proc.stdout.readline()
            assert line, f"ended before {needle!r}: {self.lines} {self.proc.stderr.read()}"
            self.lines.append(line)
            if needle in line:
                return line

    def paste(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def finish(self) -> tuple[int, str, str]:
        out, err = self.proc.communicate(timeout=60)
        return self.proc.returncode, "".join(self.lines) + out, err


def started(env: dict[str, str], sandbox: Any) -> tuple[Running, str]:
    run = Running(env, "--domain", sandbox.urls["server"])
    run.read_until("Sign in with single sign-on")
    url = run.read_until("http").strip()
    run.read_until("cannot connect to localhost")
    return run, url


def test_sso_through_the_listener(cli, cli_env, sandbox) -> None:
    run, url = started(cli_env, sandbox)
    landed = sign_in_at_provider(url)
    with httpx.Client(timeout=10, trust_env=False) as browser:
        assert browser.get(landed).status_code == 200  # the listener of the CLI
    rc, out, err = run.finish()
    assert rc == 0, err
    assert "Signed in to Anaconda Server" in out and "as demo" in out
    assert "The token expires" in out
    code = dict(httpx.URL(landed).params)["code"]
    assert code not in out + err

    status = cli("status")
    assert "token expires:" in status.out and "(in " in status.out
    assert cli("logout").rc == 0


def test_sso_with_a_pasted_address_after_a_wrong_one(cli, cli_env, sandbox) -> None:
    run, url = started(cli_env, sandbox)
    landed = sign_in_at_provider(url)
    wrong = with_query(landed, state="someone-elses")
    run.paste(wrong)
    run.read_until("Paste it again")
    run.paste(landed)  # as copied from a browser on another machine
    rc, out, err = run.finish()
    assert rc == 0, err
    assert "Signed in to Anaconda Server" in out
    assert "someone-elses" not in out + err  # a pasted address is never echoed
    assert cli("logout").rc == 0


def test_sso_denied_at_the_provider_fails_and_writes_nothing(cli, cli_env, sandbox, home) -> None:
    run, url = started(cli_env, sandbox)
    landed = sign_in_at_provider(url, cancel=True)
    run.paste(landed)
    rc, out, err = run.finish()
    assert rc == 1 and "not completed" in err, (out, err)
    assert not cli("status", "--json").json()["connected"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--sso", "--password-env", "PW"], "takes no --password"),
        (["--sso", "--username", "demo"], "--username does not apply"),
        (["--no-browser"], "--no-browser goes with --sso"),
        (["--sso", "--access-token"], "not allowed with argument"),
    ],
)
def test_sso_usage_errors(cli, sandbox, args: list[str], says: str) -> None:
    result = cli("login", "server", "--domain", sandbox.urls["server"], *args)
    assert result.rc == 2 and says in result.err, result.err


def test_sso_is_offered_by_the_server_only(cli) -> None:
    result = cli("login", "cloud", "--sso")
    assert result.rc == 2 and "--sso works with server only" in result.err


def test_access_token_from_the_environment(cli, sandbox, home: Path) -> None:
    (home / ".rattler").mkdir()  # pixi/rattler found on this machine: connected too
    token, token_id = web_page_token(sandbox)
    domain = sandbox.urls["server"]
    login = cli(
        "login", "server", "--access-token", "--domain", domain, "--token-env", "AT",
        env={"AT": token},
    )  # fmt: skip
    assert login.rc == 0, login.err
    assert "Signed in to Anaconda Server" in login.out and token not in login.output
    assert "Also connected: pixi and rattler." in login.out

    status = cli("status")
    assert "also connected:   pixi and rattler" in status.out
    logout = cli("logout")
    assert logout.rc == 0 and "not revoked" in logout.out
    assert sandbox.server_tokens[token_id].valid


def test_access_token_from_stdin(cli, sandbox) -> None:
    token, _ = web_page_token(sandbox)
    domain = sandbox.urls["server"]
    login = cli(
        "login", "server", "--access-token", "--domain", domain, "--token-stdin",
        input=token + "\n",
    )  # fmt: skip
    assert login.rc == 0, login.err
    assert cli("logout").rc == 0


def test_access_token_refuses_a_password(cli, sandbox) -> None:
    result = cli(
        "login", "server", "--access-token", "--domain", sandbox.urls["server"],
        "--password-env", "PW",
    )  # fmt: skip
    assert result.rc == 2 and "--token-stdin or --token-env" in result.err


EVIL = "\x1b]0;owned\x07\x1b[2J\x1b[31mred\u202eevil\r\n"


def test_server_text_is_inert_in_a_terminal(cli, sandbox, credentials) -> None:
    catalog = sandbox.catalog
    saved = list(catalog.channels)
    at = next(i for i, c in enumerate(catalog.channels) if c.name == "conda-forge")
    catalog.channels[at] = dataclasses.replace(catalog.channels[at], description="Mirror" + EVIL)
    catalog._views.clear()
    try:
        user, password = credentials
        login = cli(
            "login", "server", "--domain", sandbox.urls["server"], "--username", user,
            "--password-env", "PW", env={"PW": password},
        )  # fmt: skip
        assert login.rc == 0, login.err
        page = cli("channels", "--available", "--filter", "conda-forge")
        assert page.rc == 0, page.err
        assert "Mirror\\x1b]0;owned\\x07\\x1b[2J\\x1b[31mred\\u202eevil\\x0d\\x0a" in page.out
        for raw in ("\x1b", "\x07", "\u202e", "\r"):
            assert raw not in page.out
    finally:
        catalog.channels[:] = saved
        catalog._views.clear()
        cli("logout")
