"""What goes over the wire and onto disk follows the real tools (issue 9, one test per point)."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from jupyter_repoconnect.core import Connector, RepoConnectSettings, ServiceUnavailable
from jupyter_repoconnect.core.errors import AuthenticationRefused, FileProblem
from jupyter_repoconnect.core.services.enterprise import conda_url
from jupyter_repoconnect.core.state import StateStore

SERVER_LOGIN = {"username": "demo", "password": "demo-password"}


def condarc(env):
    return YAML(typ="safe").load(env.condarc.read_text())


def sign_in_server(connector, sandbox):
    return connector.connect("server", domain=sandbox.urls["server"], **SERVER_LOGIN)


def test_server_calls_carry_the_access_token_as_x_auth(env, connector, sandbox):
    """Point 1: the sandbox answers `Bearer <access token>` with 401, as the real server does;
    who-am-I, the channel list, the doctor and the revoke all work."""
    sign_in_server(connector, sandbox)
    calls = [(m, p) for m, p, _ in sandbox.requests("server")]
    assert calls == [
        ("GET", "/api/system"),
        ("POST", "/api/auth/login"),
        ("POST", "/api/account/tokens"),
    ]
    assert connector.available_channels(limit=5).total > 5  # X-Auth on /api/account/channels
    (token_check,) = [f for f in connector.doctor().findings if f.check == "token"]
    assert token_check.message == "The repository accepts your token."
    token = StateStore(env.state_dir).load().anaconda_server_token
    signed_out = connector.disconnect()
    assert signed_out.warnings == [] and not sandbox.is_token_valid(token)
    assert all(status < 400 for _, _, status in sandbox.requests("server"))


def test_server_token_has_navigators_scopes_and_reads_a_sub_channel(env, connector, sandbox):
    """Point 5: six scopes; without the subchannel ones a sub-channel is refused."""
    sign_in_server(connector, sandbox)
    connector.add_channels(["internal-tools/stable"])
    channel = [f for f in connector.doctor().findings if f.check == "channel"]
    assert [f.message for f in channel] == ["internal-tools/stable is reachable."]


def test_server_writes_channel_alias_and_names(env, connector, sandbox):
    """Point 2: `channel_alias: <domain>/api/repo`; channels by name."""
    sign_in_server(connector, sandbox)
    assert condarc(env)["channel_alias"] == sandbox.urls["server"] + "/api/repo"
    connector.add_channels(["team-bio-0006"])
    assert "team-bio-0006" in condarc(env)["channels"]


def test_enterprise_alias_and_doctor_on_a_channel_by_name(env, connector, sandbox):
    """Point 3: Navigator's alias `<host>/conda`; the doctor checks a channel of the
    Enterprise host (it crashed before) — by name, under the alias."""
    connector.connect("enterprise", domain=sandbox.urls["enterprise"], **SERVER_LOGIN)
    assert condarc(env)["channel_alias"] == sandbox.root("enterprise") + "/conda"
    connector.add_channels(["demo", "nobody-here"])
    findings = {f.message: f.ok for f in connector.doctor().findings if f.check == "channel"}
    assert findings == {"demo is reachable.": True, "nobody-here is unreachable (HTTP 404).": False}


@pytest.mark.parametrize(
    ("api", "expected"),
    [
        ("https://repo.example.com/api", "https://repo.example.com/conda"),
        ("https://api.anaconda.org", "https://conda.anaconda.org"),
        ("https://example.com/repo/api", "https://example.com/repo/conda"),
    ],
)
def test_enterprise_conda_location(api, expected):
    assert conda_url(api) == expected


def test_add_to_default_channels_puts_defaults_into_channels(env, connector, sandbox):
    """Point 4: conda >= 25.3 reads default_channels only through `defaults` in channels."""
    sign_in_server(connector, sandbox)
    assert condarc(env)["channels"] == []
    connector.add_channels(default_channels=["main"])
    assert condarc(env)["channels"] == ["defaults"]
    assert connector.status().warnings == []


def test_default_channels_without_defaults_are_pointed_out(env, connector, sandbox):
    env.condarc.write_text("channels: [conda-forge]\ndefault_channels: [https://x.example/main]\n")
    assert any("'defaults'" in w for w in connector.status().warnings)


def test_cloud_sets_what_the_token_tools_set(env, connector, sandbox):
    """Point 7: add_anaconda_token: true; restore_free_channel set to false, not deleted;
    a fresh home gets `channels: [defaults]` (point 4)."""
    env.condarc.write_text("add_anaconda_token: false\nrestore_free_channel: true\n")
    connector.connect("cloud", token=sandbox.cloud_tokens[0])
    data = condarc(env)
    assert data["add_anaconda_token"] is True and data["restore_free_channel"] is False
    assert data["channels"] == ["defaults"]
    connector.disconnect()
    assert env.condarc.read_text() == "add_anaconda_token: false\nrestore_free_channel: true\n"


def test_cloud_sign_in_is_no_false_success(env, connector, sandbox, snapshot):
    """A captive portal's or proxy's 200 page is not a valid token."""
    sandbox.inject("html", service="cloud")
    before = snapshot()
    with pytest.raises(ServiceUnavailable) as info:
        connector.connect("cloud", token="any-wrong-token")
    assert info.value.code == "bad_response"
    assert snapshot() == before


def test_cloud_validation_takes_a_200_repodata_answer_as_the_reference_does(
    env, connector, sandbox
):
    """The token tools and anaconda-auth HEAD the repodata and accept a 200 (JSON): a body
    that is not valid repodata behind a JSON content type is accepted by them too, and by
    us (we read no body: one request, and no encoding can break it)."""
    sandbox.inject("garbage", service="cloud")
    assert connector.connect("cloud", token="any-token").connected


def test_cloud_wrong_token(env, connector, sandbox, snapshot):
    before = snapshot()
    with pytest.raises(AuthenticationRefused):
        connector.connect("cloud", token="0123-not-a-token")
    assert snapshot() == before


def test_server_revoke_needs_the_login_session(env, connector, sandbox):
    """A sign-out after the login JWT expired cannot revoke the token: it is said, with what
    to do, and the token stays valid on the server (as the sandbox shows)."""
    sign_in_server(connector, sandbox)
    token = StateStore(env.state_dir).load().anaconda_server_token
    for session in sandbox.server_sessions.values():
        sandbox.expire_token(session.id)
    status = connector.disconnect()
    (warning,) = status.warnings
    assert "could not be revoked" in warning and "web page" in warning
    assert sandbox.is_token_valid(token)
    assert not (env.state_dir / "server-session.jwt").exists()


def test_failed_sign_in_whose_cleanup_fails_says_so(env, connector, sandbox, snapshot):
    """The token was created, the sign-in then failed (the token store cannot be written),
    and revoking the token failed too."""
    (env.binstar_dir / "data").write_text("a file where the token folder should be")
    before = snapshot()
    sandbox.inject("status", service="server", value=500, times=None)
    original = sandbox.faults.take

    calls = {"n": 0}

    def later(service, path=""):  # let system, login and token creation through, fail the revoke
        calls["n"] += 1
        return (0.0, None) if calls["n"] <= 3 else original(service, path)

    sandbox.faults.take = later  # type: ignore[method-assign]
    try:
        with pytest.raises(FileProblem) as info:
            sign_in_server(connector, sandbox)
    finally:
        sandbox.faults.take = original  # type: ignore[method-assign]
        sandbox.clear_faults()
    assert "could not be revoked after the failed sign-in" in info.value.message
    assert snapshot() == before
    assert [r for r in sandbox.server_tokens.values() if r.valid]  # still live: hence the message


def test_trust_server_is_refused_when_the_administrator_set_tls(env, sandbox, snapshot):
    connector = Connector(RepoConnectSettings(ssl_verify=True))
    before = snapshot()
    with pytest.raises(Exception) as info:
        connector.connect("cloud", token=sandbox.cloud_tokens[0], trust_server=True)
    assert getattr(info.value, "code", "") == "not_allowed"
    assert snapshot() == before


def test_channel_list_is_fetched_once_and_filtered_here(env, connector, sandbox):
    """No server-side filter is documented: every page once (limit <= 1000), then local."""
    sign_in_server(connector, sandbox)
    sandbox.request_log.clear()
    first = connector.available_channels(q="DATA", limit=3)
    assert first.total > 3 and all("data" in c.name for c in first.items)
    again = connector.available_channels(q="ml", offset=2, limit=2)
    assert again.items and all("ml" in c.name for c in again.items)
    listed = [p for _, p, _ in sandbox.requests("server") if "channels" in p]
    assert len(listed) == 1 and "limit=1000" in listed[0] and "q=" not in listed[0]
    connector.available_channels(refresh=True)
    assert len([p for _, p, _ in sandbox.requests("server") if "channels" in p]) == 2


def test_a_name_and_its_url_under_the_alias_are_one_channel(env, connector, sandbox):
    sign_in_server(connector, sandbox)
    url = sandbox.urls["server"] + "/api/repo/main"  # written by hand, as a URL
    env.condarc.write_text(env.condarc.read_text().replace("channels: []", f"channels: [{url}]"))
    connector.add_channels(["main"])
    assert condarc(env)["channels"] == [url]
