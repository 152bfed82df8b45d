"""Papercuts a newcomer hits in the first hour (issue 21, point 5)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest

from jupyter_repoconnect.core.services import registry

from .cli_helpers import snapshot


def _next_page_argv(out: str) -> list[str]:
    """The arguments of the printed ``More: jupyter repoconnect ...`` line, as a shell splits it."""
    line = next(ln for ln in out.splitlines() if ln.startswith("More: "))
    words = shlex.split(line.removeprefix("More: "))
    assert words[:2] == ["jupyter", "repoconnect"], line
    return words[2:]


def _available(cli: Any, *args: str) -> list[dict[str, Any]]:
    page = cli("channels", "--available", *args, "--limit", "500", "--json")
    assert page.rc == 0, page.err
    return list(page.json()["items"])


def test_paging_hint_keeps_the_filter_and_the_limit(
    cli, condarc: Path, sandbox: Any, credentials: tuple[str, str]
) -> None:
    user, password = credentials
    domain = sandbox.urls["server"].rstrip("/")
    login = cli("login", "server", "--domain", domain, "--username", user, "--password-stdin",
                input=password + "\n")  # fmt: skip
    assert login.rc == 0, login.err
    everything = [c["name"] for c in _available(cli)]
    # a filter that keeps some channels and drops others, so a lost filter shows
    word = next(
        w
        for name in everything
        for w in name.replace("/", "-").split("-")
        if 3 < sum(w in n for n in everything) < len(everything)
    )
    matching = [c["name"] for c in _available(cli, "--filter", word)]
    assert 3 < len(matching) < len(everything), (word, len(matching))

    first = cli("channels", "--available", "--filter", word, "--limit", "2")
    assert first.rc == 0, first.err
    argv = _next_page_argv(first.out)
    second = cli(*argv)
    assert second.rc == 0, second.err
    assert second.out.startswith(f"Channels available 3\u20134 of {len(matching)} matching")
    listed = [ln.split()[0] for ln in second.out.splitlines() if ln.startswith("  ")]
    assert listed == matching[2:4]


def test_account_token_remove_takes_the_organisation_as_install_does(
    cli, cli_env: dict[str, str], condarc: Path, sandbox: Any, repoconnect_env: Any
) -> None:
    env = {k: v for k, v in cli_env.items() if not k.startswith("ANACONDA_AUTH_")}
    key = sandbox.account.add_api_key()
    assert cli("account", "login", "--api-key-stdin", input=key + "\n", env=env).rc == 0
    installed = cli("account", "token", "install", "acme", env=env)
    assert installed.rc == 0, installed.err

    before = snapshot(repoconnect_env)
    other = cli("account", "token", "remove", "not-acme", env=env)
    assert other.rc == 2, other.output
    assert "not-acme" in other.err and "acme" in other.err.replace("not-acme", "")
    assert "unrecognized arguments" not in other.err
    assert snapshot(repoconnect_env) == before  # refused: nothing changed

    removed = cli("account", "token", "remove", "acme", env=env)
    assert removed.rc == 0, removed.err
    assert not cli("status", "--json", env=env).json()["connected"]


@pytest.mark.parametrize("start", ["own condarc", "fresh home"])
def test_a_cloud_sign_in_does_not_warn_about_what_it_just_wrote(
    cli, condarc: Path, sandbox: Any, start: str
) -> None:
    if start == "fresh home":  # the demo's case: no .condarc yet
        condarc.unlink()
    login = cli("login", "cloud", "--token-stdin", input=sandbox.cloud_tokens[0] + "\n")
    assert login.rc == 0, login.err
    assert "default_channels" in condarc.read_text()
    assert "Warning" not in login.output, login.output
    status = cli("status")
    assert status.rc == 0 and "Warning" not in status.output, status.output
    doctor = cli("doctor")
    assert "default_channels" not in doctor.output or doctor.rc == 0, doctor.output


def test_top_level_help_names_every_service() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "jupyter_repoconnect.cli", "--help"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    flat = " ".join(out.split())
    for service in registry.all_services():
        assert service.title in flat, (service.title, out)
