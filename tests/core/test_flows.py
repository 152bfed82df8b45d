"""Every flow of the reference, per service, checking .condarc, tokens and state after each step."""

from urllib.parse import quote_plus

import pytest
from ruamel.yaml import YAML

from jupyter_repoconnect.core import Conflict, Connector, RepoConnectSettings
from jupyter_repoconnect.core.services.registry import SERVICES
from jupyter_repoconnect.core.state import StateStore

from .conftest import ORIGINAL_CONDARC

ENTERPRISE_CHANNELS_HINT = SERVICES["enterprise"].connected_message


def condarc(env):
    return YAML(typ="safe").load(env.condarc.read_text())


def token_file(env, url):
    return env.token_dir / f"{quote_plus(url)}.token"


def state(env):
    return StateStore(env.state_dir).load()


def test_cloud_token_sign_in_and_out(env, connector, sandbox):
    token = sandbox.cloud_tokens[0]
    repo = sandbox.urls["cloud"]
    status = connector.connect("cloud", token=f"  {token}\n")
    assert (status.connected, status.service, status.source) == (True, "cloud", "repoconnect")
    assert token_file(env, repo).read_text() == token
    data = condarc(env)
    assert data["default_channels"] == [repo + "main", repo + "r", repo + "msys2"]
    assert data["channels"] == ["defaults", "conda-forge"]  # the token tool leaves channels alone
    assert "# keep this" in env.condarc.read_text()
    assert state(env).logged_api_url == repo
    assert token not in repr(status.to_dict())

    connector.disconnect()
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC
    assert not token_file(env, repo).exists()
    assert state(env).logged_api_url is None
    assert not connector.status().connected


def test_server_sign_in_pick_channels_sign_out(env, connector, sandbox):
    domain = sandbox.urls["server"]
    connector.set_domain("server", domain)
    assert connector.preferences().server_domain == domain
    status = connector.connect("server", username="demo", password="demo-password")
    assert (status.service, status.domain, status.username) == ("server", domain, "demo")
    recorded = state(env)
    assert recorded.logged_api_url == f"{domain}/api"
    assert recorded.anaconda_server_token and recorded.anaconda_server_token_id
    assert token_file(env, f"{domain}/api").read_text() == recorded.anaconda_server_token
    assert token_file(env, f"{domain}/api/repo").read_text() == recorded.anaconda_server_token
    data = condarc(env)
    assert data["channels"] == [] and "default_channels" not in data
    assert data["channel_alias"] == f"{domain}/api/repo"  # names resolve on the server
    assert data["ssl_verify"] is True
    issued = sandbox.server_tokens[recorded.anaconda_server_token_id]
    assert "subchannel:view-artifacts" in issued.scopes  # Navigator's six scopes

    page = connector.available_channels(q="team", offset=0, limit=5)
    assert len(page.items) == 5 and page.total > 5
    assert all("team" in c.name for c in page.items)
    chosen = page.items[0]
    connector.add_channels([chosen.name], ["main"])
    data = condarc(env)
    # by name under channel_alias, as Navigator writes them; `defaults` so conda >= 25.3
    # searches default_channels at all
    assert data["channels"] == ["defaults", chosen.name]
    assert data["default_channels"] == ["main"]
    connector.add_channels([f"{domain}/api/repo/{chosen.name}"])  # a URL under the alias
    assert condarc(env)["channels"] == ["defaults", chosen.name]

    token = recorded.anaconda_server_token
    assert sandbox.is_token_valid(token)
    connector.disconnect()
    assert not sandbox.is_token_valid(token)  # revoked on the server too
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC
    assert not token_file(env, f"{domain}/api").exists()
    assert not token_file(env, f"{domain}/api/repo").exists()
    after = state(env)
    assert (after.logged_api_url, after.anaconda_server_token, after.anaconda_server_token_id) == (
        None,
        None,
        None,
    )
    assert after.anaconda_server_api_url == domain  # the domain stays remembered
    assert "anaconda_server_token = None" in (env.state_dir / "repoconnect.ini").read_text()


def test_enterprise_sign_in_and_out(env, connector, sandbox):
    api = sandbox.urls["enterprise"]
    status = connector.connect("enterprise", domain=api, username="demo", password="demo-password")
    assert (status.service, status.username) == ("enterprise", "demo")
    assert status.message == ENTERPRISE_CHANNELS_HINT
    token = token_file(env, api).read_text()
    data = condarc(env)
    assert data["channels"] == [] and "default_channels" not in data
    assert data["channel_alias"] == sandbox.root("enterprise") + "/conda"  # Navigator's alias
    assert state(env).enterprise_4_repo_api_url == api
    assert sandbox.is_token_valid(token)
    connector.disconnect()
    assert not sandbox.is_token_valid(token)
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC
    assert not token_file(env, api).exists()


def test_missing_condarc_is_missing_again_after_sign_out(env, connector, sandbox):
    env.condarc.unlink()
    connector.connect("cloud", token=sandbox.cloud_tokens[0])
    assert env.condarc.exists()
    connector.disconnect()
    assert not env.condarc.exists()


def test_login_made_from_a_command_line_is_detected_and_signed_out(env, sandbox):
    api = sandbox.urls["enterprise"]
    env.token_dir.mkdir(parents=True, exist_ok=True)
    token_file(env, api).write_text("cli-made-token")
    connector = Connector(RepoConnectSettings(enterprise_domain=api))
    status = connector.status()
    assert (status.connected, status.service, status.source) == (True, "enterprise", "cli")
    connector.disconnect()
    assert not token_file(env, api).exists()
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC  # nothing of ours to restore


def test_legacy_state_is_migrated_on_first_change(env, connector, sandbox):
    env.state_dir.mkdir(parents=True, exist_ok=True)
    ini = env.state_dir / "repoconnect.ini"
    ini.write_text(
        f"[main]\nteam_edition_token = None\nanaconda_server_api_url = {sandbox.urls['server']}\n"
    )
    connector.set_domain("enterprise", sandbox.urls["enterprise"])
    text = ini.read_text()
    assert "team_edition" not in text
    assert f"anaconda_server_api_url = {sandbox.urls['server']}" in text


def test_doctor_explains_a_revoked_token(env, connector, sandbox):
    connector.connect(
        "server", domain=sandbox.urls["server"], username="demo", password="demo-password"
    )
    connector.add_channels(["main"])
    assert connector.doctor().ok
    sandbox.revoke_token(state(env).anaconda_server_token)
    diagnosis = connector.doctor()
    assert not diagnosis.ok
    assert any("expired or was revoked" in f.message for f in diagnosis.findings)


def test_sign_in_after_a_session_ended_elsewhere_needs_a_sign_out_first(env, connector, sandbox):
    api = sandbox.urls["enterprise"]
    connector.connect("enterprise", domain=api, username="demo", password="demo-password")
    token_file(env, api).unlink()  # e.g. `anaconda logout` in a terminal
    status = connector.status()
    assert not status.connected and "ended elsewhere" in status.warnings[0]
    before = env.snapshot()
    with pytest.raises(Conflict) as info:
        connector.connect("cloud", token=sandbox.cloud_tokens[0])
    assert info.value.code == "stale_session" and "Sign out first" in info.value.message
    assert env.snapshot() == before
    connector.disconnect()
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC
    connector.connect("cloud", token=sandbox.cloud_tokens[0])
