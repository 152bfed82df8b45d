"""End to end: real kernels execute real notebooks (nbclient) against the sandbox.

Each test is one notebook in one kernel, run cell by cell so ``.condarc`` can be checked
between steps; at the end the notebook is saved with outputs and widget state and must not
contain any password or token.
"""

from __future__ import annotations

import json

import pytest

from jupyter_repoconnect.magics import SUBCOMMANDS

from .conftest import ORIGINAL_CONDARC, PASSWORD_VAR, TOKEN_VAR, issued_secrets, read_condarc

pytestmark = pytest.mark.kernel

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def assert_no_secret(saved: str, sandbox, extra: set[str] = frozenset()) -> None:
    secrets = issued_secrets(sandbox) | set(extra)
    assert secrets, "nothing to look for"
    leaked = [s for s in secrets if s and s in saved]
    assert not leaked, "a secret reached the saved notebook"


def test_magics_every_service(kernel_notebook, env, tmp_path):
    nb, sandbox = kernel_notebook, env.sandbox
    issued: set[str] = set()
    nb.run("%load_ext jupyter_repoconnect")

    nb.run("%repo_connect?")
    help_text = nb.pager_text()
    for sub in SUBCOMMANDS:
        assert f"%repo_connect {sub}" in help_text
    assert "--password-env" in help_text and "--token-env" in help_text

    out = nb.run("%repo_connect server --username demo --password not-the-real-one", error=True)
    assert "Notebooks get shared" in out and "not-the-real-one" not in out

    # Cloud: the token comes from an environment variable.
    out = nb.run(f"%repo_connect cloud --token-env {TOKEN_VAR}")
    assert "Signed in to Anaconda Professional" in out
    repo = sandbox.urls["cloud"]
    assert read_condarc(env.condarc)["default_channels"] == [
        repo + "main",
        repo + "r",
        repo + "msys2",
    ]
    out = nb.run("%repo_connect status")
    assert "Signed in to Anaconda Professional" in out
    nb.run("%repo_connect logout")
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC

    # Anaconda Server: sign in, add channels to both lists, sign out.
    domain = sandbox.urls["server"]
    out = nb.run(
        f"%repo_connect server --domain {domain} --username demo --password-env {PASSWORD_VAR}"
    )
    assert "Signed in to Anaconda Server" in out
    assert read_condarc(env.condarc)["channels"] == []
    issued |= {r.token for r in sandbox.server_tokens.values()}
    nb.run("%repo_connect channels add main conda-forge")
    nb.run("%repo_connect channels add main --to default_channels")
    data = read_condarc(env.condarc)
    # Channels by name under the channel_alias the sign-in wrote (as Navigator does).
    assert data["channel_alias"] == f"{domain}/api/repo"
    assert {"main", "conda-forge"} <= set(data["channels"])
    assert data["default_channels"] == ["main"]
    nb.run("%repo_connect channels")  # the picker widget
    assert WIDGET_VIEW in nb.nb.cells[-1].outputs[0].data
    out = nb.run("%repo_connect status --text")
    assert "conda-forge" in out
    out = nb.run("%repo_connect doctor")
    assert "Everything looks fine" in out
    out = nb.run("%repo_connect logout")
    assert "Not signed in" in out
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC

    # Enterprise 4: the user is told to add channels by hand.
    api = sandbox.urls["enterprise"]
    out = nb.run(
        f"%repo_connect enterprise --domain {api} --username demo --password-env {PASSWORD_VAR}"
    )
    assert "add the channels you need" in out
    issued |= {r.token for r in sandbox.enterprise_tokens.values()}
    out = nb.run("%repo_connect channels add --to default_channels", error=True)
    nb.run("%repo_connect logout")
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC

    nb.run("%repo_connect")  # the whole panel
    assert WIDGET_VIEW in nb.nb.cells[-1].outputs[0].data

    saved = nb.save(tmp_path / "magics.ipynb")
    assert_no_secret(saved, sandbox, issued)


SERVER_FLOW = """
import os
from jupyter_repoconnect.widgets import ConnectPanel
panel = ConnectPanel(service="server")
display(panel)
panel.domain.value = {domain!r}
panel.set_domain_button.click(); panel.wait()
panel.username.value = "demo"
panel.password.value = os.environ[{var!r}]
panel.login_button.click()
assert panel.password.value == ""
panel.wait()
print(panel.headline.value)
"""

PICK_CHANNELS = """
picker = panel.channel_picker
picker.filter.value = "team"; picker.wait()
picker.rows[0].add_to_channels.value = True
first = picker.rows[0].channel.name
picker.next_button.click(); picker.wait()
picker.rows[0].add_to_default_channels.value = True
second = picker.rows[0].channel.name
print(picker.range_label.value, first, second)
picker.add_button.click(); picker.wait()
print(picker.message.text)
"""

SIGN_OUT = """
panel.status_panel.sign_out_button.click(); panel.wait()
print(panel.message.text)
"""

CLOUD_FLOW = """
cloud = ConnectPanel(service="cloud")
display(cloud)
cloud.token.value = os.environ[{var!r}]
cloud.set_token_button.click()
assert cloud.token.value == ""
cloud.wait()
print(cloud.headline.value)
cloud.status_panel.sign_out_button.click(); cloud.wait()
"""

ENTERPRISE_FLOW = """
ent = ConnectPanel(service="enterprise", domain={api!r})
display(ent)
ent.username.value = "demo"
ent.password.value = os.environ[{var!r}]
ent.login_button.click(); ent.wait()
print(ent.headline.value)
"""

CONFIGURE = """
from jupyter_repoconnect.widgets import ConfigureCondaPanel
conf = ConfigureCondaPanel()
display(conf)
conf.wait()
conf.rows["channels"][1].remove_button.click()   # conda-forge
conf.rows["channels"][0].remove_button.click()   # defaults: needs the confirmation
conf.save_button.click(); conf.wait()
print("first:", conf.message.text)
conf.confirm_defaults.value = True
conf.save_button.click(); conf.wait()
print("second:", conf.message.text)
"""


def test_widgets_driven_in_a_kernel(kernel_notebook, env, tmp_path):
    nb, sandbox = kernel_notebook, env.sandbox
    domain = sandbox.urls["server"]
    issued: set[str] = set()

    out = nb.run(SERVER_FLOW.format(domain=domain, var=PASSWORD_VAR))
    assert "Signed in to Anaconda Server" in out
    assert read_condarc(env.condarc)["channels"] == []
    issued |= {r.token for r in sandbox.server_tokens.values()}

    out = nb.run(PICK_CHANNELS)
    # Counts what was written and names it (conda's defaults may come along with
    # default_channels, named too).
    first, second = out.split("\n")[0].split()[-2:]
    assert "Added" in out and f"1 channel to default_channels ({second})" in out
    data = read_condarc(env.condarc)
    assert first in data["channels"]
    assert data["default_channels"] == [second]

    out = nb.run(
        "panel.status_panel.refresh_button.click(); panel.wait()\n"
        "print(panel.status_panel.view.value)"
    )
    assert first in out

    out = nb.run(SIGN_OUT)
    assert "Signed out" in out
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC

    out = nb.run(CLOUD_FLOW.format(var=TOKEN_VAR))
    assert "Signed in to Anaconda Professional" in out
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC

    out = nb.run(ENTERPRISE_FLOW.format(api=sandbox.urls["enterprise"], var=PASSWORD_VAR))
    assert "add the channels you need" in out
    issued |= {r.token for r in sandbox.enterprise_tokens.values()}
    nb.run("ent.status_panel.sign_out_button.click(); ent.wait()")
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC

    out = nb.run(CONFIGURE)
    assert "first: Anaconda recommends against deleting defaults" in out
    assert "second: Saved" in out
    assert read_condarc(env.condarc)["channels"] == []
    assert "# my conda settings" in env.condarc.read_text()

    saved = nb.save(tmp_path / "widgets.ipynb")
    assert_no_secret(saved, sandbox, issued)
    # The widget state really was saved (so the check above looked at it).
    state = json.loads(saved)["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]
    models = state["state"].values()
    passwords = [m for m in models if m["model_name"] == "PasswordModel"]
    assert len(passwords) >= 3 and all(m["state"]["value"] == "" for m in passwords)
    assert any(m["state"].get("description") == "Add to default_channels" for m in models)
