"""The doctor explains "signed in but cannot interact" in words a user can act on."""

import pytest

from jupyter_repoconnect.core import Connector, RepoConnectSettings, TLSFailure
from jupyter_repoconnect.core.state import StateStore


@pytest.fixture
def signed_in(connector, sandbox):
    connector.connect(
        "server", domain=sandbox.urls["server"], username="demo", password="demo-password"
    )
    return connector


def messages(diagnosis):
    return [f.message for f in diagnosis.findings if not f.ok]


def test_healthy_connection(signed_in):
    signed_in.add_channels(["main", "r"])
    diagnosis = signed_in.doctor()
    assert diagnosis.ok, messages(diagnosis)
    assert sum(f.check == "channel" for f in diagnosis.findings) == 2


def test_unreachable_channel(signed_in):
    signed_in.add_channels(["no-such-channel"])
    diagnosis = signed_in.doctor()
    assert not diagnosis.ok
    assert any("no-such-channel is unreachable (HTTP 404)" in m for m in messages(diagnosis))


def test_revoked_token(signed_in, env, sandbox):
    sandbox.revoke_token(StateStore(env.state_dir).load().anaconda_server_token)
    assert any("expired or was revoked" in m for m in messages(signed_in.doctor()))


def test_service_too_slow(env, sandbox, signed_in):
    sandbox.inject("latency", service="server", value=2.0)
    diagnosis = Connector(RepoConnectSettings(timeout=0.5)).doctor()
    sandbox.clear_faults()
    assert any("did not answer within 0.5 seconds" in m for m in messages(diagnosis))


def test_wrong_domain_answering_html(env, sandbox, signed_in):
    sandbox.inject("html", service="server")
    diagnosis = signed_in.doctor()
    sandbox.clear_faults()
    (failed,) = [f for f in diagnosis.findings if f.check == "reachable"]
    assert "HTML page" in failed.message and not failed.ok
    assert "Check the domain in Preferences" in failed.hint


def test_add_anaconda_token_false_is_pointed_out(signed_in, env):
    env.condarc.write_text(env.condarc.read_text() + "add_anaconda_token: false\n")
    assert any("add_anaconda_token is false" in m for m in messages(signed_in.doctor()))


def test_not_signed_in(connector):
    diagnosis = connector.doctor()
    assert not diagnosis.ok
    assert messages(diagnosis) == ["Not signed in to any repository service."]


def test_tls_failure_is_named_as_such(connector, snapshot, sandbox):
    before = snapshot()
    https = sandbox.urls["server"].replace("http://", "https://")  # the sandbox speaks plain HTTP
    with pytest.raises(TLSFailure) as info:
        connector.connect("server", domain=https, username="demo", password="demo-password")
    assert "secure connection" in info.value.message and "ssl_verify" in info.value.message
    assert snapshot() == before


def test_a_sub_channel_written_by_its_bare_name_is_found_with_the_fix(signed_in, env):
    # What a sign-in before sub-channels had their full name wrote for internal-tools/stable.
    env.condarc.write_text(env.condarc.read_text().replace("channels: []", "channels: [stable]"))
    assert "stable" in signed_in.status().channels
    diagnosis = signed_in.doctor()
    (finding,) = [f for f in diagnosis.findings if f.check == "channel"]
    assert not finding.ok
    assert "sub-channel " in finding.message and "internal-tools/stable" in finding.message
    assert finding.hint.startswith("Replace stable by ")
    assert "internal-tools/stable" in finding.hint


def test_an_unknown_bare_name_is_not_taken_for_a_sub_channel(signed_in):
    signed_in.add_channels(["no-such-channel"])
    (finding,) = [f for f in signed_in.doctor().findings if f.check == "channel"]
    assert "sub-channel" not in finding.message
    assert "Remove it in Configure Conda" in finding.hint
