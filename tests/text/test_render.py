"""The one text renderer of the CLI and the magic: what a server sent is inert in a terminal,
and the status says the token's expiry and the other package managers it connected."""

from __future__ import annotations

import datetime as dt

import pytest

from jupyter_repoconnect.core.dates import human_date
from jupyter_repoconnect.core.models import (
    Channel,
    ChannelPage,
    Diagnosis,
    Finding,
    SsoProgress,
    Status,
)
from jupyter_repoconnect.text import render
from jupyter_repoconnect.widgets.render import ChannelPageView, StatusView

EVIL = "\x1b]0;owned\x07\x1b[2J\x9b31m\u202e\x00\r\n"
CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e", "\x00", "\r")


def status(**changes) -> Status:
    values = dict(
        connected=True, service="server", domain="https://repo.example.com", username="me",
        channels=["internal-tools/stable"], default_channels=None, source="repoconnect",
        condarc_path="/home/me/.condarc", expires_at=None, package_managers=[],
    )  # fmt: skip
    values.update(changes)
    return Status(**values)


@pytest.mark.parametrize(
    "text",
    [
        lambda: render.status_text(
            status(
                username="me" + EVIL,
                channels=["a" + EVIL],
                warnings=["w" + EVIL],
                message="m" + EVIL,
            ),
            render.CLI,
        ),  # fmt: skip
        lambda: render.signed_in_text(status(domain="https://x" + EVIL), render.MAGIC),
        lambda: render.page_text(
            ChannelPage([Channel("c" + EVIL, "u", "private" + EVIL, "d" + EVIL)], 1, 0, 5, ""),
            render.CLI,
        ),
        lambda: render.diagnosis_text(Diagnosis(False, [Finding("t", False, EVIL, EVIL)])),
        lambda: StatusView(status(username=EVIL)).text(),
        lambda: ChannelPageView(ChannelPage([Channel(EVIL, "u")], 1, 0, 5, "")).text(),
    ],
)
def test_server_text_is_inert(text) -> None:
    shown = text()
    for raw in CONTROLS:
        assert raw not in shown
    assert "\\x1b]0;owned\\x07" in shown and "\\u202e" in shown


def test_inert_keeps_ordinary_text() -> None:
    assert render.inert("conda-forge — Über Kanäle 频道") == "conda-forge — Über Kanäle 频道"
    assert render.inert("a\tb") == "a b"
    assert render.inert_lines("one\ntwo\x1b") == "one\ntwo\\x1b"


def test_an_sso_providers_message_is_inert_where_shown() -> None:
    progress = SsoProgress("failed", error="sso_denied", message="no" + EVIL)
    assert "\x1b" not in render.inert_lines(progress.message)


def test_status_shows_expiry_and_package_managers() -> None:
    day = dt.date.today() + dt.timedelta(days=10)
    soon = day.isoformat()
    text = render.status_text(
        status(expires_at=soon, package_managers=["rattler", "mamba"]), render.CLI
    )
    assert f"token expires:    {human_date(day)} (in 10 days)" in text  # never 2027-03-04
    assert "also connected:   pixi and rattler, mamba and micromamba" in text
    assert "conda only" in render.status_text(status(), render.MAGIC)
    assert render.expiry_text("2000-01-01") == "1 January 2000 (expired)"
    html = StatusView(status(expires_at=soon, package_managers=["mamba"]))._repr_html_()
    assert "token expires" in html and "mamba and micromamba" in html


def test_the_next_step_is_in_each_surfaces_grammar() -> None:
    signed_out = status(connected=False, service=None, domain=None, username=None)
    assert "Sign in with: jupyter repoconnect login cloud|server|enterprise" in (
        render.status_text(signed_out, render.CLI)
    )
    assert "Sign in with: %repo_connect cloud|server|enterprise" in (
        render.status_text(signed_out, render.MAGIC)
    )


def test_organisation_names_are_inert() -> None:
    from jupyter_repoconnect.core.account import Organization
    from jupyter_repoconnect.text.account import orgs_text

    shown = orgs_text([Organization("acme" + EVIL, "Acme" + EVIL, True, "2027-01-01", False)])
    for raw in CONTROLS:
        assert raw not in shown
    assert "acme\\x1b]0;owned" in shown
