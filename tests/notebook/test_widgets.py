"""The ipywidgets panels without a frontend: buttons driven with ``.click()``."""

from __future__ import annotations

import time

import pytest

from jupyter_repoconnect.core import Connector, RepoConnectSettings
from jupyter_repoconnect.core.services.registry import SERVICES
from jupyter_repoconnect.widgets import (
    ChannelPicker,
    ConfigureCondaPanel,
    ConnectPanel,
    RepoConnectPanel,
    StatusPanel,
)

from .conftest import ORIGINAL_CONDARC, read_condarc

ENTERPRISE_CHANNELS_HINT = SERVICES["enterprise"].connected_message


def sign_in_server(panel: ConnectPanel, sandbox) -> None:
    panel.service.value = "server"
    panel.domain.value = sandbox.urls["server"]
    panel.username.value = "demo"
    panel.password.value = sandbox.users["demo"]
    panel.login_button.click()
    panel.wait()


def test_server_flow_connect_pick_channels_sign_out(connector, env):
    sandbox = env.sandbox
    domain = sandbox.urls["server"]
    panel = ConnectPanel(connector, service="server")
    assert panel.children == (panel.form,)

    panel.domain.value = domain
    panel.set_domain_button.click()
    panel.wait()
    assert panel.message.kind == "success", panel.message.text
    assert connector.preferences().server_domain == domain

    panel.domain.value = ""  # the remembered domain is used
    panel.username.value = "demo"
    panel.password.value = sandbox.users["demo"]
    panel.login_button.click()
    assert panel.password.value == ""  # cleared at once, before the call finishes
    panel.wait()
    assert panel.children == (panel.result,)
    assert "Signed in to Anaconda Server" in panel.headline.value
    # what the sign-in changed in .condarc, said in the widget too (issue 20)
    assert "Changed in .condarc: channels: [" in panel.headline.value
    assert f"channel_alias set to {domain}/api/repo" in panel.headline.value
    picker = panel.channel_picker
    assert picker is not None and picker.page is not None
    assert read_condarc(env.condarc)["channels"] == []

    picker.rows[0].add_to_channels.value = True
    first = picker.rows[0].channel.name
    picker.next_button.click()
    picker.wait()
    assert picker.page.offset == picker.page_size
    picker.rows[1].add_to_default_channels.value = True
    second = picker.rows[1].channel.name
    picker.previous_button.click()
    picker.wait()
    assert picker.rows[0].add_to_channels.value is True  # the selection survived paging
    picker.add_button.click()
    picker.wait()
    assert picker.message.kind == "success", picker.message.text
    data = read_condarc(env.condarc)
    assert first in data["channels"]  # by name, under the channel_alias of the sign-in
    assert data["default_channels"] == [second]
    assert not picker.to_channels and picker.rows[0].add_to_channels.value is False
    assert first in panel.status_panel.view.value  # status refreshed

    panel.status_panel.sign_out_button.click()
    panel.wait()
    assert panel.children == (panel.form,)
    assert "Signed out" in panel.message.text
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC


def test_login_errors_are_inline_in_plain_words(connector, env):
    panel = ConnectPanel(connector, service="server", background=False)
    panel.login_button.click()
    assert panel.message.kind == "error" and "username and password" in panel.message.text

    panel.domain.value = "not a url"
    panel.set_domain_button.click()
    assert panel.message.kind == "error" and "http" in panel.message.text

    panel.domain.value = env.sandbox.urls["server"]
    panel.username.value = "demo"
    panel.password.value = "wrong-password"
    panel.login_button.click()
    assert panel.message.kind == "error"
    assert "wrong-password" not in panel.message.value
    assert panel.password.value == ""
    assert panel.children == (panel.form,)
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC


def test_busy_indicator_and_disabled_buttons_while_waiting(connector, env):
    env.sandbox.inject("latency", "server", 0.5, times=1)
    panel = ConnectPanel(connector, service="server", domain=env.sandbox.urls["server"])
    panel.username.value = "demo"
    panel.password.value = env.sandbox.users["demo"]
    panel.login_button.click()
    assert panel.busy.active and "Signing in" in panel.busy.value
    assert panel.login_button.disabled
    panel.wait()
    assert not panel.busy.active and not panel.login_button.disabled


def test_cloud_set_token_and_status(connector, env):
    token = env.sandbox.cloud_tokens[0]
    panel = ConnectPanel(connector, service="cloud")
    assert panel.fields_box.children == (panel.token,)  # the form of cloud's one method
    assert panel.method.layout.display == "none"  # one method: no toggle
    panel.token.value = token
    panel.set_token_button.click()
    assert panel.token.value == ""
    panel.wait()
    assert panel.channel_picker is None and panel.status_panel is not None
    assert panel.status_panel.status.service == "cloud"
    assert token not in panel.status_panel.view.value
    repo = env.sandbox.urls["cloud"]
    assert read_condarc(env.condarc)["default_channels"] == [
        repo + "main",
        repo + "r",
        repo + "msys2",
    ]


def test_enterprise_shows_the_add_channels_by_hand_message(connector, env):
    panel = ConnectPanel(connector, service="enterprise", background=False)
    panel.domain.value = env.sandbox.urls["enterprise"]
    panel.username.value = "demo"
    panel.password.value = env.sandbox.users["demo"]
    panel.login_button.click()
    assert ENTERPRISE_CHANNELS_HINT in panel.headline.value.replace("&#x27;", "'")
    assert panel.channel_picker is None


def test_a_panel_opened_while_connected_shows_the_connection(connector, env):
    connector.connect(
        "enterprise",
        domain=env.sandbox.urls["enterprise"],
        username="demo",
        password=env.sandbox.users["demo"],
    )
    panel = ConnectPanel(connector, service="server")
    assert panel.children == (panel.result,)
    assert panel.status_panel.status.service == "enterprise"


def test_status_panel_refresh_and_sign_out(connector, env):
    panel = StatusPanel(connector, background=False)
    assert panel.sign_out_button.disabled
    connector.connect("cloud", token=env.sandbox.cloud_tokens[0])
    panel.refresh_button.click()
    assert not panel.sign_out_button.disabled
    bundle = panel._repr_mimebundle_()
    assert "Signed in to" in bundle["text/plain"] and "<table>" in bundle["text/html"]
    signed_out = []
    panel.on_signed_out(signed_out.append)
    panel.sign_out_button.click()
    assert signed_out and not signed_out[0].connected
    # The truth about .condarc: restored, not "channels are kept".
    assert ".condarc is back to how it was before the sign-in" in panel.message.text
    assert "not removed" not in panel.message.text
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC


def test_picker_filter_is_server_side(connector, env):
    connector.connect(
        "server",
        domain=env.sandbox.urls["server"],
        username="demo",
        password=env.sandbox.users["demo"],
    )
    picker = ChannelPicker(connector, background=False, page_size=10)
    total = picker.page.total
    picker.filter.value = "team"
    assert 0 < picker.page.total < total
    assert all("team" in r.channel.name for r in picker.rows if r.channel)
    picker.filter.value = "no-such-channel-at-all"
    assert picker.page.total == 0 and "No channel matches" in picker.message.text
    assert all(r.layout.display == "none" for r in picker.rows)
    picker.add_button.click()
    assert picker.message.kind == "error"


@pytest.fixture(scope="module")
def big_sandbox():
    from jupyter_repoconnect.testing import Sandbox

    with Sandbox(channels=10_000) as sb:
        yield sb


def test_picker_stays_fast_with_ten_thousand_channels(env, big_sandbox):
    connector = Connector(RepoConnectSettings(timeout=5.0))
    connector.connect(
        "server",
        domain=big_sandbox.urls["server"],
        username="demo",
        password=big_sandbox.users["demo"],
    )
    try:
        picker = ChannelPicker(connector, background=False)
        assert picker.page.total > 5_000  # what the demo user may see of 10,000
        rows = list(picker.rows)
        listings = len(big_sandbox.requests("server"))
        for _ in range(5):
            picker.next_button.click()
        assert picker.rows == rows and len(rows) == picker.page_size  # no widgets per page
        assert picker.range_label.value == f"126\u2013150 of {picker.page.total}"
        # paging filters the list fetched once: no request to the server (speed: bench/)
        assert len(big_sandbox.requests("server")) == listings
        picker.select("main", default_channels=True)
        picker.add_button.click()
        assert read_condarc(env.condarc)["default_channels"][-1] == "main"
    finally:
        connector.disconnect()


def test_configure_conda_remove_move_save(connector, env):
    panel = ConfigureCondaPanel(connector, background=False)
    assert panel.draft["channels"] == ["defaults", "conda-forge"]
    assert [r.name for r in panel.rows["channels"]] == ["defaults", "conda-forge"]

    panel.rows["channels"][1].up_button.click()
    assert panel.draft["channels"] == ["conda-forge", "defaults"]
    panel.new_channel.value = "bioconda"
    panel.add_button.click()
    panel.save_button.click()
    assert panel.message.kind == "success", panel.message.text
    assert read_condarc(env.condarc)["channels"] == ["conda-forge", "defaults", "bioconda"]
    assert "# my conda settings" in env.condarc.read_text()

    panel.rows["channels"][1].remove_button.click()  # defaults
    assert panel.warning_box.layout.display is None
    panel.save_button.click()
    assert panel.message.kind == "warning"  # confirmation needed
    assert "defaults" in read_condarc(env.condarc)["channels"]
    panel.confirm_defaults.value = True
    panel.save_button.click()
    assert panel.message.kind == "success", panel.message.text
    assert read_condarc(env.condarc)["channels"] == ["conda-forge", "bioconda"]


def test_configure_conda_reports_a_concurrent_edit(connector, env):
    panel = ConfigureCondaPanel(connector, background=False)
    env.condarc.write_text(env.condarc.read_text() + "channel_priority: strict\n")
    panel.rows["channels"][1].remove_button.click()
    panel.save_button.click()
    assert panel.message.kind == "error" and "Reload" in panel.message.text
    assert "channel_priority" in env.condarc.read_text()
    assert "conda-forge" in read_condarc(env.condarc)["channels"]
    panel.reload_button.click()
    panel.rows["channels"][1].remove_button.click()
    panel.save_button.click()
    assert read_condarc(env.condarc)["channels"] == ["defaults"]


def test_whole_panel_tabs(connector, env):
    panel = RepoConnectPanel(connector)
    panel.wait()
    assert list(panel.tabs.titles) == list(RepoConnectPanel.TABS)
    sign_in_server(panel.connect, env.sandbox)
    assert panel.connect.channel_picker is not None
    panel.select("Configure Conda")
    panel.wait()
    assert panel.configure.draft["channels"] == []
    panel.select("Troubleshooting")
    panel.doctor.run_button.click()
    panel.wait()
    assert panel.doctor.diagnosis is not None and "<ul>" in panel.doctor.view.value
    panel.select("Preferences")
    assert panel.preferences.domains["server"].value == env.sandbox.urls["server"]
    panel.preferences.domains["enterprise"].value = env.sandbox.urls["enterprise"]
    panel.preferences.apply_button.click()
    panel.wait()
    assert connector.preferences().enterprise_domain == env.sandbox.urls["enterprise"]
    panel.connect.status_panel.sign_out_button.click()
    panel.wait()
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC


# --- one live truth: a status widget follows changes made elsewhere ----------------------


def test_status_panel_shows_a_sign_out_made_elsewhere(connector, env):
    connector.connect("cloud", token=env.sandbox.cloud_tokens[0])
    panel = StatusPanel(connector, background=False)
    assert panel.status.connected and not panel.sign_out_button.disabled
    assert panel.check() is False  # nothing changed: nothing redrawn
    Connector(RepoConnectSettings(timeout=5.0)).disconnect()  # another surface (CLI, Lab)
    assert panel.check() is True
    assert not panel.status.connected
    assert "Signed out elsewhere" in panel.message.text and panel.message.kind == "warning"
    assert "Signed out elsewhere" in panel.view.value
    assert "Signed in to" not in panel.view.value
    assert panel.sign_out_button.disabled and panel.sign_out_button.layout.display == "none"


def test_status_panel_follows_by_itself_in_a_kernel(connector, env):
    """With a background worker (as in a kernel) a thread checks every `follow_interval`."""
    connector.connect("cloud", token=env.sandbox.cloud_tokens[0])
    panel = StatusPanel(connector, follow_interval=0.1)
    panel.wait()
    assert panel.status.connected
    try:
        Connector(RepoConnectSettings(timeout=5.0)).disconnect()
        for _ in range(300):  # the test waits for the thread; it does not time it
            if "Signed out elsewhere" in panel.message.text:
                break
            time.sleep(0.05)
        assert "Signed out elsewhere" in panel.message.text
        assert not panel.status.connected
    finally:
        panel.close()


def test_connect_panel_returns_to_the_form_when_signed_out_elsewhere(connector, env):
    panel = ConnectPanel(connector, service="server")
    sign_in_server(panel, env.sandbox)
    assert panel.status_panel is not None
    Connector(RepoConnectSettings(timeout=5.0)).disconnect()
    assert panel.status_panel.check()
    assert panel.children == (panel.form,)
    assert "Signed out elsewhere" in panel.message.text


def test_sign_out_warnings_are_shown_not_signed_out_alone(connector, env):
    """The server could not revoke the token: the widget says so, with what to do."""
    sandbox = env.sandbox
    connector.connect(
        "server", domain=sandbox.urls["server"], username="demo", password=sandbox.users["demo"]
    )
    panel = StatusPanel(connector, background=False)
    sandbox.inject("status", service="server", value=500)
    try:
        panel.sign_out_button.click()
    finally:
        sandbox.clear_faults()
    assert not connector.status().connected
    assert panel.message.kind == "warning", panel.message.text
    assert panel.message.text.startswith("Signed out, with warnings.")
    assert "Warning:" in panel.message.text
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC


def test_adding_a_channel_twice_says_nothing_was_written(connector, env):
    sandbox = env.sandbox
    connector.connect(
        "server", domain=sandbox.urls["server"], username="demo", password=sandbox.users["demo"]
    )
    try:
        picker = ChannelPicker(connector, background=False)
        picker.select("conda-forge", channels=True)
        picker.add_button.click()
        assert picker.message.text.startswith("Added 1 channel to channels (conda-forge)"), (
            picker.message.text
        )
        before = env.condarc.read_bytes()
        picker.select("conda-forge", channels=True)
        picker.add_button.click()
        assert picker.message.kind == "info"
        assert "already in channels; nothing was written" in picker.message.text
        assert env.condarc.read_bytes() == before
    finally:
        connector.disconnect()


def test_refresh_checks_the_token_for_real(connector, env):
    sandbox = env.sandbox
    connector.connect(
        "server", domain=sandbox.urls["server"], username="demo", password=sandbox.users["demo"]
    )
    try:
        panel = StatusPanel(connector, background=False)
        panel.refresh_button.click()
        assert panel.message.kind == "success", panel.message.text
        for record in list(sandbox.server_tokens.values()):
            sandbox.revoke_token(record.token)
        panel.refresh_button.click()
        assert panel.message.kind == "warning"
        assert "refused your token" in panel.message.text
        assert panel.status.connected  # still signed in here: the warning says what to do
    finally:
        connector.disconnect()


def test_sign_out_of_a_moved_state_shows_the_real_state(connector, env):
    connector.connect("cloud", token=env.sandbox.cloud_tokens[0])
    panel = StatusPanel(connector, background=False, follow_interval=None)
    Connector(RepoConnectSettings(timeout=5.0)).disconnect()  # elsewhere, not yet seen here
    panel.sign_out_button.click()
    assert panel.message.kind == "error"
    assert "now shows the current state" in panel.message.text
    assert not panel.status.connected and panel.sign_out_button.disabled
