"""Keyboard only, in a real browser: sign in, add a channel found by search, sign out.

The keys are counted by `Keys`: every `press` is one key (a chord such as Control+Shift+Y is
one), and typing text into a field counts as ONE press per field, whatever its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
import yaml
from playwright.sync_api import Page, expect

from .test_ui_live import server_login
from .uihelpers import INITIAL_CONDARC, Lab, open_panel_from_sidebar, snapshot

pytestmark = pytest.mark.browser

MAX_KEYS = 25  # issue 20: sign in, add a channel picked by search, sign out in under 25 keys
CHANNEL = "team-data-0003"

# What the focused element is, and the focus ring it shows.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = el ? getComputedStyle(el) : null;
  return el && {
    testid: el.dataset?.testid ?? '',
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute('type') ?? '',
    role: el.getAttribute('role') ?? '',
    width: parseFloat(style.outlineWidth),
    style: style.outlineStyle,
    inPanel: !!el.closest('#jp-repoconnect-panel'),
    inFlow: !!el.closest('[data-testid="repoconnect-signin-page"]'),
  };
}"""


@dataclass
class Keys:
    """The page's keyboard, counting keys; remembers every control that had the focus."""

    page: Page
    count: int = 0
    reached: list[dict] = field(default_factory=list)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1
        self._note(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += 1

    def to(self, testid: str, key: str = "Tab", most: int = 12) -> None:
        """Press `key` until the element with `testid` has the focus."""
        self.to_any(testid, key, most, exact=True)

    def to_any(self, prefix: str, key: str = "Tab", most: int = 12, exact: bool = False) -> None:
        """Press `key` until an element whose test id starts with `prefix` has the focus."""
        for _ in range(most):
            testid = self.focused().get("testid", "")
            if testid == prefix or (not exact and testid.startswith(prefix)):
                return
            self.press(key)
        seen = [(f["key"], f["testid"] or f["tag"]) for f in self.reached[-most:]]
        raise AssertionError(f"{key} never reached {prefix}: {seen}")

    def focused(self) -> dict:
        return self.page.evaluate(FOCUSED) or {}

    def _note(self, key: str) -> None:
        focused = self.focused()
        if focused.get("inPanel") or focused.get("inFlow"):
            self.reached.append({**focused, "key": key})


def condarc(lab: Lab) -> dict:
    return yaml.safe_load(lab.condarc.read_text()) or {}


def sign_in_to_server(keys: Keys, lab: Lab) -> None:
    """From the panel: "Connect…" (the sign-in's own page), Anaconda Server chosen with the
    arrows unless it is already, its domain and the demo user's credentials typed, Login."""
    page = keys.page
    if page.get_by_test_id("connect-button").count():
        keys.to("connect-button")
        keys.press("Enter")
        expect(page.get_by_test_id("signin-flow")).to_be_visible()
    server = page.get_by_test_id("service-server")
    if not server.is_checked():
        keys.to_any("service-")  # the service choice is one Tab stop; the arrows choose
        for _ in range(6):
            if server.is_checked():
                break
            keys.press("ArrowDown")
    expect(server).to_be_checked()
    keys.to("domain-input")
    keys.type(lab.sandbox.urls["server"])
    keys.to("username-input")
    keys.type("demo")
    keys.to("password-input")
    keys.type(lab.sandbox.users["demo"])
    keys.press("Enter")
    expect(page.get_by_test_id("repoconnect-status")).to_be_visible()


def test_keyboard_only_sign_in_add_a_searched_channel_sign_out(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    keys = Keys(page)
    page.locator(".jp-Launcher").first.focus()
    keys.press("Control+Shift+Y")  # the panel's shortcut (schema/plugin.json)
    expect(page.get_by_test_id("repoconnect-signin")).to_be_visible()
    assert keys.focused()["inPanel"]

    sign_in_to_server(keys, lab)
    assert condarc(lab)["channels"] == []

    # The picker: "/" to its search, then the list is one control (arrows, Space, Enter).
    keys.press("/")
    expect(page.get_by_test_id("channel-search")).to_be_focused()
    keys.type("data-0003")
    rows = page.get_by_test_id("channel-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-channel", CHANNEL)
    keys.press("ArrowDown")
    listbox = page.get_by_test_id("channel-listbox")
    expect(listbox).to_be_focused()
    expect(listbox).to_have_attribute("aria-multiselectable", "true")
    option = page.get_by_role("option", name=CHANNEL)
    expect(listbox).to_have_attribute("aria-activedescendant", option.get_attribute("id") or "")
    keys.press("Space")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("picked-count")).to_have_text("1 channel selected")
    keys.press("Enter")  # "Add channels"
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Added 1 channel")
    assert condarc(lab)["channels"] == [CHANNEL]
    expect(page.get_by_test_id("channel-search")).to_be_focused()

    keys.to("signout-button", key="Shift+Tab")
    keys.press("Enter")
    expect(page.get_by_test_id("repoconnect-signin")).to_be_visible()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Signed out")
    assert lab.condarc.read_text() == INITIAL_CONDARC

    assert keys.count < MAX_KEYS, [
        (f["key"], f["testid"] or f["role"] or f["tag"]) for f in keys.reached
    ]

    # Every control the keyboard reached shows a ring of at least 2 px: text fields, buttons
    # and the channel list at least (the list's checkboxes are no Tab stops: see below).
    controls = [
        f for f in keys.reached if f["tag"] in ("input", "button", "a") or f["role"] == "listbox"
    ]
    kinds = {(f["tag"], f["type"] or f["role"]) for f in controls}
    for kind in (("input", "search"), ("button", "button"), ("ul", "listbox")):
        assert kind in kinds, kinds
    thin = [f for f in controls if f["width"] < 2 or f["style"] in ("none", "hidden")]
    assert not thin, thin


def test_the_list_by_mouse_and_its_focus_rings(page: Page, lab_env: Lab) -> None:
    """The toggles stay for the mouse and hand the keyboard to the list; a checkbox focused
    while the keyboard is in use shows the same 2 px ring; Sign out's border is not a ring."""
    lab = lab_env
    server_login(lab)
    open_panel_from_sidebar(page)
    rows = page.get_by_test_id("channel-row")
    expect(rows.first).to_be_visible()
    listbox = page.get_by_test_id("channel-listbox")

    second = rows.nth(1)
    second.get_by_test_id("add-to-default-channels").check()
    expect(listbox).to_be_focused()
    expect(second).to_have_attribute("aria-selected", "false")  # not for "channels"
    expect(second).to_have_attribute("aria-label", re.compile(r", picked for default_channels$"))
    assert listbox.get_attribute("aria-activedescendant") == second.get_attribute("id")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(rows.nth(2)).to_have_attribute("aria-selected", "true")
    expect(rows.nth(2).get_by_test_id("add-to-channels")).to_be_checked()
    expect(page.get_by_test_id("picked-count")).to_have_text("2 channels selected")
    expect(listbox).to_be_focused()
    snapshot(page, "keyboard-channel-list")  # the current item's ring, light and dark

    # Past the end of a page the arrows turn it, and back; the picks stay.
    info = page.get_by_test_id("page-info")
    expect(info).to_contain_text("1–50 of")
    page.keyboard.press("End")
    page.keyboard.press("ArrowDown")
    expect(info).to_contain_text("51–100 of")
    expect(listbox).to_be_focused()
    expect(listbox).to_have_attribute("aria-activedescendant", rows.first.get_attribute("id") or "")
    page.keyboard.press("ArrowUp")
    expect(info).to_contain_text("1–50 of")
    expect(listbox).to_have_attribute(
        "aria-activedescendant", rows.nth(49).get_attribute("id") or ""
    )
    expect(page.get_by_test_id("picked-count")).to_have_text("2 channels selected")

    # Without a filter, 50 channels on the page: from the search box, "Add channels" is three
    # Tabs away (the pager, the list, the button), where it was over a hundred.
    keys = Keys(page)
    page.keyboard.press("/")
    expect(page.get_by_test_id("channel-search")).to_be_focused()
    keys.to("add-channels-button")
    assert keys.count <= 3, [(f["key"], f["testid"] or f["role"]) for f in keys.reached]

    # The keyboard is in use: a checkbox given the focus now shows the ring.
    width = page.evaluate(
        """() => { const box = document.querySelector('[data-testid="add-to-channels"]');
                   box.focus(); return getComputedStyle(box).outlineWidth; }"""
    )
    assert float(width.removesuffix("px")) >= 2, width

    signout = page.get_by_test_id("signout-button")
    colours = signout.evaluate(
        """b => { const s = getComputedStyle(b);
                  return [s.borderTopColor, s.outlineStyle, getComputedStyle(
                    document.querySelector('[data-testid="refresh-button"]')).borderTopColor]; }"""
    )
    assert colours[0] == colours[2] and colours[1] == "none", colours
