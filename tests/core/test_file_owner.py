"""A file rewritten as root keeps its owner, group and mode (issue "Nothing lost, round two"
point 3): an administrator's run must not leave a user a .condarc the user cannot read."""

from __future__ import annotations

import os
import stat

import pytest

from jupyter_repoconnect.core import Connector, RepoConnectSettings
from jupyter_repoconnect.core.files import atomic_write

needs_root = pytest.mark.skipif(
    os.geteuid() != 0 and not os.environ.get("CI"), reason="chown to another user needs root"
)
OTHER = (54321, 54322)  # a user and group that own nothing else here


@needs_root
def test_a_rewritten_file_keeps_owner_group_and_mode(tmp_path):
    target = tmp_path / ".condarc"
    target.write_text("channels: []\n")
    os.chown(target, *OTHER)
    target.chmod(0o600)
    atomic_write(target, b"channels: [defaults]\n")
    info = target.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (*OTHER, 0o600)
    assert target.read_bytes() == b"channels: [defaults]\n"


@needs_root
def test_a_new_file_in_a_users_folder_belongs_to_that_user(tmp_path):
    folder = tmp_path / "home"
    folder.mkdir()
    os.chown(folder, *OTHER)
    atomic_write(folder / "token", b"secret", mode=0o600)
    info = (folder / "token").stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (*OTHER, 0o600)


@needs_root
def test_sign_in_and_out_as_root_keep_the_users_condarc_owner(env, sandbox):
    os.chown(env.condarc, *OTHER)
    env.condarc.chmod(0o600)
    connector = Connector(RepoConnectSettings(timeout=3.0))
    connector.connect("cloud", token=sandbox.cloud_tokens[0])
    assert (env.condarc.stat().st_uid, env.condarc.stat().st_gid) == OTHER
    connector.disconnect()
    info = env.condarc.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (*OTHER, 0o600)
