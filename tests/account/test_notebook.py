"""The account in notebooks: the AccountPanel widget, `%repo_connect cloud-account ...`, and a
real kernel's saved notebook without an API key or a token in it."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest

from jupyter_repoconnect.core import Connector
from jupyter_repoconnect.core.tokens import TokenStore
from jupyter_repoconnect.magics import RepoConnectFailed
from jupyter_repoconnect.widgets.account import AccountPanel

from ..notebook.conftest import KernelNotebook


def _wait_for_code(panel: AccountPanel, sandbox: Any) -> str:
    """The user code the panel shows (its request runs in the panel's worker thread)."""
    for _ in range(400):
        login = panel._login
        if login is not None:
            assert sandbox.account.pending_codes() == [login.user_code]
            return login.user_code
        time.sleep(0.05)
    raise AssertionError("the panel never showed a sign-in code")


def _state(widget: w.Widget) -> str:
    """Every widget's state under ``widget``, as a saved notebook would hold it."""
    seen, todo, parts = set(), [widget], []
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        parts.append(json.dumps(item.get_state(), default=str))
        todo.extend(getattr(item, "children", ()))
    return "\n".join(parts)


def _secrets(sandbox: Any) -> set[str]:
    keys = {k.key for k in sandbox.account.api_keys.values()}
    return keys | {r.token for r in sandbox.cloud_token_records.values()}


def _visible(widget: w.Widget) -> bool:
    return widget.layout.display != "none"


def test_panel_device_sign_in_install_reissue_remove_sign_out(
    connector: Connector, sandbox: Any, account_env: Any
) -> None:
    panel = AccountPanel(connector)
    assert "Not signed in" in panel.state.value and _visible(panel.sign_in_button)
    panel.sign_in()
    code = _wait_for_code(panel, sandbox)
    assert code in panel.code.value and 'target="_blank"' in panel.code.value
    assert _visible(panel.waiting) and not _visible(panel.sign_in_button)
    sandbox.account.approve(code)
    panel.wait()
    assert "Signed in" in panel.state.value and "demo" in panel.state.value
    assert [v for _, v in panel.org.options] == ["acme"]  # the starter organisation is left out
    panel.install()
    panel.wait()
    assert panel.message.kind == "success", panel.message.text
    assert Connector().status().service == "cloud"
    first = TokenStore().get(sandbox.urls["cloud"])
    panel.install()
    panel.wait()
    assert panel.message.kind == "warning" and "revokes" in panel.message.text
    assert _visible(panel.reissue_button)
    assert TokenStore().get(sandbox.urls["cloud"]) == first  # nothing changed yet
    panel.reissue_button.click()
    panel.wait()
    assert "previous token is revoked" in panel.message.text
    assert not sandbox.is_token_valid(first or "")
    assert _visible(panel.remove_button)
    panel.remove_button.click()
    panel.wait()
    assert not Connector().status().connected
    panel.sign_out_button.click()
    panel.wait()
    assert "Not signed in" in panel.state.value
    state = _state(panel)
    assert not [s for s in _secrets(sandbox) if s in state]


def test_panel_cancel_and_api_key(connector: Connector, sandbox: Any, account_env: Any) -> None:
    panel = AccountPanel(connector)
    panel.sign_in()
    _wait_for_code(panel, sandbox)
    panel.cancel()
    panel.wait()
    assert panel.message.text == "Sign-in cancelled." and _visible(panel.sign_in_button)
    key = sandbox.account.add_api_key()
    panel.api_key.value = key
    panel.api_key_button.click()
    panel.wait()
    assert panel.api_key.value == "" and "Signed in" in panel.state.value
    assert key not in _state(panel)


def test_panel_managed_and_denied(
    connector: Connector, sandbox: Any, account_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = AccountPanel(connector)
    panel.sign_in()
    sandbox.account.deny(_wait_for_code(panel, sandbox))
    panel.wait()
    assert panel.message.kind == "error" and "denied" in panel.message.text
    monkeypatch.setenv("ANACONDA_AUTH_API_KEY", sandbox.account.add_api_key())
    managed = AccountPanel(connector)
    managed.wait()
    assert "Managed by the administrator" in managed.state.value
    assert not _visible(managed.sign_out_button)


def test_magic_text_flow(
    magic: Any, sandbox: Any, account_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "Not signed in" in magic("cloud-account status --text").text
    monkeypatch.setenv("RC_ACCOUNT_KEY", sandbox.account.add_api_key())
    out = magic("cloud-account login --api-key-env RC_ACCOUNT_KEY --text")
    assert "Signed in to your Anaconda Cloud account as demo" in out.text
    assert "acme" in magic("cloud-account orgs --text").text
    assert "Installed acme's token" in magic("cloud-account install acme --text").text
    with pytest.raises(RepoConnectFailed) as err:
        magic("cloud-account install acme --text")
    assert err.value.code == "confirm_reissue" and "--yes" in err.value.message
    assert "previous token is revoked" in magic("cloud-account install acme --yes --text").text
    assert "Token removed" in magic("cloud-account remove --text").text
    assert "Signed out" in magic("cloud-account logout --text").text
    with pytest.raises(Exception, match="Usage"):
        magic("cloud-account fly --text")


@pytest.mark.kernel
def test_saved_notebook_holds_no_secret(account_env: Any, tmp_path: Path) -> None:
    sandbox = account_env.sandbox
    variables = {**os.environ, **account_env.env, "RC_ACCOUNT_KEY": sandbox.account.add_api_key()}
    with KernelNotebook(variables, tmp_path) as nb:
        nb.run("%load_ext jupyter_repoconnect")
        out = nb.run("%repo_connect cloud-account login --api-key-env RC_ACCOUNT_KEY")
        assert "Signed in" in out
        out = nb.run("%repo_connect cloud-account install acme")
        assert "Installed acme's token" in out
        nb.run("%repo_connect cloud-account")  # the panel, with its widget state
        nb.run("%repo_connect cloud-account status")
        saved = nb.save(tmp_path / "account.ipynb")
    assert "application/vnd.jupyter.widget-view+json" in saved
    assert not [s for s in _secrets(sandbox) if s in saved]
