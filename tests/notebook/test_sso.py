"""Single sign-on and access-token sign-in in a notebook: the ConnectPanel's method toggle and
its form from the method's fields, the link and paste box, the listener; ``%repo_connect server
--sso`` / ``--access-token`` with and without widgets. httpx plays the browser."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest
from IPython.core.error import UsageError

from jupyter_repoconnect.magics import RepoConnectMagics
from jupyter_repoconnect.widgets import ConnectPanel
from tests.core.test_server_methods import web_page_token
from tests.core.test_sso import sign_in_at_provider, with_query

from .conftest import ORIGINAL_CONDARC


def link_of(panel: ConnectPanel) -> str:
    return unescape(re.search(r'href="([^"]+)"', panel.sso_link.value)[1])


def started_panel(connector, env) -> ConnectPanel:
    panel = ConnectPanel(connector, service="server", domain=env.sandbox.urls["server"])
    assert panel.method.layout.display is None  # the server offers several methods
    assert [v for _, v in panel.method.options] == ["password", "sso", "access_token"]
    panel.method.value = "sso"
    assert panel.fields_box.children == ()  # single sign-on takes no field
    assert panel.submit_button.description == "Sign in with single sign-on"
    panel.submit_button.click()
    panel.wait()
    assert panel.sso_box.layout.display is None, panel.message.text
    return panel


def test_panel_sso_with_the_pasted_address(connector, env):
    panel = started_panel(connector, env)
    landed = sign_in_at_provider(link_of(panel))
    panel.sso_address.value = with_query(landed, state="not-this-one")
    panel.sso_finish_button.click()
    panel.wait()
    assert panel.message.kind == "error" and "does not belong" in panel.message.text
    assert panel.sso_box.layout.display is None  # still waiting for the right one
    panel.sso_address.value = landed
    panel.sso_finish_button.click()
    assert panel.sso_address.value == ""  # a one-time code is not kept in widget state
    panel.wait_sso()
    assert panel.children == (panel.result,)
    assert "Signed in to Anaconda Server" in panel.headline.value
    assert "token expires" in panel.status_panel.view.value
    panel.status_panel.sign_out()
    panel.wait()


def test_panel_sso_through_the_listener(connector, env):
    panel = started_panel(connector, env)
    landed = sign_in_at_provider(link_of(panel))
    with httpx.Client(timeout=10, trust_env=False) as browser:
        assert browser.get(landed).status_code == 200
    panel.wait_sso()
    assert "Signed in to Anaconda Server" in panel.headline.value
    connector.disconnect()


def test_panel_sso_cancel_writes_nothing(connector, env):
    panel = started_panel(connector, env)
    panel.sso_cancel_button.click()
    panel.wait_sso()
    assert panel.sso_box.layout.display == "none"
    assert "cancelled" in panel.message.text
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC


def test_panel_access_token_form_from_its_field(connector, env):
    token, token_id = web_page_token(env.sandbox)
    panel = ConnectPanel(
        connector, service="server", domain=env.sandbox.urls["server"], method="access_token"
    )
    assert panel.fields_box.children == (panel.token,)
    assert panel.token.description == "Access token"
    panel.token.value = token
    panel.submit_button.click()
    assert panel.token.value == ""
    panel.wait()
    assert "Signed in to Anaconda Server" in panel.headline.value
    connector.disconnect()
    assert env.sandbox.server_tokens[token_id].valid  # not ours to revoke


@pytest.fixture
def shown(shell, monkeypatch):
    objects: list = []
    monkeypatch.setattr(RepoConnectMagics, "_display", staticmethod(objects.append))
    return objects


def test_magic_sso_as_text_with_a_pasted_address(shell, shown, env, monkeypatch, connector):
    def paste(prompt: str) -> str:  # the person signs in, then pastes the address
        return sign_in_at_provider(shown[-1].start.authorization_url)

    monkeypatch.setattr("builtins.input", paste)
    shell.run_line_magic("repo_connect", f"server --sso --domain {env.sandbox.urls['server']}")
    link, result = shown
    assert "cannot connect to localhost" in link.text() and "<a href=" in link._repr_html_()
    assert "Signed in to Anaconda Server" in result.text()
    assert "token expires:" in result.text()
    connector.disconnect()


def test_magic_sso_in_a_kernel_shows_the_started_panel(shell, shown, env, monkeypatch, connector):
    monkeypatch.setattr(shell, "kernel", object(), raising=False)
    shell.run_line_magic("repo_connect", f"server --sso --domain {env.sandbox.urls['server']}")
    (panel,) = shown
    panel.wait()
    assert isinstance(panel, ConnectPanel) and panel.method.value == "sso"
    landed = sign_in_at_provider(link_of(panel))
    panel.sso_address.value = landed
    panel.sso_finish_button.click()
    panel.wait_sso()
    assert "Signed in to Anaconda Server" in panel.headline.value
    connector.disconnect()


def test_magic_access_token_from_the_environment(magic, env, monkeypatch, connector):
    token, _ = web_page_token(env.sandbox)
    monkeypatch.setenv("RC_AT", token)
    ran = magic(f"server --access-token --domain {env.sandbox.urls['server']} --token-env RC_AT")
    assert "Signed in to Anaconda Server" in ran.text and token not in ran.text + ran.html
    connector.disconnect()


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("server --sso --password-env PW", "--sso takes no"),
        ("cloud --sso", "--sso works with server only"),
        ("server --sso --access-token", "not both"),
        ("server --access-token --password-env PW", "signs in with an access token"),
        ("server --access-token --token sekrit", "Refused: --token"),
    ],
)
def test_magic_usage_errors(magic, line, says):
    with pytest.raises(UsageError, match=re.escape(says)):
        magic(line)


# --- the sign-on page's address: https (or http on this machine), its host named ------------
def test_the_sso_link_names_its_host_and_a_hostile_one_is_never_shown(connector, env):
    from jupyter_repoconnect.core import ServiceUnavailable
    from jupyter_repoconnect.core.models import SsoStart
    from jupyter_repoconnect.widgets.render import SsoLinkView

    panel = started_panel(connector, env)
    host = re.search(r"//([^:/]+)", link_of(panel))[1]
    assert f"of <b>{host}</b>" in panel.sso_link.value
    panel.cancel_sso()
    good = SsoStart(
        "x", "https://sso.example.com/auth/realms/r/auth?a=1", "http://localhost:1/", 60
    )
    assert "(a page of sso.example.com)" in SsoLinkView(good).text()
    assert "of <b>sso.example.com</b>" in SsoLinkView(good)._repr_html_()
    for bad in ("javascript:alert(document.domain)", "http://sso.example.com/auth",
                "https://example.com@evil.example/"):  # fmt: skip
        hostile = SsoStart("x", bad, "http://localhost:1/", 60)
        with pytest.raises(ServiceUnavailable, match="not shown"):
            SsoLinkView(hostile)
        panel._sso_started(hostile)
        assert panel.message.kind == "error" and "not shown" in panel.message.text
        assert bad not in unescape(panel.sso_link.value)
        assert panel.sso_box.layout.display == "none"
