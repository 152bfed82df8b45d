"""Troubleshooting a failed sign-in checks what was attempted (service + domain), and every
diagnosis says what it was computed for."""

import socket

import pytest

from jupyter_repoconnect.core import BadInput


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def by_check(diagnosis):
    return {f.check: f for f in diagnosis.findings}


def test_a_closed_port_is_named_with_nothing_answers(connector, snapshot):
    before = snapshot()
    domain = f"http://127.0.0.1:{free_port()}"
    diagnosis = connector.doctor("server", domain)
    found = by_check(diagnosis)
    assert not diagnosis.ok
    assert not found["reachable"].ok
    assert f"Nothing answers at {domain}" in found["reachable"].message
    assert "connection" not in found  # not "Not signed in — sign in"
    assert diagnosis.checked.attempt and diagnosis.checked.domain == domain
    assert snapshot() == before  # the doctor writes nothing, not even the domain


def test_a_web_page_is_not_an_anaconda_server(connector, sandbox):
    sandbox.inject("html", service="server")
    try:
        diagnosis = connector.doctor("server", sandbox.urls["server"])
    finally:
        sandbox.clear_faults()
    found = by_check(diagnosis)
    assert found["reachable"].ok
    assert not found["service"].ok
    assert found["service"].message.startswith("This is not an Anaconda Server:")
    assert "method" not in found


def test_an_enterprise_4_domain_that_is_a_server_is_refused_as_such(connector, sandbox):
    found = by_check(connector.doctor("enterprise", sandbox.urls["server"] + "/api"))
    assert not found["service"].ok
    assert "not an Enterprise 4 Repository" in found["service"].message


def test_tls_trouble_has_the_tls_hint(connector, sandbox):
    https = sandbox.urls["server"].replace("http://", "https://")  # the sandbox speaks HTTP
    found = by_check(connector.doctor("server", https))
    assert not found["tls"].ok
    assert "ssl_verify" in found["tls"].hint


@pytest.mark.parametrize("service", ["server", "enterprise", "cloud"])
def test_a_healthy_service_passes_every_check(connector, sandbox, service):
    domain = None if service == "cloud" else sandbox.urls[service]
    diagnosis = connector.doctor(service, domain)
    assert diagnosis.ok, [f.message for f in diagnosis.findings]
    found = by_check(diagnosis)
    assert {"reachable", "service", "method"} <= set(found)
    assert "not accepted" in found["credentials"].message  # what is left: the credentials


def test_the_remembered_domain_is_checked_when_none_is_given(connector, sandbox):
    connector.set_domain("server", sandbox.urls["server"])
    assert connector.doctor("server").checked.domain == sandbox.urls["server"]


def test_a_malformed_domain_is_refused_like_a_sign_in(connector):
    with pytest.raises(BadInput):
        connector.doctor("server", "anaconda.example.com/")
    with pytest.raises(BadInput):
        connector.doctor(domain="http://x")


def test_a_diagnosis_says_which_connection_it_was_computed_for(connector, sandbox):
    assert connector.doctor().checked.connected is False
    connector.connect(
        "server", domain=sandbox.urls["server"], username="demo", password="demo-password"
    )
    checked = connector.doctor().checked
    assert (checked.connected, checked.service, checked.domain, checked.username) == (
        True,
        "server",
        sandbox.urls["server"],
        "demo",
    )


def test_a_stray_channel_alias_is_flagged_with_the_fix(connector, env, sandbox):
    # what a command-line sign-out leaves: the alias of the sign-in, no sign-in
    alias = sandbox.urls["server"] + "/api/repo"
    env.condarc.write_text(env.condarc.read_text() + f"channel_alias: {alias}\n")
    found = by_check(connector.doctor())
    assert not found["channel_alias"].ok
    assert alias in found["channel_alias"].message
    assert "Remove channel_alias" in found["channel_alias"].hint


def test_a_channel_alias_of_ones_own_is_not_flagged(connector, env):
    env.condarc.write_text(env.condarc.read_text() + "channel_alias: https://mirror.example\n")
    assert "channel_alias" not in by_check(connector.doctor())


def test_a_sign_in_method_the_server_does_not_offer_is_named(connector, sandbox):
    sandbox.server_settings.sso = False
    try:
        found = by_check(connector.doctor("server", sandbox.urls["server"], "sso"))
    finally:
        sandbox.server_settings.sso = True
    assert found["service"].ok
    assert not found["method"].ok
    assert "does not offer single sign-on" in found["method"].message
    assert found["method"].hint.startswith("Sign in with Login or Set Token")
    assert by_check(connector.doctor("server", sandbox.urls["server"], "sso"))["method"].ok
