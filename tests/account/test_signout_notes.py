"""A repository sign-out says the account sign-in is kept only while it is."""

from __future__ import annotations

from typing import Any

from jupyter_repoconnect.core import Connector
from jupyter_repoconnect.core.account import Account

from .conftest import sign_in

KEPT = "account sign-in (its API key) is kept"


def test_no_account_warning_once_the_account_signed_out(
    account: Account, connector: Connector, account_env: Any
) -> None:
    sign_in(account, account_env.sandbox)
    account.install_token("acme")
    account.sign_out()
    assert not account.status().signed_in
    status = connector.disconnect()
    assert not [w for w in status.warnings if KEPT in w], status.warnings


def test_the_account_warning_while_the_account_is_signed_in(
    account: Account, connector: Connector, account_env: Any
) -> None:
    sign_in(account, account_env.sandbox)
    account.install_token("acme")
    status = connector.disconnect()
    assert [w for w in status.warnings if KEPT in w], status.warnings


def test_another_logins_key_is_not_this_accounts(
    account: Account, connector: Connector, account_env: Any, keyring: Any
) -> None:
    from jupyter_repoconnect.core import auth_keyring

    sign_in(account, account_env.sandbox)
    account.install_token("acme")
    account.sign_out()
    # a login of another site kept in the same keyring file, with its own API key
    auth_keyring.write_info("elsewhere.example", {"domain": "elsewhere.example", "api_key": "k"})
    status = connector.disconnect()
    assert not [w for w in status.warnings if KEPT in w], status.warnings
    assert auth_keyring.read_info("elsewhere.example") == {
        "domain": "elsewhere.example",
        "api_key": "k",
    }
