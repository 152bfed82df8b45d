"""Ways out of damaged or interrupted states (the kill harness is tests/reliability/test_kills)."""

from __future__ import annotations

import pytest

from jupyter_repoconnect.core import AuthenticationRefused, Conflict

from .conftest import ORIGINAL_CONDARC

LOGIN = {"username": "demo", "password": "demo-password"}


def test_damaged_record_while_signed_in_keeps_the_original(env, connector, sandbox):
    connector.connect("server", domain=sandbox.urls["server"], **LOGIN)
    (env.state_dir / "repoconnect.ini").write_bytes(b"\x00\xff not an ini [[[")
    with pytest.raises(Conflict) as info:  # a new sign-in would overwrite the saved original
        connector.connect("cloud", token=sandbox.cloud_tokens[0])
    assert info.value.code in ("stale_session", "already_connected")
    connector.disconnect()  # the way out
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC
    assert not (env.state_dir / "condarc.pre-login").exists()


def test_refused_sign_in_creates_nothing(repoconnect_env, connector, sandbox):
    repoconnect_env.state_dir.rmdir()
    with pytest.raises(AuthenticationRefused):
        connector.connect("server", domain=sandbox.urls["server"], username="demo", password="no")
    assert not repoconnect_env.state_dir.exists()
    assert repoconnect_env.condarc.read_bytes() == ORIGINAL_CONDARC
    assert not repoconnect_env.token_dir.exists()


def test_an_unreadable_journal_is_treated_as_never_begun(env, connector):
    (env.state_dir / "transaction.json").write_text("{half")
    assert not connector.status().connected
    assert not (env.state_dir / "transaction.json").exists()
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC


def test_status_and_doctor_answer_when_condarc_is_a_folder(env, connector):
    env.condarc.unlink()
    env.condarc.mkdir()
    assert any("is a folder" in w for w in connector.status().warnings)
    (first, *_) = connector.doctor().findings
    assert first.check == "condarc" and not first.ok and "is a folder" in first.message
