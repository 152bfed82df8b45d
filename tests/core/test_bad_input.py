"""Bad input and faults: each gives a clear message and leaves .condarc, tokens and state alone."""

import socket

import pytest

from jupyter_repoconnect.core import (
    AuthenticationRefused,
    BadInput,
    Conflict,
    Connector,
    CorruptCondarc,
    NotAllowed,
    NotConnected,
    RepoConnectSettings,
    ServiceTimeout,
    ServiceUnavailable,
)
from jupyter_repoconnect.core.state import StateStore

PW = "demo-password"


def server(sandbox, **kw):
    return {"domain": sandbox.urls["server"], "username": "demo", "password": PW, **kw}


def enterprise(sandbox, **kw):
    return {"domain": sandbox.urls["enterprise"], "username": "demo", "password": PW, **kw}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# (id, service, kwargs(sandbox), error class, words in the message)
CASES = [
    ("empty token", "cloud", lambda sb: {"token": ""}, BadInput, "Please enter your token"),
    (
        "whitespace token",
        "cloud",
        lambda sb: {"token": "  \t "},
        BadInput,
        "Please enter your token",
    ),
    ("token with a space", "cloud", lambda sb: {"token": "ab cd"}, BadInput, "contains spaces"),
    ("no token", "cloud", lambda sb: {}, BadInput, "Please enter your token"),
    (
        "wrong token",
        "cloud",
        lambda sb: {"token": "not-a-real-token"},
        AuthenticationRefused,
        "The token could not be validated. Please check that you have typed it correctly.",
    ),
    (
        "wrong password",
        "server",
        lambda sb: server(sb, password="nope"),
        AuthenticationRefused,
        "did not accept this user name and password",
    ),
    (
        "unknown user",
        "server",
        lambda sb: server(sb, username="mallory"),
        AuthenticationRefused,
        "did not accept this user name and password",
    ),
    (
        "empty user",
        "server",
        lambda sb: server(sb, username=" "),
        BadInput,
        "Please enter your user name",
    ),
    (
        "empty password",
        "server",
        lambda sb: server(sb, password=""),
        BadInput,
        "Please enter your password",
    ),
    (
        "domain without scheme",
        "server",
        lambda sb: server(sb, domain="anaconda.example.com"),
        BadInput,
        "has no http:// or https:// scheme",
    ),
    (
        "domain with trailing slash",
        "server",
        lambda sb: server(sb, domain=sb.urls["server"] + "/"),
        BadInput,
        "Remove the trailing slash",
    ),
    (
        "domain with spaces",
        "server",
        lambda sb: server(sb, domain="https://my server.com"),
        BadInput,
        "contains spaces",
    ),
    (
        "javascript domain",
        "server",
        lambda sb: server(sb, domain="javascript:alert(1)"),
        BadInput,
        "has no http:// or https:// scheme",
    ),
    (
        "no domain set",
        "server",
        lambda sb: {"username": "demo", "password": PW},
        BadInput,
        "No Anaconda Server / Package Security Manager (On-prem) domain is set",
    ),
    ("unknown service", "anaconda.org", lambda sb: {}, BadInput, "choose 'cloud', 'server' or"),
    (
        "enterprise wrong password",
        "enterprise",
        lambda sb: enterprise(sb, password="x"),
        AuthenticationRefused,
        "did not accept this user name and password",
    ),
    (
        "enterprise wrong domain",
        "enterprise",
        lambda sb: enterprise(sb, domain=sb.base_url + "/nothing"),
        ServiceUnavailable,
        "API server is unavailable. Please check your API url configuration",
    ),
    (
        "server wrong domain",
        "server",
        lambda sb: server(sb, domain=sb.base_url + "/nothing"),
        ServiceUnavailable,
        "does not answer like an Anaconda Server",
    ),
    (
        "connection refused",
        "server",
        lambda sb: server(sb, domain=f"http://127.0.0.1:{free_port()}"),
        ServiceUnavailable,
        "Could not connect to Anaconda Server",
    ),
]


@pytest.mark.parametrize(
    ("service", "kwargs", "error", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_changes_nothing(connector, snapshot, sandbox, service, kwargs, error, words):
    before = snapshot()
    with pytest.raises(error) as info:
        connector.connect(service, **kwargs(sandbox))
    assert words in info.value.message
    assert PW not in info.value.message and sandbox.cloud_tokens[0] not in info.value.message
    assert snapshot() == before


FAULTS = [
    ("server 500", "status", 500, "server", ServiceUnavailable, "failed with HTTP 500"),
    ("server 503", "status", 503, "server", ServiceUnavailable, "failed with HTTP 503"),
    ("server 401 on every call", "status", 401, "server", ServiceUnavailable, "web page, HTTP 401"),
    ("server 403", "status", 403, "server", ServiceUnavailable, "web page, HTTP 403"),
    (
        "server 404",
        "status",
        404,
        "server",
        ServiceUnavailable,
        "does not answer like an Anaconda Server",
    ),
    ("server html", "html", None, "server", ServiceUnavailable, "does not answer like an Anaconda"),
    (
        "server garbage",
        "garbage",
        None,
        "server",
        ServiceUnavailable,
        "not answer like an Anaconda",
    ),
    (
        "server too slow",
        "latency",
        3.0,
        "server",
        ServiceTimeout,
        "did not answer within 1 seconds",
    ),
    ("server drops", "drop", None, "server", ServiceUnavailable, "closed the connection"),
    ("cloud 500", "status", 500, "cloud", ServiceUnavailable, "failed with HTTP 500"),
    ("cloud too slow", "latency", 3.0, "cloud", ServiceTimeout, "did not answer within 1 seconds"),
    ("cloud drops", "drop", None, "cloud", ServiceUnavailable, "closed the connection"),
    ("enterprise html", "html", None, "enterprise", ServiceUnavailable, "HTML page"),
    (
        "enterprise 500",
        "status",
        500,
        "enterprise",
        ServiceUnavailable,
        "failed with HTTP 500",
    ),
    ("enterprise drops", "drop", None, "enterprise", ServiceUnavailable, "closed the connection"),
]


@pytest.mark.parametrize(
    ("kind", "value", "service", "error", "words"),
    [f[1:] for f in FAULTS],
    ids=[f[0] for f in FAULTS],
)
def test_service_faults_change_nothing(env, snapshot, sandbox, kind, value, service, error, words):
    connector = Connector(RepoConnectSettings(timeout=1.0))
    kwargs = {
        "cloud": {"token": sandbox.cloud_tokens[0]},
        "server": server(sandbox),
        "enterprise": enterprise(sandbox),
    }[service]
    before = snapshot()
    sandbox.inject(kind, service=service, value=value)
    with pytest.raises(error) as info:
        connector.connect(service, **kwargs)
    sandbox.clear_faults()
    assert words in info.value.message
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"channels: [defaults\n", "is not valid YAML at line 2"),
        (b"- defaults\n", "its top level is a seq"),
        (b"plain text\n", "its top level is a str"),
        (b"x: " + b"[" * 5000 + b"]" * 5000 + b"\n", "nests lists or mappings too deeply"),
        (b"channels: [" + b"9" * 5000 + b"]\n", "holds a number too long to read"),
    ],
    ids=["invalid yaml", "list at top", "string at top", "nested 5,000 deep", "5,000 digits"],
)
def test_corrupt_condarc_is_never_overwritten(env, connector, snapshot, sandbox, content, words):
    env.condarc.write_bytes(content)
    before = snapshot()
    with pytest.raises(CorruptCondarc) as info:
        connector.connect("cloud", token=sandbox.cloud_tokens[0])
    assert words in info.value.message and str(env.condarc) in info.value.message
    assert snapshot() == before


def test_empty_condarc_works_and_is_restored(env, connector, sandbox):
    env.condarc.write_bytes(b"")
    connector.connect("server", **server(sandbox))
    connector.disconnect()
    assert env.condarc.read_bytes() == b""


def test_connect_while_connected_is_refused(connector, snapshot, sandbox):
    connector.connect("cloud", token=sandbox.cloud_tokens[0])
    before = snapshot()
    with pytest.raises(Conflict) as info:
        connector.connect("server", **server(sandbox))
    assert "Already signed in to Anaconda Professional" in info.value.message
    assert "Sign out" in info.value.message
    assert info.value.code == "already_connected"
    assert snapshot() == before


def test_sign_out_while_signed_out(connector, snapshot):
    before = snapshot()
    with pytest.raises(NotConnected) as info:
        connector.disconnect()
    assert "not signed in" in info.value.message
    assert snapshot() == before


def test_service_not_allowed_by_administrator(env, snapshot, sandbox):
    connector = Connector(RepoConnectSettings(allowed_services=["server"]))
    before = snapshot()
    with pytest.raises(NotAllowed) as info:
        connector.connect("cloud", token=sandbox.cloud_tokens[0])
    assert "administrator does not allow" in info.value.message
    assert snapshot() == before


def test_locked_domain_cannot_be_changed(env, snapshot, sandbox):
    connector = Connector(
        RepoConnectSettings(server_domain=sandbox.urls["server"], allow_domain_change=False)
    )
    before = snapshot()
    with pytest.raises(NotAllowed) as info:
        connector.set_domain("server", "https://elsewhere.example.com")
    assert (
        f"administrator has set the Anaconda Server domain to {sandbox.urls['server']}"
        in info.value.message
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("channels", "defaults", "words"),
    [
        ([], [], "No channel was given"),  # each surface adds how to pick one
        (["my channel"], [], "contains spaces"),
        ([""], [], "is empty; remove it or type a name"),
        (["ftp://x/y"], [], "is not an http(s) channel URL"),
    ],
    ids=["nothing selected", "space in name", "empty name", "ftp url"],
)
def test_bad_channel_selection(connector, snapshot, sandbox, channels, defaults, words):
    connector.connect("server", **server(sandbox))
    before = snapshot()
    with pytest.raises(BadInput) as info:
        connector.add_channels(channels, defaults)
    assert words in info.value.message
    assert snapshot() == before


def test_channel_listing_needs_a_connection_and_sane_paging(connector, sandbox):
    with pytest.raises(NotConnected):
        connector.available_channels()
    connector.connect("server", **server(sandbox))
    with pytest.raises(BadInput, match="limit must be"):
        connector.available_channels(limit=0)
    with pytest.raises(BadInput, match="offset must be"):
        connector.available_channels(offset=-1)


def test_interrupted_commit_puts_everything_back(env, connector, snapshot, sandbox, monkeypatch):
    before = snapshot()

    def interrupt(self, state):
        raise KeyboardInterrupt

    monkeypatch.setattr(StateStore, "save", interrupt)
    with pytest.raises(KeyboardInterrupt):
        connector.connect("server", **server(sandbox))
    assert snapshot() == before
    assert not [t for t in sandbox.server_tokens.values() if not t.revoked]  # revoked again


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"channels: [defaults]\nx: " + b"{a: " * 5000 + b"1" + b"}" * 5000, "too deeply"),
        (b"channels: [" + b"9" * 100_000 + b"]\n", "number too long"),  # was ValueError
    ],
    ids=["nested 5,000 deep", "100,000 digits"],
)
def test_an_unreadable_condarc_never_breaks_status_or_the_doctor(env, connector, content, words):
    env.condarc.write_bytes(content)
    assert any(words in w for w in connector.status().warnings)
    with pytest.raises(CorruptCondarc, match=words):
        connector.condarc_channels()
    assert not connector.doctor().ok
    with pytest.raises(CorruptCondarc):
        connector.add_channels(["main"])


def test_a_timeout_beyond_an_hour_is_capped_by_the_settings():
    # capped, not refused: an administrator's config file of 7200 must not stop every command
    assert RepoConnectSettings(timeout=1e308).timeout == 3600
    assert RepoConnectSettings(timeout=float("inf")).timeout == 3600
    assert RepoConnectSettings(timeout=7200).timeout == 3600
    assert RepoConnectSettings(timeout=5).timeout == 5
    for nonsense in (0, -1, float("nan")):
        with pytest.raises(Exception, match="above 0"):
            RepoConnectSettings(timeout=nonsense)


# --- addresses from a server shown as links (issue 22, point 14) --------------------------
@pytest.mark.parametrize(
    ("link", "ok"),
    [
        ("https://anaconda.com/device?user_code=AB-CD", True),
        ("http://127.0.0.1:8080/device", True),  # this machine: the sandbox
        ("http://[::1]:8080/device", True),
        ("http://localhost:8080/", True),
        ("javascript:alert(document.domain)", False),
        ("JavaScript://anaconda.com/%0aalert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("http://anaconda.com/device", False),  # plain http to another machine
        ("http://127.0.0.1.evil.example/", False),
        ("https://anaconda.com@evil.example/device", False),  # the host is evil.example
        ("https://anaconda.com\\@evil.example/", False),
        ("https:///device", False),
        ("https://anaconda.com/\x1b]0;owned\x07", False),
        ("https://anaconda.com/\u202edevice", False),
        ("https://ana conda.com/", False),
        ("https://anaconda.com:99999999/", False),
        ("https://anaconda.com/" + "a" * 3000, False),
        ("", False),
        (None, False),
        (["https://anaconda.com/"], False),
    ],
)
def test_only_https_or_loopback_links_are_shown(link, ok):
    from jupyter_repoconnect.core.links import openable_link

    if ok:
        assert openable_link(link, "anaconda.com") == link
    else:
        with pytest.raises(ServiceUnavailable) as err:
            openable_link(link, "anaconda.com")
        assert err.value.code == "bad_response" and "not shown" in err.value.message
        assert "javascript" not in err.value.message.lower()  # the value is never quoted


@pytest.fixture
def hostile_account(monkeypatch):
    """An account domain on loopback whose device sign-in sends a ``javascript:`` link."""
    from jupyter_repoconnect.testing.hostile import hostile_server

    def answers(method, path, root):
        if method == "GET":  # the discovery document
            return 200, {}, {"token_endpoint": root + "/token",
                             "device_authorization_endpoint": root + "/device/code"}  # fmt: skip
        return 200, {}, {"device_code": "d" * 20, "user_code": "ABCD-EFGH",
                         "verification_uri": "javascript:alert(document.domain)",
                         "expires_in": 600, "interval": 5}  # fmt: skip

    with hostile_server(answers) as root:
        monkeypatch.setenv("JUPYTER_REPOCONNECT_ACCOUNT_DOMAIN", root)
        monkeypatch.delenv("ANACONDA_AUTH_DOMAIN", raising=False)
        monkeypatch.delenv("ANACONDA_AUTH_API_KEY", raising=False)
        yield root


def test_a_javascript_sign_in_link_is_never_shown(env, hostile_account):
    from jupyter_repoconnect.core.account import Account

    with pytest.raises(ServiceUnavailable) as err:
        Account(Connector()).begin_login()
    assert "not shown" in err.value.message and hostile_account in err.value.message
    assert "javascript" not in err.value.message.lower()


def test_the_sign_in_link_says_which_host_it_is_on(env):
    from jupyter_repoconnect.core.account import DeviceLogin
    from jupyter_repoconnect.text.account import device_login_text
    from jupyter_repoconnect.widgets.account import AccountPanel

    login = DeviceLogin("id", "ABCD-EFGH", "https://auth.anaconda.com/device",
                        "https://auth.anaconda.com/device?user_code=ABCD-EFGH", 600, 5)  # fmt: skip
    assert "(a page of auth.anaconda.com;" in device_login_text(login, "Ctrl+C")
    panel = AccountPanel(Connector(), background=False)
    panel.account.wait_login = lambda *a: None  # the approval is not what this test is about
    panel._wait(login)
    assert "a page of <b>auth.anaconda.com</b>" in panel.code.value
    with pytest.raises(ServiceUnavailable):  # a link that escaped the core is refused again
        panel._wait(DeviceLogin("id", "X", "javascript:alert(1)", "javascript:alert(1)", 600, 5))
