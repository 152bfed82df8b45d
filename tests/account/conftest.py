"""Fixtures of the account tests: the sandbox's anaconda.com as the account domain, in a
throwaway home (anaconda-auth's keyring file lands in ``home/.anaconda/keyring``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from jupyter_repoconnect.core import Connector
from jupyter_repoconnect.core.account import Account


@pytest.fixture
def account_env(repoconnect_env: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    sandbox = repoconnect_env.sandbox
    sandbox.account.interval = 1  # the real default is 5; the tests approve before polling
    assert os.environ["JUPYTER_REPOCONNECT_ACCOUNT_DOMAIN"] == sandbox.urls["account"]
    for name in ("ANACONDA_AUTH_API_KEY", "ANACONDA_AUTH_KEYRING_PATH", "ANACONDA_AUTH_DOMAIN"):
        monkeypatch.delenv(name, raising=False)
    return repoconnect_env


@pytest.fixture
def keyring(account_env: Any) -> Path:
    return Path(os.environ["HOME"]) / ".anaconda" / "keyring"


@pytest.fixture
def connector(account_env: Any) -> Connector:
    return Connector()


@pytest.fixture
def account(connector: Connector) -> Account:
    return Account(connector)


def sign_in(account: Account, sandbox: Any) -> None:
    """The device sign-in, approved on the sandbox's side."""
    login = account.begin_login()
    sandbox.account.approve(login.user_code)
    assert account.wait_login(login.login_id) is not None


# The notebook tests reuse the in-process shell of tests/notebook (bound to `connector` above).
from ..notebook.conftest import ipython, magic, shell  # noqa: E402, F401

# The REST tests reuse the real-server fixtures of tests/server (OpenAPI-checked, secret-scanned).
from ..server.conftest import (  # noqa: E402, F401
    api,
    jp_server_config,
    openapi,
    repoconnect_app,
    rest,
)
