"""Nothing clipped, nothing scrolls sideways (issue 20, point 6), measured in the page.

At 1024×600 with the sidebar at its default width, in the light and the dark theme, for every
state a person meets — signed out, each step of the sign-in, an error, signed in with channels
and the picker, the account's device code — no element inside the panel or the sign-in steps
is wider than its box (unless it is meant to scroll: fields, the channel list), none sticks out
of its scroll container, and no control is covered (e.g. the pager by the sticky footer) when
scrolled to as the keyboard does.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from .test_ui_live import server_login
from .uihelpers import (
    ARTIFACTS,
    FLOW,
    Lab,
    open_panel_from_sidebar,
    open_sign_in,
    set_theme,
)

if TYPE_CHECKING:
    pass

pytestmark = pytest.mark.browser

PANEL = "#jp-repoconnect-panel"
LONG_DOMAIN = "https://repository-mirror-for-the-research-departments.internal.example-org.com"
LONG_CHANNEL = (
    "https://conda-mirror-of-the-research-departments.internal.example-org.com"
    "/api/repo/research-department/a-channel-with-a-rather-long-name"
)

# One pass over every rendered element under the roots; answers what is wrong, by selector.
MEASURE = """(roots) => {
  const problems = [];
  const name = el => {
    const parts = [];
    for (let e = el; e && parts.length < 3 && e !== document.body; e = e.parentElement) {
      let part = e.tagName.toLowerCase();
      if (e.id) part += '#' + e.id;
      else if (e.dataset.testid) part += `[data-testid="${e.dataset.testid}"]`;
      else if (e.classList.length) part += '.' + [...e.classList].join('.');
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  const clips = s => s.overflowX !== 'visible' || s.overflowY !== 'visible';
  const meantToScroll = el => el.matches('input, textarea, select, [role="listbox"]');
  for (const selector of roots) {
    const root = document.querySelector(selector);
    if (!root || !root.getClientRects().length) continue;
    const controls = [];
    for (const el of [root, ...root.querySelectorAll('*')]) {
      // Not rendered: display none, hidden, or inside a closed <details>.
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      if (el.closest('.jp-RepoConnect-visuallyHidden')) continue;
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && !meantToScroll(el)) {
        problems.push(`${name(el)} scrolls sideways: scrollWidth ${el.scrollWidth} > ` +
                      `clientWidth ${el.clientWidth}`);
      }
      if (el !== root) {
        let box = el.parentElement;
        while (box !== root && !clips(getComputedStyle(box))) box = box.parentElement;
        const r = el.getBoundingClientRect();
        const c = box.getBoundingClientRect();
        const left = c.left + box.clientLeft;
        const right = left + box.clientWidth;
        if (r.width > 0 && (r.left < left - 1 || r.right > right + 1)) {
          problems.push(`${name(el)} sticks out of ${name(box)}: ` +
                        `${Math.round(r.left)}..${Math.round(r.right)} outside ` +
                        `${Math.round(left)}..${Math.round(right)}`);
        }
      }
      const tabStop = el.matches('button, a[href], input, select, summary, [tabindex]');
      if (tabStop && el.tabIndex >= 0 && !el.disabled) {
        controls.push(el);
      }
    }
    // Scrolled to as the keyboard does (top to bottom, nearest edge), each control is on top.
    for (const el of controls) {
      el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      const r = el.getBoundingClientRect();
      // the middle of its part on screen (a long list is taller than the screen)
      const top = Math.max(r.top, 0);
      const bottom = Math.min(r.bottom, window.innerHeight);
      const hit = document.elementFromPoint(r.left + r.width / 2, (top + bottom) / 2);
      const label = hit && hit.closest('label');
      if (!hit || !(el === hit || el.contains(hit) || (label && label.contains(el)))) {
        problems.push(`${name(el)} is covered by ${hit ? name(hit) : 'nothing on screen'}`);
      }
    }
    root.scrollTop = 0;
  }
  return problems;
}"""


def assert_fits(page: Page, state: str, shots: tuple[str, ...] = ()) -> None:
    """Measure the panel and the sign-in steps in both themes; save the `shots` roots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for theme in ("light", "dark"):
        set_theme(page, theme)
        problems = page.evaluate(MEASURE, [PANEL, f"{FLOW} .jp-RepoConnect-flowPage"])
        assert not problems, f"{state}, {theme} theme:\n" + "\n".join(problems)
        for root in shots:
            where = "steps" if root == FLOW else "panel"
            path = ARTIFACTS / f"layout-{state}-{where}-{theme}.png"
            page.locator(root).screenshot(path=str(path), animations="allow")


def test_signed_out_and_every_sign_in_step_fit(small: Page, lab_env: Lab) -> None:
    page, lab = small, lab_env
    open_panel_from_sidebar(page, sign_in=False)
    width = page.locator(PANEL).bounding_box()
    assert width and 200 <= width["width"] <= 400, width  # the default sidebar width
    expect(page.get_by_test_id("connect-button")).to_be_visible()
    assert_fits(page, "signed-out", (PANEL,))

    open_sign_in(page)
    page.get_by_test_id("service-server").check()
    page.get_by_test_id("domain-input").fill(LONG_DOMAIN)
    page.get_by_test_id("check-domain").click()  # its findings quote the long domain
    expect(page.get_by_test_id("domain-check-results")).to_be_visible(timeout=30_000)
    assert_fits(page, "server-domain", (FLOW,))

    page.get_by_test_id("method-sso").check()
    expect(page.get_by_test_id("sso-submit")).to_be_visible()
    assert_fits(page, "server-sso")

    page.get_by_test_id("method-access_token").check()
    page.get_by_test_id("where-is-my-token").locator("summary").click()
    assert_fits(page, "server-access-token")

    page.get_by_test_id("service-cloud").check()
    page.get_by_test_id("where-is-my-token").locator("summary").click()
    expect(page.get_by_test_id("where-is-my-token")).to_contain_text("Token Access page")
    assert_fits(page, "cloud-token", (FLOW,))

    page.get_by_test_id("service-enterprise").check()
    expect(page.get_by_test_id("domain-input")).to_be_visible()
    assert_fits(page, "enterprise-domain")

    # An error in the steps (a refused password at the long domain's real twin) ...
    page.get_by_test_id("service-server").check()
    page.get_by_test_id("method-password").check()
    page.get_by_test_id("domain-input").fill(lab.sandbox.urls["server"])
    page.get_by_test_id("username-input").fill("demo")
    page.get_by_test_id("password-input").fill("not-the-password")
    page.get_by_test_id("login-button").click()
    expect(page.locator(FLOW).get_by_test_id("repoconnect-error")).to_be_visible()
    assert_fits(page, "error-in-steps", (FLOW,))

    # ... and one in the sidebar, with its Troubleshoot link and ×, quoting a long URL.
    page.get_by_test_id("preferences").locator("summary").click()
    page.get_by_test_id("pref-server-domain").fill(LONG_DOMAIN + "/")
    page.get_by_test_id("apply-preferences").click()
    error = page.locator(PANEL).get_by_test_id("repoconnect-error")
    expect(error).to_be_visible()
    expect(error.get_by_test_id("error-troubleshoot")).to_be_visible()
    assert_fits(page, "error-in-sidebar", (PANEL,))


def test_signed_in_with_channels_and_the_picker_fit(small: Page, lab_env: Lab) -> None:
    page, lab = small, lab_env
    server_login(lab)
    code, body = lab.api(
        "POST", "channels", {"channels": ["team-data-0003", LONG_CHANNEL], "default_channels": []}
    )
    assert code == 200, body
    open_panel_from_sidebar(page)
    expect(page.get_by_test_id("status-channels")).to_contain_text("a-channel-with")
    expect(page.get_by_test_id("channel-row").first).to_be_visible()
    expect(page.get_by_test_id("page-next")).to_be_visible()
    assert_fits(page, "signed-in-picker", (PANEL,))


def test_the_device_code_stays_on_one_line(small: Page, lab_env: Lab) -> None:
    page = small
    open_panel_from_sidebar(page, sign_in=False)
    section = page.get_by_test_id("account-section")
    section.get_by_test_id("account-sign-in").click()
    code = section.get_by_test_id("account-user-code")
    expect(code).to_be_visible()
    try:
        lines = code.evaluate(
            "el => { const r = document.createRange(); r.selectNodeContents(el);"
            " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"
        )
        assert lines == 1, f"the device code {code.inner_text()!r} is broken over {lines} lines"
        assert_fits(page, "account-device-code", (PANEL,))
        # "Open sign-in page" on hover: its text keeps its contrast with the button.
        link = section.get_by_test_id("account-open-link")
        link.hover()
        for theme in ("light", "dark"):
            set_theme(page, theme)
            link.hover()
            colours = link.evaluate(
                "el => { const s = getComputedStyle(el); return [s.color, s.backgroundColor]; }"
            )
            assert contrast(*colours) >= 3, (theme, colours)
    finally:
        section.get_by_test_id("account-cancel").click()


def test_the_account_reissue_warning_fits(small: Page, lab_env: Lab) -> None:
    """Signed in to the account with a token installed: "Reissue and revoke the current token"
    and its warning fit the sidebar."""
    page, lab = small, lab_env
    keyring = lab.condarc.parent / ".anaconda"
    shutil.rmtree(keyring, ignore_errors=True)
    lab.sandbox.account.interval = 1  # the real default is 5 s
    open_panel_from_sidebar(page, sign_in=False)
    section = page.get_by_test_id("account-section")
    try:
        section.get_by_test_id("account-sign-in").click()
        with page.context.expect_page() as opened:
            section.get_by_test_id("account-open-link").click()
        device = opened.value
        device.get_by_role("button", name="Approve").click()
        device.get_by_text("Device approved").wait_for()
        device.close()
        expect(section).to_have_attribute("data-state", "signed-in", timeout=30_000)
        section.get_by_test_id("account-install").click()
        note = section.get_by_test_id("account-note")
        expect(note).to_have_attribute("data-kind", "success", timeout=30_000)
        section.get_by_test_id("account-install").click()
        expect(section.get_by_test_id("account-reissue")).to_be_visible()
        assert_fits(page, "account-reissue", (PANEL,))
    finally:
        shutil.rmtree(keyring, ignore_errors=True)


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two CSS `rgb()`/`rgba()` colours."""

    def luminance(css: str) -> float:
        values = [float(v) for v in css[css.index("(") + 1 : -1].split(",")[:3]]
        linear = [
            v / 255 / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4
            for v in values
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
