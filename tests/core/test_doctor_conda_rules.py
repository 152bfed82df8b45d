"""The doctor asks for each configured channel the way conda will (conda_tokens.py) and finds a
token conda would put where the repository does not take it, or not send at all."""

from __future__ import annotations

from jupyter_repoconnect.core import conda_tokens

SERVER_LOGIN = {"username": "demo", "password": "demo-password"}


def _append(env, text: str) -> None:
    with env.condarc.open("a") as f:
        f.write(text)


def _bad(diagnosis) -> list:
    return [f for f in diagnosis.findings if not f.ok]


def test_cloud_custom_channels_entry_puts_the_token_after_repo(env, connector, sandbox):
    """The issue's case: conda puts the Cloud token at /repo/t/<TOKEN>/acme/internal/."""
    connector.connect("cloud", token=sandbox.cloud_tokens[0])
    repo = sandbox.urls["cloud"].rstrip("/")
    _append(env, f"custom_channels:\n  acme/internal: {repo}\n")
    connector.replace_channels(["defaults", "acme/internal"], None, confirm_defaults=True)
    bad = _bad(connector.doctor())
    assert [f.check for f in bad] == ["channel_token"]
    assert "custom_channels entry 'acme/internal'" in bad[0].message
    assert "Remove the custom_channels entry 'acme/internal'" in (bad[0].hint or "")
    assert sandbox.cloud_tokens[0] not in bad[0].message  # the finding never shows the token


def test_server_channel_url_without_channel_alias_gets_the_token_after_the_host(
    env, connector, sandbox
):
    domain = sandbox.urls["server"]
    connector.connect("server", domain=domain, **SERVER_LOGIN)
    channel = connector.available_channels(limit=1).items[0].name
    text = env.condarc.read_text().replace(f"channel_alias: {domain}/api/repo\n", "")
    env.condarc.write_text(text)
    connector.replace_channels([f"{domain}/api/repo/{channel}"], None)
    bad = _bad(connector.doctor())
    assert "channel_token" in [f.check for f in bad]
    token_finding = next(f for f in bad if f.check == "channel_token")
    assert "the host" in token_finding.message and "channel_alias" in (token_finding.hint or "")


def test_server_channel_written_with_another_address_gets_no_token(env, connector, sandbox):
    """localhost and 127.0.0.1 are one machine but not one URL prefix: conda sends no token."""
    domain = sandbox.urls["server"]
    connector.connect("server", domain=domain, **SERVER_LOGIN)
    channel = connector.available_channels(limit=1).items[0].name
    other = domain.replace("127.0.0.1", "localhost")
    connector.replace_channels([f"{other}/api/repo/{channel}"], None)
    settings = {"channels": [f"{other}/api/repo/{channel}"]}
    assert (
        conda_tokens.request(settings["channels"][0], settings, {f"{domain}/api": "t"}).token_url
        is None
    )
    # the doctor only checks channels of the connected host: localhost is another host to it
    assert all(f.check != "channel_token" for f in connector.doctor().findings)


def test_server_channel_under_the_alias_is_fine(env, connector, sandbox):
    connector.connect("server", domain=sandbox.urls["server"], **SERVER_LOGIN)
    channel = connector.available_channels(limit=1).items[0].name
    connector.add_channels([channel])
    assert connector.doctor().ok


def test_conda_rules_match_protocols_examples():
    stored = {"https://repo.anaconda.cloud/repo/": "T1", "https://srv/api": "T2"}
    cloud = conda_tokens.request("https://repo.anaconda.cloud/repo/main", {}, stored)
    assert cloud.token_url == "https://repo.anaconda.cloud/t/T1/repo/main"
    server = conda_tokens.request("chan", {"channel_alias": "https://srv/api/repo"}, stored)
    assert server.token_url == "https://srv/api/repo/t/T2/chan"
    enterprise = conda_tokens.request(
        "https://host/conda/owner", {}, {"https://host/api": "T3"}
    )  # a token stored for the API URL also serves its /conda twin
    assert enterprise.token_url == "https://host/conda/t/T3/owner"
    off = conda_tokens.request("chan", {"channel_alias": "https://srv/api/repo",
                                         "add_anaconda_token": False}, stored)  # fmt: skip
    assert off.token_url is None
    multi = {"channels": ["team"], "custom_multichannels": {"team": ["a", "b"]}}
    assert conda_tokens.configured_entries(multi) == ["a", "b"]
    defaults = {"channels": ["defaults"], "default_channels": ["https://x/main"]}
    assert conda_tokens.configured_entries(defaults) == ["https://x/main"]
