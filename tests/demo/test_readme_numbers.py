"""The README's numbers about the demo are the demo's (issue 21 point 6: "2,000 channels" showed
as 1,935 with no word why)."""

from __future__ import annotations

from pathlib import Path

from jupyter_repoconnect.demo import DEMO_CHANNELS
from jupyter_repoconnect.testing import Sandbox

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_says_how_many_channels_user_demo_sees_and_why() -> None:
    text = " ".join(README.read_text().split())
    with Sandbox(channels=DEMO_CHANNELS) as sb:
        channels = list(sb.catalog.channels)
        top = [c for c in channels if not c.is_subchannel]
        seen = [c for c in channels if c.visible_to("demo")]
    seen_top = [c for c in seen if not c.is_subchannel]
    assert len(top) == DEMO_CHANNELS
    for number in (len(top), len(seen), len(seen_top), len(seen) - len(seen_top)):
        assert f"{number:,}" in text, number
    assert "private channel" in text
