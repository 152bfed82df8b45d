"""Comments cite "protocols.md": the project's own protocol notes must be in the repository."""

from __future__ import annotations

import re
from pathlib import Path

from jupyter_repoconnect.core.services import registry

ROOT = Path(__file__).resolve().parents[2]


def test_protocols_md_is_in_docs_and_covers_every_service() -> None:
    cited = [
        p
        for p in (ROOT / "jupyter_repoconnect").rglob("*.py")
        if "protocols.md" in p.read_text(errors="replace")
    ]
    assert cited, "no comment cites protocols.md any more: this test can go"
    notes = (ROOT / "docs" / "protocols.md").read_text()
    headings = re.findall(r"^## (.+)$", notes, flags=re.M)
    for service in registry.all_services():
        assert any(f"service `{service.id}`" in h for h in headings), service.id
    for topic in ("conda", "account", "Other package managers"):
        assert any(topic in h for h in headings), topic
