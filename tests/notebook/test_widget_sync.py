"""A click or Enter from the browser acts on the fields as the user saw them.

The browser side of ipywidgets is played here message by message, in the order a fast user
produces them: keystrokes are state patches a field's model holds back while one is in
flight, a click is a message sent at once, so the click arrives first. The real browser and
kernel play the same in tests/ui/test_ui_widgets_race.py.
"""

from __future__ import annotations

import json
from typing import Any

import ipywidgets as w
import pytest

from jupyter_repoconnect.widgets import ConfigureCondaPanel, ConnectPanel, PreferencesPanel
from jupyter_repoconnect.widgets.account import AccountPanel
from jupyter_repoconnect.widgets.common import Fence, SubmitButton
from jupyter_repoconnect.widgets.status import StatusPanel

from .conftest import read_condarc


def browser_click(button: w.Button) -> None:
    button._handle_button_msg(None, {"event": "click"}, [])


def browser_enter(field: w.Text) -> None:
    field._handle_custom_msg({"event": "submit"}, [])


def browser_types(field: w.Text, value: str) -> None:
    field.set_state({"value": value})


def browser_syncs(fence: Fence) -> None:
    """Each field's model sends the fence count back, behind its held keystrokes."""
    for field in fence.fields:
        field.set_state({"_synced": fence.count})


def test_a_click_waits_for_the_keystrokes_it_overtook(connector, env):
    sandbox = env.sandbox
    panel = ConnectPanel(
        connector, service="server", domain=sandbox.urls["server"], background=False
    )
    browser_types(panel.username, "demo")
    browser_types(panel.password, sandbox.users["demo"][:3])  # the first keystroke's patch
    browser_click(panel.login_button)
    assert panel.children == (panel.form,) and panel.message.text == ""  # not yet
    browser_types(panel.password, sandbox.users["demo"])  # the held ones, after the click
    assert panel.message.text == ""
    browser_syncs(panel.fence)
    assert panel.children == (panel.result,), panel.message.text
    assert panel.password.value == ""


def test_enter_presses_the_button_once_and_never_while_busy(connector, env):
    panel = ConnectPanel(connector, service="server", background=False)
    presses: list[Any] = []
    panel.login_button.on_click(presses.append)
    browser_enter(panel.password)
    browser_click(panel.login_button)  # a double submit waits for the same fence
    browser_syncs(panel.fence)
    assert len(presses) == 1
    assert panel.message.kind == "error"  # nothing typed: said, nothing sent

    panel.login_button.disabled = True  # a call is running
    browser_enter(panel.password)
    browser_click(panel.login_button)
    browser_syncs(panel.fence)
    assert len(presses) == 1


def test_an_older_fence_count_does_not_release_a_newer_press(connector, env):
    panel = ConnectPanel(connector, service="server", background=False)
    presses: list[Any] = []
    panel.login_button.on_click(presses.append)
    browser_click(panel.login_button)
    browser_syncs(panel.fence)
    browser_click(panel.login_button)
    for field in panel.fence.fields:
        field.set_state({"_synced": panel.fence.count - 1})  # e.g. a page reload re-linking
    assert len(presses) == 1
    browser_syncs(panel.fence)
    assert len(presses) == 2


def test_add_a_channel_reads_the_name_as_typed(connector, env):
    panel = ConfigureCondaPanel(connector, background=False)
    browser_types(panel.new_channel, "bio")
    browser_enter(panel.new_channel)
    browser_types(panel.new_channel, "bioconda")
    browser_syncs(panel.fence)
    assert panel.draft["channels"] == ["defaults", "conda-forge", "bioconda"]
    panel.save_button.click()
    assert read_condarc(env.condarc)["channels"] == ["defaults", "conda-forge", "bioconda"]


def test_apply_reads_the_domains_as_typed(connector, env):
    panel = PreferencesPanel(connector, background=False)
    field = panel.domains["server"]
    browser_types(field, "https://rep")
    browser_click(panel.apply_button)
    browser_types(field, "https://repo.example.com")
    browser_syncs(panel.fence)
    assert connector.preferences().server_domain == "https://repo.example.com"


PANELS = {
    "connect": lambda c: ConnectPanel(c, background=False),
    "status": lambda c: StatusPanel(c, background=False, follow_interval=None),
    "account": lambda c: AccountPanel(c, background=False),
    "configure": lambda c: ConfigureCondaPanel(c, background=False),
    "preferences": lambda c: PreferencesPanel(c, background=False),
}


@pytest.mark.parametrize("name", PANELS)
def test_every_field_a_button_reads_is_fenced(connector, env, name):
    """The class, not one case: every text field a panel holds is in the fence of one of
    its SubmitButtons."""
    panel = PANELS[name](connector)
    held = [v for v in vars(panel).values() if isinstance(v, w.Widget)]
    held += [x for v in vars(panel).values() if isinstance(v, dict) for x in v.values()]
    fields = [v for v in held if isinstance(v, w.Text)]
    fences = [v.fence for v in held if isinstance(v, SubmitButton)]
    assert fields and fences
    fenced = {id(f) for fence in fences for f in fence.fields}
    assert all(id(f) in fenced for f in fields), [f.description for f in fields]


# --- a real kernel, sent the browser's messages in the racing order ---------------------
RACE_PANEL = """
import json, os
from jupyter_repoconnect.widgets import ConnectPanel
panel = ConnectPanel(service="server", domain={domain!r})
display(panel)
print(json.dumps({{
    "username": panel.username.model_id,
    "password": panel.password.model_id,
    "login": panel.login_button.model_id,
    "fence": [f.model_id for f in panel.fence.fields],
}}))
"""

RACE_OUTCOME = """
import ipywidgets
panel.wait()
secret = os.environ[{var!r}]
print("signed in:", panel.children == (panel.result,))
print("field empty:", panel.password.value == "")
print("secret in widget state:", secret in json.dumps(ipywidgets.Widget.get_manager_state()))
"""


def test_a_real_kernel_acts_on_the_keystrokes_a_click_overtook(kernel_notebook, env):
    """The comm messages a fast user's browser sends, in the order it sends them, to a real
    kernel: the click before the held keystrokes, then the fields' fence counts."""
    from .conftest import PASSWORD_VAR

    nb, sandbox = kernel_notebook, env.sandbox
    password = sandbox.users["demo"]
    out = nb.run(RACE_PANEL.format(domain=sandbox.urls["server"]))
    ids = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    kc = nb.client.kc

    def send(comm_id: str, data: dict[str, Any]) -> None:
        kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))

    def patch(comm_id: str, **state: Any) -> None:
        send(comm_id, {"method": "update", "state": state, "buffer_paths": []})

    patch(ids["username"], value="demo")
    patch(ids["password"], value=password[:3])
    send(ids["login"], {"method": "custom", "content": {"event": "click"}})
    patch(ids["password"], value=password)  # held until the kernel was idle: after the click
    for comm_id in ids["fence"]:
        patch(comm_id, _synced=1)  # the fence count, copied in by the browser's link
    out = nb.run(RACE_OUTCOME.format(var=PASSWORD_VAR))
    assert "signed in: True" in out
    assert "field empty: True" in out
    assert "secret in widget state: False" in out
    assert password not in out
