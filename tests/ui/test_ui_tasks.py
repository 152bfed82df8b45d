"""Every task finished where it starts, with the keyboard too, in a real browser."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from playwright.sync_api import Page, Route, expect

from .test_ui_live import server_login
from .uihelpers import (
    INITIAL_CONDARC,
    SIDEBAR_TAB,
    Lab,
    fill_server_sign_in,
    open_panel_from_sidebar,
    snapshot,
)

pytestmark = pytest.mark.browser

CONNECT = re.compile(r"/repoconnect/connect(\?|$)")


def condarc(lab: Lab) -> dict:
    return yaml.safe_load(lab.condarc.read_text()) or {}


def open_configure(page: Page) -> None:
    section = page.get_by_test_id("configure-conda")
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    expect(page.get_by_test_id("condarc-path")).to_be_visible()


def tab_to(page: Page, testid: str, presses: int = 60) -> None:
    """Press Tab until the element with `testid` has the focus (keyboard only)."""
    for _ in range(presses):
        if page.evaluate("() => document.activeElement?.dataset?.testid ?? ''") == testid:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {testid}")


def test_login_uses_the_domain_typed_in_the_field(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    open_panel_from_sidebar(page)
    page.get_by_test_id("service-server").check()
    domain = page.get_by_test_id("domain-input")
    page.get_by_test_id("username-input").fill("demo")

    # Not a URL: Login is prevented, the field is marked, nothing is sent.
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if CONNECT.search(r.url) else None)
    domain.fill("anaconda.example")
    page.get_by_test_id("password-input").fill(lab.sandbox.users["demo"])
    page.get_by_test_id("login-button").click()
    expect(domain).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("domain-hint")).to_contain_text("not a URL")
    expect(domain).to_be_focused()
    assert sent == []
    snapshot(page, "domain-invalid")

    # Typed but not "Set": Login applies it (validated by the server) and remembers it.
    # Cleared after a domain was set: not a silent use of the old one either.
    page.get_by_test_id("preferences").locator("summary").click()
    page.get_by_test_id("pref-server-domain").fill("https://old.example.com")
    page.get_by_test_id("apply-preferences").click()
    expect(domain).to_have_value("https://old.example.com")
    domain.fill("")
    page.get_by_test_id("username-input").fill("demo")
    page.get_by_test_id("password-input").fill(lab.sandbox.users["demo"])
    page.get_by_test_id("login-button").click()
    expect(page.get_by_test_id("domain-hint")).to_contain_text("The domain field is empty")
    assert sent == []

    domain.fill(lab.sandbox.urls["server"])
    expect(page.get_by_test_id("domain-hint")).to_contain_text("Login uses the domain typed")
    page.get_by_test_id("password-input").fill(lab.sandbox.users["demo"])
    page.get_by_test_id("login-button").click()
    expect(page.get_by_test_id("status-domain")).to_have_text(lab.sandbox.urls["server"])
    assert lab.api("GET", "preferences")[1]["server_domain"] == lab.sandbox.urls["server"]


def test_add_a_channel_by_hand_and_the_cloud_organisation_channel(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    open_panel_from_sidebar(page)
    open_configure(page)
    hand = page.get_by_test_id("hand-input")
    hand.fill("bioconda")
    page.get_by_test_id("hand-add-channels").click()
    notice = page.get_by_test_id("repoconnect-notice")
    expect(notice).to_contain_text("Added 1 channel to channels")
    assert condarc(lab)["channels"] == ["defaults", "conda-forge", "bioconda"]
    assert lab.condarc.read_text().startswith("# Settings of this test user")
    expect(hand).to_have_value("")
    expect(hand).to_be_focused()

    # The same again: nothing is written, and it says so.
    before = lab.condarc.read_bytes()
    hand.fill("bioconda")
    hand.press("Enter")
    expect(notice).to_contain_text("already in channels; nothing was written")
    assert lab.condarc.read_bytes() == before

    # Cloud: build <repository>/<org>/<channel>; conda inserts the token, nobody types it.
    code, body = lab.api("POST", "connect", {"service": "cloud", "token": cloud(lab)})
    assert code == 200, body
    expect(page.get_by_test_id("repoconnect-status")).to_be_visible(timeout=8000)  # polled
    open_configure(page)
    page.get_by_test_id("org-input").fill("acme")
    page.get_by_test_id("org-channel-input").fill("internal")
    expected = lab.sandbox.urls["cloud"].rstrip("/") + "/acme/internal"
    expect(page.get_by_test_id("org-channel-url")).to_have_text(expected)
    page.get_by_test_id("org-channel-use").click()
    expect(hand).to_have_value(expected)
    expect(hand).to_be_focused()
    page.get_by_test_id("hand-add-channels").click()
    expect(notice).to_contain_text("Added 1 channel to channels")
    written = condarc(lab)["channels"]
    assert expected in written
    assert not any("/t/" in entry for entry in written)  # no token in .condarc
    snapshot(page, "add-by-hand-cloud")


def cloud(lab: Lab) -> str:
    return lab.sandbox.cloud_tokens[0]


def test_troubleshooting_from_the_connected_view_and_from_an_error(
    page: Page, lab_env: Lab
) -> None:
    lab = lab_env
    open_panel_from_sidebar(page)
    # From an error: a wrong token, then "Troubleshoot" right in the message.
    page.get_by_test_id("service-cloud").check()
    page.get_by_test_id("token-input").fill("not-a-valid-token")
    page.get_by_test_id("set-token").click()
    expect(page.get_by_test_id("repoconnect-error")).to_be_visible()
    page.get_by_test_id("error-troubleshoot").click()
    findings = page.get_by_test_id("doctor-finding")
    expect(findings.first).to_be_visible()
    expect(page.get_by_test_id("doctor-title")).to_be_focused()
    # the sign-in attempted is checked (issue 20): the repository is fine, the token is not
    expect(page.locator('[data-testid="doctor-finding"][data-check="service"]')).to_have_attribute(
        "data-ok", "true"
    )
    expect(
        page.locator('[data-testid="doctor-finding"][data-check="credentials"]')
    ).to_contain_text("the token was not accepted")

    # From the connected view: every check passes.
    server_login(lab)
    expect(page.get_by_test_id("repoconnect-status")).to_be_visible(timeout=8000)  # polled
    page.get_by_test_id("troubleshoot-button").click()
    token = page.locator('[data-testid="doctor-finding"][data-check="token"]')
    expect(token).to_have_attribute("data-ok", "true")
    expect(token).to_contain_text("accepts your token")
    expect(page.get_by_test_id("doctor-title")).to_be_focused()
    snapshot(page, "troubleshooting")


def test_keyboard_only_sign_in_add_channel_sign_out(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    lab.api("PUT", "preferences", {"server_domain": lab.sandbox.urls["server"]})
    page.locator(".jp-Launcher").first.focus()
    page.keyboard.press("Control+Shift+Y")  # the panel's shortcut
    panel = page.locator("#jp-repoconnect-panel")
    expect(panel).to_be_visible()
    expect(page.get_by_test_id("repoconnect-signin")).to_be_visible()
    assert page.evaluate("() => document.querySelector('#jp-repoconnect-panel')"
                         ".contains(document.activeElement)")  # fmt: skip

    tab_to(page, "connect-button")
    page.keyboard.press("Enter")  # the sign-in steps open at the first one still to do
    expect(page.get_by_test_id("service-server")).to_be_checked()
    expect(page.get_by_test_id("username-input")).to_be_focused()
    page.keyboard.type("demo")
    page.keyboard.press("Tab")
    page.keyboard.type(lab.sandbox.users["demo"])
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("repoconnect-status")).to_be_visible()

    tab_to(page, "channel-search")
    page.keyboard.type("data-0003")
    row = page.locator('[data-testid="channel-row"][data-channel="team-data-0003"]')
    expect(row).to_be_visible()
    expect(page.get_by_test_id("channel-row")).to_have_count(1)
    page.keyboard.press("ArrowDown")  # into the list, one control (test_ui_keyboard.py)
    page.keyboard.press("Space")
    page.keyboard.press("Enter")  # "Add channels"
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Added 1 channel")
    expect(page.get_by_test_id("channel-search")).to_be_focused()  # focus stayed near
    assert "team-data-0003" in condarc(lab)["channels"]

    page.keyboard.press("Shift+Tab")
    for _ in range(80):
        if page.evaluate("() => document.activeElement?.dataset?.testid") == "signout-button":
            break
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("repoconnect-signin")).to_be_visible()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Signed out")
    assert lab.condarc.read_text() == INITIAL_CONDARC


def test_small_screen_one_scroll_area(browser, lab_env: Lab) -> None:
    lab = lab_env
    server_login(lab)
    context = browser.new_context(viewport={"width": 1024, "height": 600})
    page = context.new_page()
    try:
        page.goto(f"{lab.url}lab?reset&token={lab.token}")
        page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
        page.evaluate("async () => { await window.jupyterapp.restored; }")
        page.evaluate("async () => { await jupyterapp.commands.execute('launcher:create'); }")
        open_panel_from_sidebar(page)
        expect(page.get_by_test_id("channel-row").first).to_be_visible()
        # One scroll area: the list does not scroll by itself, the panel does.
        sizes = page.evaluate(
            """() => { const l = document.querySelector('[data-testid="channel-list"]');
                       const p = document.querySelector('#jp-repoconnect-panel');
                       return [l.scrollHeight, l.clientHeight, p.scrollHeight, p.clientHeight,
                               getComputedStyle(l).overflowY]; }"""
        )
        assert sizes[0] <= sizes[1] + 1 and sizes[4] == "visible", sizes
        assert sizes[2] > sizes[3], sizes  # the panel is the scroll area
        # Mid-list, "Add channels" stays on screen (sticky), as does the busy header.
        page.locator('[data-testid="channel-row"]').nth(25).scroll_into_view_if_needed()
        add = page.get_by_test_id("add-channels-button")
        box, viewport = add.bounding_box(), page.viewport_size
        assert box and viewport and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
        for testid in ("signout-button", "refresh-button", "troubleshoot-button"):
            button = page.get_by_test_id(testid)
            button.scroll_into_view_if_needed()
            expect(button).to_be_in_viewport()
        snapshot(page, "small-screen-1024x600")
    finally:
        context.close()


def test_palette_entries_and_status_bar_item(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    palette = page.locator("#command-palette")
    show_palette = "() => jupyterapp.commands.execute('apputils:activate-command-palette')"
    page.evaluate(show_palette)
    expect(palette).to_be_visible()
    search = palette.locator("input.lm-CommandPalette-input")
    for words in ("conda", "channel", "anaconda", "repository", "sign in", "connect"):
        search.fill(words)
        ours = palette.locator(
            ".lm-CommandPalette-item", has_text=re.compile(r"Repositories|conda|Anaconda")
        )
        expect(ours.first).to_be_visible()

    # "sign in" from the palette opens the sign-in steps with the focus on the first one still
    # to do: here the domain of the service offered first.
    search.fill("Sign in to an Anaconda")
    expect(palette.locator(".lm-CommandPalette-item").first).to_contain_text("Sign in")
    page.keyboard.press("Enter")
    expect(palette).to_be_hidden()
    expect(page.get_by_test_id("signin-flow")).to_be_visible()
    expect(page.get_by_test_id("service-server")).to_be_checked()
    expect(page.get_by_test_id("domain-input")).to_be_focused()
    # "connect" finds the step-by-step sign-in too; it brings the same page forward.
    page.evaluate(show_palette)
    search.fill("connect")
    item = palette.locator(".lm-CommandPalette-item", has_text="Connect to a conda repository")
    expect(item).to_be_visible()
    item.click()
    expect(page.get_by_test_id("signin-flow")).to_have_count(1)
    expect(page.get_by_test_id("domain-input")).to_be_focused()

    item = page.get_by_test_id("repoconnect-statusbar")
    expect(item).to_have_text("Conda: not connected")
    server_login(lab)
    expect(item).to_have_text("Conda: Anaconda Server", timeout=8000)  # the visible panel polls
    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()  # hide it
    expect(page.locator("#jp-repoconnect-panel")).to_be_hidden()
    item.click()
    expect(page.locator("#jp-repoconnect-panel")).to_be_visible()
    expect(page.locator("#jp-RepoConnect-status-title")).to_be_focused()


def test_wrong_token_stays_with_a_show_toggle(page: Page, lab_env: Lab) -> None:
    open_panel_from_sidebar(page)
    page.get_by_test_id("service-cloud").check()
    token = page.get_by_test_id("token-input")
    token.fill("mistyped-token")
    expect(token).to_have_attribute("type", "password")
    page.get_by_test_id("set-token").click()
    expect(page.get_by_test_id("repoconnect-error")).to_be_visible()
    expect(token).to_have_value("mistyped-token")
    page.get_by_test_id("show-token").click()
    expect(token).to_have_attribute("type", "text")
    expect(page.get_by_test_id("show-token")).to_have_attribute("aria-pressed", "true")
    snapshot(page, "wrong-token-shown")


HANG = 8.0  # seconds the sandbox's Server holds the sign-in's request


def test_a_hanging_sign_in_can_be_cancelled(page: Page, lab_env: Lab) -> None:
    """Cancel cancels (issue 20, point 1): the server is holding the sign-in for 8 s; after
    Cancel nothing is written, no token is valid on the sandbox, and a new sign-in works at
    once (the lock is free) — never "completed by the server anyway" once it answers."""
    lab = lab_env
    before = _files(lab)
    open_panel_from_sidebar(page)
    fill_server_sign_in(page, lab)
    lab.sandbox.inject("latency", service="server", value=HANG)
    try:
        page.get_by_test_id("login-button").click()
        cancel = page.get_by_test_id("cancel-signin")
        expect(cancel).to_be_visible()
        page.wait_for_timeout(1500)  # the request is waiting on the server now
        cancel.click()
        notice = page.get_by_test_id("repoconnect-notice")
        expect(notice).to_contain_text("Sign-in cancelled")
        expect(page.get_by_test_id("repoconnect-busy")).to_be_hidden()
        expect(page.get_by_test_id("username-input")).to_be_editable()
        snapshot(page, "sign-in-cancelled")
    finally:
        lab.sandbox.clear_faults()
    page.wait_for_timeout(HANG * 1000)  # past the server's answer: nothing completes behind it
    expect(page.get_by_test_id("repoconnect-body")).to_have_attribute("data-state", "signed-out")
    assert _files(lab) == before
    assert [r for r in lab.sandbox.server_tokens.values() if r.valid] == []
    fill_server_sign_in(page, lab)  # again: the lock is free, the sign-in goes through
    page.get_by_test_id("login-button").click()
    expect(page.get_by_test_id("repoconnect-body")).to_have_attribute(
        "data-state", "connected", timeout=15_000
    )


def _files(lab: Lab) -> dict[str, bytes]:
    """.condarc, the token store and the recorded state, byte for byte (the lock aside)."""
    found = {str(lab.condarc): lab.condarc.read_bytes()} if lab.condarc.exists() else {}
    for folder in (lab.state_dir, lab.binstar_dir):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != "repoconnect.lock":
                found[str(path)] = path.read_bytes()
    return found


def test_tls_failure_offers_trust_with_a_confirmation(page: Page, lab_env: Lab) -> None:
    """The panel's side of the contract: 502 tls_failure -> confirm -> trust_server: true."""
    lab = lab_env
    open_panel_from_sidebar(page)
    fill_server_sign_in(page, lab)
    bodies: list[dict] = []

    def fake_tls(route: Route) -> None:
        bodies.append(json.loads(route.request.post_data or "{}"))
        route.fulfill(
            status=502,
            content_type="application/json",
            body=json.dumps({"error": "tls_failure", "message": "The certificate is unknown."}),
        )

    page.route(CONNECT, fake_tls)
    page.get_by_test_id("login-button").click()
    expect(page.get_by_test_id("repoconnect-error")).to_have_attribute("data-code", "tls_failure")
    page.get_by_test_id("trust-server").click()
    confirmation = page.get_by_test_id("trust-confirmation")
    expect(confirmation).to_contain_text("ssl_verify: false")
    expect(confirmation).to_contain_text("restores")
    expect(page.get_by_test_id("trust-cancel")).to_be_focused()
    snapshot(page, "trust-server-confirmation")
    page.get_by_test_id("trust-confirm").click()
    expect(page.get_by_test_id("repoconnect-error")).to_be_visible()
    assert len(bodies) == 2
    assert "trust_server" not in bodies[0] and bodies[1]["trust_server"] is True
    assert bodies[1]["username"] == "demo" and bodies[1]["password"]


def test_escape_keeps_defaults_and_preferences_refuse_clearing(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    lab.api("PUT", "preferences", {"server_domain": lab.sandbox.urls["server"]})
    open_panel_from_sidebar(page)
    open_configure(page)
    page.get_by_role("button", name="Remove defaults").click()
    expect(page.get_by_test_id("defaults-warning")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("defaults-warning")).to_have_count(0)
    assert page.locator('[data-testid="condarc-entry"][data-name="defaults"]').count() == 1

    page.get_by_test_id("preferences").locator("summary").click()
    field = page.get_by_test_id("pref-server-domain")
    expect(field).to_have_value(lab.sandbox.urls["server"])
    field.fill("")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("pref-server-error")).to_contain_text("cannot be cleared")
    expect(page.get_by_test_id("apply-preferences")).to_be_disabled()


def test_focus_stays_near_after_move_remove_and_save(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    open_panel_from_sidebar(page)
    open_configure(page)
    page.get_by_role("button", name="Move conda-forge up").click()
    # Up is disabled at the top now: the moved entry's next button has the keyboard.
    expect(page.get_by_role("button", name="Move conda-forge down")).to_be_focused()
    page.get_by_role("button", name="Remove conda-forge").click()
    # The Remove button of the entry now in its place has the keyboard.
    expect(page.get_by_role("button", name="Remove defaults")).to_be_focused()
    page.get_by_test_id("save-condarc").click()
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Saved")
    expect(page.get_by_test_id("reload-condarc")).to_be_focused()  # Save is disabled now
    assert condarc(lab)["channels"] == ["defaults"]


def test_opening_the_panel_from_its_icon_puts_the_focus_in_it(page: Page, lab_env: Lab) -> None:
    page.locator(SIDEBAR_TAB).click()
    expect(page.get_by_test_id("repoconnect-signin")).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('#jp-repoconnect-panel').contains(document.activeElement)"
    )


def test_enterprise_hint_leads_to_add_by_hand(page: Page, lab_env: Lab) -> None:
    lab = lab_env
    code, body = lab.api(
        "POST",
        "connect",
        {"service": "enterprise", "domain": lab.sandbox.urls["enterprise"], "username": "demo",
         "password": lab.sandbox.users["demo"]},
    )  # fmt: skip
    assert code == 200, body
    open_panel_from_sidebar(page)
    expect(page.get_by_test_id("status-message")).to_contain_text("by hand")
    page.get_by_test_id("goto-add-by-hand").click()
    hand = page.get_by_test_id("hand-input")
    expect(hand).to_be_focused()
    page.keyboard.type("anaconda/tools")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("repoconnect-notice")).to_contain_text("Added 1 channel")
    assert "anaconda/tools" in condarc(lab)["channels"]


def test_a_failed_search_clears_the_results(page: Page, lab_env: Lab) -> None:
    """The server extension caches the channel list, so the sandbox cannot make a search fail
    once it is loaded: the failure is played by the browser (the panel's side of it)."""
    lab = lab_env
    server_login(lab)
    open_panel_from_sidebar(page)
    rows = page.get_by_test_id("channel-row")
    expect(rows.first).to_be_visible()
    failing = re.compile(r"/repoconnect/channels\?q=team-geo&")
    page.route(
        failing,
        lambda route: route.fulfill(
            status=502,
            content_type="application/json",
            body=json.dumps({"error": "service_unavailable", "message": "The server failed."}),
        ),
    )
    page.get_by_test_id("channel-search").fill("team-geo")
    error = page.get_by_test_id("channel-picker").get_by_test_id("repoconnect-error")
    expect(error).to_contain_text("The search failed: The server failed.")
    expect(rows).to_have_count(0)  # no results that do not answer the search
    page.unroute(failing)
    page.get_by_test_id("channel-search").fill("team-geo-0")
    expect(rows.first).to_be_visible()
    expect(error).to_have_count(0)
