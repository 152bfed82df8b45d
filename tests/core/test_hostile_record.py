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


def test_an_undone_sign_out_says_nothing_false_about_revoking(env, connector, sandbox):
    """A sign-out killed before its writes is undone; its journal holds what it would have
    revoked, which no recovery may call 'a token created on  ... not revoked' (issue
    "Nothing lost, round two", point 11): the connection it restores still uses that token."""
    from jupyter_repoconnect.core.journal import Journal
    from jupyter_repoconnect.core.signin import touched_files

    status = connector.connect(
        "server", domain=sandbox.urls["server"], username="demo", password="demo-password"
    )
    parts = connector.parts
    current = connector.current_connection(parts.store.load())
    pending = {"service": "server", "domain": status.domain, "token_id": "1", "session": None}
    files = touched_files(parts, list(current.token_urls))
    Journal.begin(parts.store.directory, "sign-out", files, revoke=pending)  # then killed

    after = connector.status()
    assert after.connected and after.domain == status.domain
    said = " ".join(after.warnings)
    assert "interrupted sign-out was undone" in said or "interrupted sign-out" in said
    assert "could not be revoked" not in said
