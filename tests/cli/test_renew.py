"""`jupyter repoconnect renew`: a new token for the sign-in made here, channels kept."""

from __future__ import annotations

from pathlib import Path


def test_renew_after_a_password_login(cli, sandbox, credentials, condarc: Path) -> None:
    user, password = credentials
    server = sandbox.urls["server"]
    login = cli("login", "server", "--domain", server, "--username", user, "--password-stdin",
                input=password + "\n")  # fmt: skip
    assert login.rc == 0, login.err
    before = condarc.read_bytes()
    renewed = cli("renew", "--password-stdin", input=password + "\n")
    assert renewed.rc == 0, renewed.err
    assert "Signed in to" in renewed.out and password not in renewed.output
    assert condarc.read_bytes() == before  # the channels chosen stay
    wrong = cli("renew", "--password-stdin", input="wrong\n")
    assert wrong.rc != 0 and "did not accept" in wrong.output
    assert cli("logout").rc == 0


def test_renew_without_a_sign_in_says_what_to_do(cli) -> None:
    result = cli("renew", "--password-stdin", input="x\n")
    assert result.rc == 2 and "no sign-in made here to renew" in result.err
