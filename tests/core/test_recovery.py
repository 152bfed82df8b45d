"""Ways out of damaged or interrupted states (the kill harness is tests/reliability/test_kills)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

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


def test_an_unreadable_journal_is_set_aside_and_said(env, connector):
    # Written atomically by this tool, a journal is never half: someone else damaged it.
    (env.state_dir / "transaction.json").write_text("{half")
    status = connector.status()
    assert not status.connected
    assert not (env.state_dir / "transaction.json").exists()
    assert (env.state_dir / "transaction.json.damaged").read_text() == "{half"
    assert any(
        "could not be read" in w and "transaction.json.damaged" in w for w in status.warnings
    )
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC
    assert connector.status().warnings == []  # said once; every later operation works


def interrupted_sign_in(connector, files: dict[str, object], **remote: object) -> Path:
    """A sign-in's journal as a killed process leaves it, with ``files`` as recorded."""
    path = connector.parts.store.directory / "transaction.json"
    body = {"version": 1, "kind": "sign-in", "pid": 1, "files": files, "remote": remote}
    path.write_text(json.dumps(body))
    return path


@pytest.mark.parametrize(
    "files",
    [
        {"x": {"data": 5, "mode": None}},  # data not text
        {"x": {"data": None, "mode": "0644"}},  # mode not a number
        {"x": "not an entry"},
        [],
    ],
    ids=["data", "mode", "entry", "files"],
)
def test_a_journal_field_of_the_wrong_type_never_breaks_a_command(env, connector, files):
    interrupted_sign_in(connector, files)  # type: ignore[arg-type]
    status = connector.status()
    assert any("could not be read" in w for w in status.warnings)
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC
    connector.status()  # and the next one too


def test_a_journal_never_decides_which_file_is_written(env, connector, tmp_path):
    victim = tmp_path / "victim"
    victim.write_bytes(b"someone else's file\n")
    interrupted_sign_in(
        connector,
        {
            str(victim): {"data": base64.b64encode(b"overwritten").decode(), "mode": 0o644},
            str(env.condarc): {"data": base64.b64encode(ORIGINAL_CONDARC).decode(), "mode": None},
        },
    )
    env.condarc.write_text("channel_alias: https://half.done/\n")  # the killed sign-in's write
    status = connector.status()
    assert victim.read_bytes() == b"someone else's file\n"
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC  # what the tool writes is put back
    assert any(str(victim) in w and "left alone" in w for w in status.warnings)


def test_recovery_of_a_journal_for_a_condarc_of_13_mib(env, connector):
    big = b"# " + b"x" * 98 + b"\n"
    env.condarc.write_bytes(ORIGINAL_CONDARC + big * (13 * 1024 * 1024 // len(big)))
    original = env.condarc.read_bytes()
    from jupyter_repoconnect.core.journal import Journal
    from jupyter_repoconnect.core.signin import touched_files

    parts = connector.parts
    Journal.begin(parts.store.directory, "sign-in", touched_files(parts, []))  # then killed
    env.condarc.write_bytes(b"channels: []\n")
    status = connector.status()
    assert any("was undone" in w for w in status.warnings), status.warnings
    assert env.condarc.read_bytes() == original


def test_recovery_removes_temp_copies_a_killed_write_left(env, connector, sandbox):
    connector.connect("server", domain=sandbox.urls["server"], **LOGIN)
    dead = 2**22 + 7  # above the usual pid_max: no process has it
    left = [
        env.state_dir / f".transaction.json.{dead}-abc.rctmp",
        env.token_dir / f".x.token.{dead}-abc.rctmp",
    ]
    for path in left:
        path.write_text("a secret")
    interrupted_sign_in(connector, {})
    connector.status()
    assert [p for p in left if p.exists()] == []


def test_status_and_doctor_answer_when_condarc_is_a_folder(env, connector):
    env.condarc.unlink()
    env.condarc.mkdir()
    assert any("is a folder" in w for w in connector.status().warnings)
    (first, *_) = connector.doctor().findings
    assert first.check == "condarc" and not first.ok and "is a folder" in first.message


def test_a_disk_full_during_sign_in_undoes_everything_and_status_works(
    env, connector, sandbox, monkeypatch
):
    """Issue 22 point 6: the disk fills after the journal is written. The sign-in's error
    says so; the way back needs no new data on disk (files still as they were are not
    rewritten), so no token file and no valid Server token remain, and status answers."""
    import errno
    import tempfile

    from jupyter_repoconnect.core import RepoConnectError
    from jupyter_repoconnect.core import files as core_files
    from jupyter_repoconnect.core.tokens import TokenStore

    real_mkstemp = tempfile.mkstemp
    written = [0]

    def mkstemp(*args, **kwargs):
        written[0] += 1
        if written[0] > 1:  # the journal fits; nothing else does
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(core_files.tempfile, "mkstemp", mkstemp)
    with pytest.raises(RepoConnectError) as info:
        connector.connect("server", domain=sandbox.urls["server"], **LOGIN)
    assert "the disk is full" in info.value.message
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC
    assert TokenStore().list() == []
    assert [r for r in sandbox.server_tokens.values() if r.valid] == []
    assert not (env.state_dir / "transaction.json").exists()
    status = connector.status()  # still on a full disk
    assert not status.connected


@pytest.mark.parametrize(
    "remote",
    [
        {"signed_out": True, "revoke": {"service": "enterprise", "domain": "x"}},  # no token
        {"signed_out": True, "revoke": {"service": "server", "domain": ["x"], "token_id": {}}},
        {"signed_out": True, "revoke": {"service": "cloud", "domain": 7}},
        {"service": "server", "domain": {"a": 1}, "token_id": [1], "session": 5},
        {"service": "enterprise", "domain": None, "token": ["t"]},
    ],
    ids=["revoke-missing", "revoke-types", "revoke-cloud", "undo-server", "undo-enterprise"],
)
def test_a_journal_service_record_of_the_wrong_shape_never_breaks_a_command(env, connector, remote):
    """Issue 22 point 12: what a journal says was created on a service (or is left to
    revoke) is input too: a field missing or of the wrong type is said, never a crash."""
    interrupted_sign_in(connector, {}, **remote)
    status = connector.status()
    assert not (env.state_dir / "transaction.json").exists()
    assert any("interrupted" in w for w in status.warnings), status.warnings
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC
    connector.status()  # and the next one too


def test_recovery_on_a_full_disk_says_what_remains_and_finishes_later(env, connector, monkeypatch):
    """Issue 22 point 6: a killed sign-in's .condarc cannot be put back while the disk is
    full: status still answers and says so; once there is space, the next one finishes."""
    import errno

    from jupyter_repoconnect.core import files as core_files
    from jupyter_repoconnect.core.journal import Journal
    from jupyter_repoconnect.core.signin import touched_files

    parts = connector.parts
    Journal.begin(parts.store.directory, "sign-in", touched_files(parts, []))  # then killed
    env.condarc.write_bytes(b"channels: []\n")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    real = core_files.tempfile.mkstemp
    monkeypatch.setattr(core_files.tempfile, "mkstemp", full)
    status = connector.status()
    assert (env.state_dir / "transaction.json").exists()
    assert any(str(env.condarc) in w and "disk is full" in w for w in status.warnings)
    assert any("not completely" in w for w in status.warnings)
    assert not any("nothing else was changed" in w for w in status.warnings)
    assert env.condarc.read_bytes() == b"channels: []\n"
    monkeypatch.setattr(core_files.tempfile, "mkstemp", real)  # space again
    status = connector.status()
    assert any("was undone" in w for w in status.warnings), status.warnings
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC
    assert not (env.state_dir / "transaction.json").exists()
