"""The text surfaces say every change a sign-in made and name every channel they count."""

from __future__ import annotations

from jupyter_repoconnect.core.models import Change, CondarcChannels, Status
from jupyter_repoconnect.text import render
from jupyter_repoconnect.widgets.render import changes_message


def lists(channels, default_channels=None) -> CondarcChannels:
    return CondarcChannels("/home/me/.condarc", channels, default_channels, "v", True)


def signed_in(changes) -> Status:
    return Status(
        connected=True, service="server", domain="https://r.example", username="me",
        channels=[], default_channels=None, source="repoconnect", condarc_path="/home/me/.condarc",
        changes=changes,
    )  # fmt: skip


CHANGES = [
    Change("channels", ["conda-forge", "defaults"], [], "channels: [conda-forge, defaults] → []"),
    Change("channel_alias", None, "https://r.example/api/repo", "channel_alias set to X\x1b[2J"),
]


def test_sign_in_text_lists_each_change_then_the_way_back() -> None:
    text = render.signed_in_text(signed_in(CHANGES), render.CLI)
    lines = text.splitlines()
    at = lines.index("Changed in .condarc:")
    assert lines[at + 1] == "  - channels: [conda-forge, defaults] → []"
    assert lines[at + 2] == "  - channel_alias set to X\\x1b[2J"  # inert
    assert lines[at + 3] == "Your previous .condarc is saved and comes back at sign-out."


def test_the_notebook_widget_says_the_same_in_one_paragraph() -> None:
    said = changes_message(signed_in(CHANGES))
    assert said is not None
    assert said.startswith("Changed in .condarc: channels: [conda-forge, defaults] → []; ")
    assert said.endswith("comes back at sign-out.")
    assert changes_message(signed_in([])) is None


def test_a_count_names_its_entries_and_the_automatic_defaults() -> None:
    text = render.added_text(
        lists([]), lists(["defaults"], ["internal-tools"]), [], ["internal-tools"]
    )
    assert text == (
        "Added 1 channel to channels (defaults, added for you: conda reads default_channels only "
        "through defaults in channels) and 1 channel to default_channels (internal-tools) in "
        "/home/me/.condarc."
    )
