"""Renew in a notebook: ``%repo_connect renew`` and the status panel's "Renew", driven in an
in-process shell and in a real kernel. Tokens live 5 days (``server_token_days``), so they are
inside the 14-day warning window from the start: nothing waits for a clock."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from IPython.core.error import UsageError

from jupyter_repoconnect.core import Connector, RepoConnectSettings
from jupyter_repoconnect.magics import RepoConnectFailed, RepoConnectMagics
from jupyter_repoconnect.widgets import StatusPanel
from jupyter_repoconnect.widgets.status import renew_due

from .conftest import PASSWORD_VAR, KernelNotebook, issued_secrets, read_condarc


@pytest.fixture
def short(env) -> Connector:
    """A Connector whose Server tokens live 5 days."""
    return Connector(RepoConnectSettings(timeout=5.0, server_token_days=5))


def live_tokens(sandbox) -> list[str]:
    return [r.token for r in sandbox.server_tokens.values() if not r.revoked]


def test_status_panel_offers_renew_in_the_warning_window_and_renews(short, env):
    sandbox = env.sandbox
    short.connect(
        "server", domain=sandbox.urls["server"], username="demo", password=sandbox.users["demo"]
    )
    short.add_channels(["main"])
    before = env.condarc.read_bytes()
    old = live_tokens(sandbox)
    panel = StatusPanel(short, background=False, follow_interval=None)
    assert panel.renew_button.layout.display is None  # shown: 5 days left
    assert "token expires" in panel.view.value and "(in 5 days)" in panel.view.value
    assert "expires in 5 days" in panel.view.value and "Renew it" in panel.view.value  # warned

    panel.renew_button.click()
    assert panel.renew_form.layout.display is None and panel.renew_secret.placeholder == "password"
    panel.renew_secret.value = "wrong"
    panel.renew_submit.click()
    assert panel.message.kind == "error" and "did not accept" in panel.message.text
    assert panel.renew_secret.value == ""  # never left in the widget
    assert live_tokens(sandbox) == old and env.condarc.read_bytes() == before

    panel.renew_secret.value = sandbox.users["demo"]
    panel.renew_submit.click()
    assert panel.message.kind == "success", panel.message.text
    assert "Renewed" in panel.message.text and "channels are unchanged" in panel.message.text
    assert panel.renew_secret.value == "" and panel.renew_form.layout.display == "none"
    new = live_tokens(sandbox)
    assert len(new) == 1 and new != old  # the old token revoked, one new one
    assert env.condarc.read_bytes() == before  # the channels chosen stay
    assert short.status().connected


def test_no_renew_outside_the_window_or_when_signed_out(connector, env):
    sandbox = env.sandbox
    panel = StatusPanel(connector, background=False, follow_interval=None)
    assert panel.renew_button.layout.display == "none"  # signed out
    connector.connect(
        "server", domain=sandbox.urls["server"], username="demo", password=sandbox.users["demo"]
    )
    panel.refresh()
    assert panel.status.expires_at and panel.renew_button.layout.display == "none"  # 90 days
    soon = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    gone = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    assert renew_due(panel.status.__class__(**{**panel.status.__dict__, "expires_at": soon}))
    assert renew_due(panel.status.__class__(**{**panel.status.__dict__, "expires_at": gone}))
    assert not renew_due(panel.status.__class__(**{**panel.status.__dict__, "expires_at": "x"}))


def test_renew_magic(ipython, short, env, monkeypatch):
    sandbox = env.sandbox
    ipython.register_magics(RepoConnectMagics(ipython, connector=short))

    def magic(line: str) -> str:
        from IPython.utils.capture import capture_output

        with capture_output() as captured:
            ipython.run_line_magic("repo_connect", line)
        return "\n".join(o.data.get("text/plain", "") for o in captured.outputs)

    with pytest.raises(UsageError, match="no sign-in made here to renew"):
        magic(f"renew --password-env {PASSWORD_VAR} --text")
    monkeypatch.setenv(PASSWORD_VAR, sandbox.users["demo"])
    out = magic(
        f"server --domain {sandbox.urls['server']} --username demo --password-env {PASSWORD_VAR}"
    )
    assert "expires" in out and "(in 5 days)" in out
    old = live_tokens(sandbox)
    before = env.condarc.read_bytes()

    with pytest.raises(UsageError, match="renew with %repo_connect renew --password-env"):
        magic("renew --text")  # no widgets, no secret: says how
    with pytest.raises(UsageError, match="single sign-on takes the browser"):
        magic("renew --sso")

    monkeypatch.setenv("WRONG_PW", "wrong")
    with pytest.raises(RepoConnectFailed, match="did not accept"):
        magic("renew --password-env WRONG_PW --text")
    assert live_tokens(sandbox) == old

    out = magic(f"renew --password-env {PASSWORD_VAR} --text")
    assert "Renewed" in out and sandbox.users["demo"] not in out
    new = live_tokens(sandbox)
    assert len(new) == 1 and new != old
    assert env.condarc.read_bytes() == before
    assert not any(t in out for t in issued_secrets(sandbox))


RENEW_IN_KERNEL = """\
%load_ext jupyter_repoconnect
%repo_connect server --domain {domain} --username demo --password-env {var}
"""

PANEL_RENEW = """\
import os
from jupyter_repoconnect.widgets import StatusPanel
panel = StatusPanel(follow_interval=None); panel.wait()
print("renew shown:", panel.renew_button.layout.display is None)
panel.renew_button.click()
panel.renew_secret.value = os.environ[{var!r}]
panel.renew_submit.click(); panel.wait()
print("after:", panel.message.text)
print("field:", repr(panel.renew_secret.value))
"""


@pytest.mark.kernel
def test_renew_in_a_real_kernel(env, tmp_path: Path):
    """The magic and the panel in a real kernel; the setting comes from a Jupyter config
    file, as an administrator sets it."""
    sandbox = env.sandbox
    config = tmp_path / "jupyter-config"
    config.mkdir()
    (config / "jupyter_repoconnect_config.json").write_text(
        json.dumps({"RepoConnectSettings": {"server_token_days": 5}})
    )
    variables = {
        **os.environ,
        **env.env,
        "JUPYTER_CONFIG_DIR": str(config),
        PASSWORD_VAR: sandbox.users["demo"],
    }
    with KernelNotebook(variables, tmp_path) as nb:
        out = nb.run(RENEW_IN_KERNEL.format(domain=sandbox.urls["server"], var=PASSWORD_VAR))
        assert "Signed in to Anaconda Server" in out and "(in 5 days)" in out
        first = live_tokens(sandbox)
        channels = read_condarc(env.condarc)["channels"]

        out = nb.run(f"%repo_connect renew --password-env {PASSWORD_VAR}")
        assert "Renewed" in out
        second = live_tokens(sandbox)
        assert len(second) == 1 and second != first

        out = nb.run(PANEL_RENEW.format(var=PASSWORD_VAR))
        assert "renew shown: True" in out
        assert "after: Renewed: conda now uses a new token" in out
        assert "field: ''" in out
        third = live_tokens(sandbox)
        assert len(third) == 1 and third != second
        assert read_condarc(env.condarc)["channels"] == channels

        # no secret given: the status panel is shown with its Renew field open
        nb.run("%repo_connect renew")
        views = [o for o in nb.nb.cells[-1].outputs if "application/vnd.jupyter.widget-view+json"
                 in o.get("data", {})]  # fmt: skip
        assert views and live_tokens(sandbox) == third  # nothing renewed without the secret
        saved = nb.save(tmp_path / "renew.ipynb")
        models = json.loads(saved)["metadata"]["widgets"][
            "application/vnd.jupyter.widget-state+json"
        ]["state"].values()
        opened = [m for m in models if m["model_name"] == "PasswordModel"
                  and m["state"].get("description") == "Password"]  # fmt: skip
        assert len(opened) == 2  # the panel's above, and the one the magic opened
        assert all(m["state"]["value"] == "" for m in opened)
    assert not [s for s in issued_secrets(sandbox) if s and s in saved]


def test_renew_with_a_new_access_token(ipython, short, env, monkeypatch):
    """Renew an access-token sign-in with a new token from the web page: the magic and the
    panel ask for the token (not a password); the user's own old token is not revoked."""
    from tests.core.test_server_methods import web_page_token

    sandbox = env.sandbox
    first, first_id = web_page_token(sandbox)
    short.connect("server", domain=sandbox.urls["server"], method="access_token", token=first)
    before = env.condarc.read_bytes()
    second, second_id = web_page_token(sandbox)
    monkeypatch.setenv("RC_AT", second)
    ipython.register_magics(RepoConnectMagics(ipython, connector=short))
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        ipython.run_line_magic("repo_connect", "renew --access-token --token-env RC_AT --text")
    out = "\n".join(o.data.get("text/plain", "") for o in captured.outputs)
    assert "Renewed" in out and second not in out
    assert env.condarc.read_bytes() == before
    assert sandbox.server_tokens[first_id].valid  # made by the user: not ours to revoke

    third, _ = web_page_token(sandbox)
    status = short.status()
    panel = StatusPanel(short, status=status, background=False, follow_interval=None)
    panel.renew_button.layout.display = None  # the token's life is the server's (not 5 days)
    panel.open_renew()
    assert panel.renew_secret.placeholder == "access token"
    panel.renew_secret.value = third
    panel.renew_submit.click()
    assert panel.message.kind == "success", panel.message.text
    stored = "".join(f.read_text() for f in env.token_dir.iterdir() if f.is_file())
    assert third in stored and second not in stored  # conda now uses the new token
    assert sandbox.server_tokens[second_id].valid


def test_renew_of_a_single_sign_on_says_what_to_do(short, env, monkeypatch):
    sandbox = env.sandbox
    short.connect(
        "server", domain=sandbox.urls["server"], username="demo", password=sandbox.users["demo"]
    )
    store = short.state_store
    from dataclasses import replace

    store.save(replace(store.load(), sign_in_method="sso"))  # as a single sign-on records it
    panel = StatusPanel(short, background=False, follow_interval=None)
    panel.open_renew()
    assert panel.renew_form.layout.display == "none"
    assert "single sign-on" in panel.message.text and "Sign out" in panel.message.text
