"""`login --trust-server` (or `--no-ssl-verify`): only after a yes, and conda is told too."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Any

import pytest

from jupyter_repoconnect.testing import Sandbox

from .cli_helpers import ORIGINAL_CONDARC


@pytest.fixture(scope="module")
def https_sandbox() -> Iterator[Sandbox]:
    trustme = pytest.importorskip("trustme")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("127.0.0.1").configure_cert(context)  # a CA nobody trusts
    with Sandbox(channels=5, ssl_context=context) as sb:
        yield sb


def login(cli: Any, sb: Sandbox, *flags: str) -> Any:
    return cli(
        "login", "server", "--domain", sb.urls["server"], "--username", "demo",
        "--password-stdin", *flags, input="demo-password\n",
    )  # fmt: skip


@pytest.mark.parametrize("flag", ["--trust-server", "--no-ssl-verify"])
def test_trust_needs_a_yes_and_writes_ssl_verify_false(
    cli: Any, repoconnect_env: Any, https_sandbox: Sandbox, flag: str
) -> None:
    repoconnect_env.condarc.write_text(ORIGINAL_CONDARC)
    refused = login(cli, https_sandbox)
    assert refused.rc != 0 and "certificate" in refused.output.lower()
    unconfirmed = login(cli, https_sandbox, flag)
    assert unconfirmed.rc != 0 and "--yes" in unconfirmed.output
    assert repoconnect_env.condarc.read_text() == ORIGINAL_CONDARC

    trusted = login(cli, https_sandbox, flag, "--yes")
    assert trusted.rc == 0, trusted.output
    assert "ssl_verify: false" in repoconnect_env.condarc.read_text()
    assert cli("logout").rc == 0
    assert repoconnect_env.condarc.read_text() == ORIGINAL_CONDARC
