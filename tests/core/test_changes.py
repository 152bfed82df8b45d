"""A sign-in says what it changed in .condarc: every key, before and after, in words."""


def by_key(status):
    return {c.key: c for c in status.changes}


def test_a_server_sign_in_names_every_change(connector, sandbox):
    status = connector.connect(
        "server", domain=sandbox.urls["server"], username="demo", password="demo-password"
    )
    changes = by_key(status)
    assert list(changes) == ["channels", "default_channels", "channel_alias"]
    assert changes["channels"].before == ["defaults", "conda-forge"]
    assert changes["channels"].after == []
    assert changes["channels"].text.startswith("channels: [defaults, conda-forge] → [] (")
    assert "Add channels" in changes["channels"].text
    assert changes["default_channels"].after is None
    assert changes["channel_alias"].text.startswith(
        f"channel_alias set to {sandbox.urls['server']}/api/repo ("
    )
    assert status.to_dict()["changes"][0]["key"] == "channels"  # on the wire too


def test_a_cloud_sign_in_names_default_channels(connector, sandbox, env):
    env.condarc.write_text("ssl_verify: true\n")
    status = connector.connect("cloud", token=sandbox.cloud_tokens[0])
    changes = by_key(status)
    assert changes["channels"].text.startswith("channels: (not set) → [defaults] (")
    assert changes["default_channels"].after[0].endswith("/main")
    assert changes["add_anaconda_token"].text.startswith("add_anaconda_token set to true")
    assert sandbox.cloud_tokens[0] not in repr(status.changes)


def test_a_status_read_later_carries_no_changes(connector, sandbox):
    connector.connect(
        "server", domain=sandbox.urls["server"], username="demo", password="demo-password"
    )
    assert connector.status().changes == []
