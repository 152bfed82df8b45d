"""The notebook sign-in widget in a real kernel, typed into by a real Chromium: what the user
typed is what is submitted, however fast the click or Enter follows the last keystroke.

ipywidgets sends a field's keystrokes as state patches, throttled per widget (one in flight,
the rest merged and held until the kernel says it is idle), while a button's click is a
message sent at once: a click right after typing used to reach the kernel before the last
keystrokes, so a correct password was refused, and the held keystrokes arrived after the field
was emptied and put the password back into it.
"""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from .uihelpers import Lab

pytestmark = pytest.mark.browser

ROUNDS = 20
SIGNED_IN = re.compile(r"Signed in to Anaconda Server [^.]* as demo\.")
REFUSED = "did not accept this user name and password"
OUTCOME = re.compile(f"{SIGNED_IN.pattern}|{REFUSED}")

NOTEBOOK_CODE = """\
from jupyter_repoconnect.widgets import ConnectPanel
panel = ConnectPanel(service="server", domain={domain!r})
panel
"""

# What the kernel holds: every widget's synced state, as a saved notebook would store it.
KERNEL_STATE = """\
import json, ipywidgets
print(json.dumps(ipywidgets.Widget.get_manager_state(drop_defaults=True)))
"""


def open_notebook(page: Page, code: str) -> None:
    """A new notebook in a real kernel of this Lab, its first cell run."""
    page.evaluate(
        """async code => {
            const panel = await jupyterapp.commands.execute(
                'notebook:create-new', { kernelName: 'python3' });
            await panel.context.ready;
            await panel.sessionContext.ready;
            window.repoconnectNotebook = panel;
            panel.content.activeCell.model.sharedModel.setSource(code);
            await jupyterapp.commands.execute('notebook:run-cell');
        }""",
        code,
    )


def kernel_print(page: Page, code: str) -> str:
    """Run ``code`` in the notebook's kernel (not as a cell) and return what it printed."""
    return str(
        page.evaluate(
            """async code => {
                const kernel = window.repoconnectNotebook.sessionContext.session.kernel;
                const future = kernel.requestExecute({ code, store_history: false });
                let out = '';
                future.onIOPub = msg => {
                    if (msg.header.msg_type === 'stream') out += msg.content.text;
                };
                await future.done;
                return out;
            }""",
            code,
        )
    )


def kernel_state(page: Page) -> dict[str, Any]:
    return dict(json.loads(kernel_print(page, KERNEL_STATE)))


def type_and_submit(page: Page, field: Locator, text: str, submit: str) -> None:
    """Type like a fast user and submit at once: no wait between the last key and the
    click (``submit="click"``, a mouse click where the Login button is) or Enter."""
    login = page.locator(".jp-OutputArea button", has_text="Login")
    expect(login).to_be_enabled()
    login.scroll_into_view_if_needed()
    field.click()
    box = login.bounding_box()  # where it is now the field has the focus
    assert box is not None
    page.keyboard.type(text)
    if submit == "click":
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    else:
        page.keyboard.press("Enter")


def saved_notebook(page: Page, lab: Lab) -> str:
    """Save the notebook with its widget state, as Lab does with "Save Widget State
    Automatically" on, and return the saved file (outputs and widget metadata)."""
    path = page.evaluate(
        """async () => {
            const panel = window.repoconnectNotebook;
            await panel.context.save();  // the command would ask to rename Untitled
            return panel.context.path;
        }"""
    )
    request = urllib.request.Request(
        f"{lab.url}api/contents/{path}?content=1",
        headers={"Authorization": f"token {lab.token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        notebook = json.loads(response.read())
    return json.dumps(notebook["content"])


@pytest.fixture
def save_widget_state(lab_env: Lab):
    """Lab's "Save Widget State Automatically" on for this test (it is off by default)."""
    url = f"{lab_env.url}lab/api/settings/@jupyter-widgets/jupyterlab-manager:plugin"

    def put(raw: str) -> None:
        request = urllib.request.Request(
            url,
            data=json.dumps({"raw": raw}).encode(),
            method="PUT",
            headers={"Authorization": f"token {lab_env.token}"},
        )
        with urllib.request.urlopen(request, timeout=30):
            pass

    put('{"saveState": true}')
    yield
    put("{}")


def test_a_password_typed_and_submitted_at_once_is_the_one_submitted(
    page: Page, lab_env: Lab, save_widget_state: None
) -> None:
    lab = lab_env
    password = lab.sandbox.users["demo"]
    wrong = "not-" + password
    page.reload()  # the widget manager reads "save widget state" when Lab starts
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
    page.evaluate("async () => { await window.jupyterapp.restored; }")
    open_notebook(page, NOTEBOOK_CODE.format(domain=lab.sandbox.urls["server"]))
    output = page.locator(".jp-OutputArea-output").first
    user = output.locator(".widget-text", has_text="User name").locator("input")
    secret = output.locator("input[type=password]")
    expect(secret).to_be_visible(timeout=60_000)
    user.click()
    page.keyboard.type("demo")

    # A refused password: the error, and the password is in no field and no widget state.
    type_and_submit(page, secret, wrong, "click")
    expect(output).to_contain_text(OUTCOME, timeout=30_000)
    expect(output).to_contain_text(REFUSED)
    expect(secret).to_have_value("")
    assert wrong not in json.dumps(kernel_state(page))
    expect(secret).to_have_value("")  # nothing arrived later to put it back
    saved = saved_notebook(page, lab)
    assert "PasswordModel" in saved  # the field's model is saved: its value is empty
    assert wrong not in saved

    for round_ in range(ROUNDS):
        submit = "click" if round_ % 2 == 0 else "enter"
        type_and_submit(page, secret, password, submit)
        # refused: the message says so until the timeout (the one of the wrong password
        # stays on screen until this attempt ends, so no "either" here)
        expect(output, f"round {round_} ({submit})").to_contain_text(SIGNED_IN, timeout=30_000)
        assert password not in json.dumps(kernel_state(page))
        assert password not in saved_notebook(page, lab)
        # the channel picker's first page loads in the same worker: Sign out would be
        # refused ("another repository call is still running") until it has
        expect(output).to_contain_text(re.compile(r"\d+\u2013\d+ of \d+"), timeout=30_000)
        sign_out = output.locator("button", has_text="Sign out")
        sign_out.click()
        expect(output).to_contain_text("Signed out", timeout=30_000)
        expect(secret).to_be_visible()
    page.evaluate("async () => { await jupyterapp.serviceManager.sessions.shutdownAll(); }")
