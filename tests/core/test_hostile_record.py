"""A recorded state is input like any other: it never decides which path we write (issue
"Nothing lost, round two", point 2)."""

from __future__ import annotations

import re

from .conftest import ORIGINAL_CONDARC


def test_a_record_naming_another_file_never_redirects_the_restore(
    env, connector, sandbox, tmp_path
):
    victim = tmp_path / "victim.conf"
    victim.write_bytes(b"important: true\n")
    connector.connect("cloud", token=sandbox.cloud_tokens[0])
    signed_in = env.condarc.read_bytes()
    ini = env.state_dir / "repoconnect.ini"
    text = re.sub(r"(?m)^condarc_path = .*$", f"condarc_path = {victim}", ini.read_text())
    ini.write_text(text)

    status = connector.disconnect()
    assert victim.read_bytes() == b"important: true\n"  # never written
    assert env.condarc.read_bytes() == signed_in  # not ours to guess: left, and said
    said = " ".join(status.warnings)
    assert "was not put there" in said
    kept = [p for p in env.state_dir.iterdir() if p.name.startswith("condarc.pre-login.")]
    assert len(kept) == 1 and kept[0].read_bytes() == ORIGINAL_CONDARC
    assert str(kept[0]) in said
    # and nothing blocks the next sign-in
    assert connector.connect("cloud", token=sandbox.cloud_tokens[0]).connected
