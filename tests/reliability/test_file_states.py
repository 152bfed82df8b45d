"""File-system states: folders, FIFOs, symbolic links, read-only mounts and left-over temp files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from jupyter_repoconnect.core import Connector, RepoConnectError
from jupyter_repoconnect.core.files import sweep_temps

from .conftest import ORIGINAL_CONDARC, sign_in_server


def cli(env: Any, tmp_path: Path, *args: str, prefix: list[str] | None = None) -> Any:
    script = Path(sys.executable).parent / "jupyter-repoconnect"
    command = (
        [str(script)] if script.exists() else [sys.executable, "-m", "jupyter_repoconnect.cli"]
    )
    proc_env = {**os.environ, **env.env, "HOME": str(tmp_path / "home")}
    proc_env.pop("JUPYTER_REPOCONNECT_DEBUG", None)
    return subprocess.run(
        [*(prefix or []), *command, *args],
        capture_output=True,
        text=True,
        env=proc_env,
        timeout=60,  # a FIFO read without O_NONBLOCK would hang here
        stdin=subprocess.DEVNULL,
    )


def test_sign_out_skips_a_token_path_that_is_a_folder(env: Any, connector: Connector) -> None:
    sign_in_server(connector, env.sandbox)
    token_files = sorted(env.token_dir.glob("*.token"))
    assert token_files
    for token_file in token_files:
        token_file.unlink()
        token_file.mkdir()
    status = connector.disconnect()
    assert not status.connected
    for token_file in token_files:
        assert any(str(token_file) in w and "left alone" in w for w in status.warnings)
        assert token_file.is_dir()  # not ours to delete
    assert env.condarc.read_bytes() == ORIGINAL_CONDARC


@pytest.mark.parametrize("command", [["status"], ["channels", "add", "conda-forge"], ["logout"]])
def test_a_fifo_condarc_is_refused_without_hanging(
    env: Any, tmp_path: Path, command: list[str]
) -> None:
    env.condarc.unlink()
    os.mkfifo(env.condarc)
    result = cli(env, tmp_path, *command)  # returns at all: no hang
    fifo = f"{env.condarc} is a named pipe (FIFO), not a file"
    if command == ["status"]:  # status still answers, with the problem as a warning
        assert result.returncode == 0 and fifo in result.stdout
    elif command == ["logout"]:  # nothing to sign out of comes first
        assert result.returncode == 1 and "not signed in" in result.stderr
    else:
        assert result.returncode == 1 and fifo in result.stderr


def test_a_condarc_that_is_a_symlink_stays_one(env: Any, connector: Connector) -> None:
    dotfiles = env.condarc.parent / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "condarc"
    target.write_bytes(ORIGINAL_CONDARC)
    env.condarc.unlink()
    env.condarc.symlink_to(target)
    sign_in_server(connector, env.sandbox)
    connector.add_channels(["main"])
    assert env.condarc.is_symlink() and env.condarc.resolve() == target
    assert b"- main" in target.read_bytes()
    assert not [p for p in dotfiles.iterdir() if p != target]  # no temp file left there
    connector.disconnect()
    assert env.condarc.is_symlink()
    assert target.read_bytes() == ORIGINAL_CONDARC


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temp_files_of_a_killed_writer_are_swept(env: Any, connector: Connector) -> None:
    home = env.condarc.parent
    dead = _dead_pid()
    stale = home / f"..condarc.{dead}-abc123.rctmp"
    stale.write_bytes(b"half a file")
    live = home / f"..condarc.{os.getpid()}-def456.rctmp"
    live.write_bytes(b"someone is writing")
    legacy = home / "..condarc.k3j4h5g6.tmp"
    legacy.write_bytes(b"from an older version")
    old = time.time() - 3600
    os.utime(legacy, (old, old))
    env.token_dir.mkdir(parents=True)
    token_tmp = env.token_dir / f".x.token.{dead}-zzz999.rctmp"
    token_tmp.write_bytes(b"a live token")
    connector.add_channels(["bioconda"])  # any write sweeps the folder it writes to
    assert not stale.exists() and not legacy.exists()
    assert live.exists()  # its writer (this process) is alive
    assert sweep_temps(env.token_dir) == [token_tmp]


def test_a_state_folder_that_is_a_file_is_named(env: Any, connector: Connector) -> None:
    shutil.rmtree(env.state_dir)
    env.state_dir.write_bytes(b"x")
    with pytest.raises(RepoConnectError) as info:
        connector.connect("cloud", token=env.sandbox.cloud_tokens[0])
    assert info.value.code == "file_problem"
    assert str(env.state_dir) in info.value.message
    assert env.state_dir.read_bytes() == b"x"


def _can_unshare() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="needs root and unshare for a private mount")
@pytest.mark.parametrize(
    ("command", "words"),
    [
        (["channels", "add", "conda-forge"], "the file system is read-only"),
        (["login", "cloud", "--token-env", "T"], "the file system is read-only"),
    ],
)
def test_a_read_only_home_is_named(
    env: Any, tmp_path: Path, command: list[str], words: str
) -> None:
    """The home folder mounted read-only in a private mount namespace (nothing leaks out)."""
    home, state = env.condarc.parent, env.state_dir
    mount = (
        f"mount --bind {home} {home} && mount -o remount,ro,bind {home} && "
        f'mount --bind {state} {state} && mount -o remount,ro,bind {state} && exec "$@"'
    )
    before = env.snapshot()
    result = cli(
        env,
        tmp_path,
        *command,
        prefix=[
            "env",
            f"T={env.sandbox.cloud_tokens[0]}",
            "unshare",
            "-m",
            "sh",
            "-c",
            mount,
            "sh",
        ],
    )
    assert result.returncode == 1, result.stderr
    assert words in result.stderr and "Unexpected" not in result.stderr
    assert env.snapshot() == before


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_status_warns_about_a_broken_condarc(env: Any, connector: Connector, kind: str) -> None:
    env.condarc.unlink()
    env.condarc.mkdir() if kind == "folder" else os.mkfifo(env.condarc)
    status = connector.status()  # answers, without a hang
    assert any(str(env.condarc) in w and "not a file" in w for w in status.warnings)
