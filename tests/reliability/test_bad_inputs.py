"""Every case of bad_inputs.CASES is refused clearly and changes 0 bytes on disk.

CLI cases run ``jupyter repoconnect``'s ``main`` in this process (the console script's own
entry point; a subprocess per case would cost a second each); a few run as real subprocesses
in test_cli_subprocess_parity. With REPOCONNECT_UPDATE_DOCS=1 the tables of
docs/reliability.md are rewritten from this run.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jupyter_repoconnect.cli import main
from jupyter_repoconnect.core import Connector, RepoConnectSettings

from .bad_inputs import CASES, PASSWORD, Case, show
from .conftest import DOC, ORIGINAL_CONDARC, UPDATE_DOCS, record_figure, sign_in_server

CLI_CASES = [c for c in CASES if c.surface == "CLI"]
REST_CASES = [c for c in CASES if c.surface == "REST"]
UNHANDLED = ("Unexpected error", "Traceback", "internal_error")


def test_the_table_has_at_least_100_cases() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    assert len(CASES) >= 100


# --- machine states ----------------------------------------------------------------------------
def reset(env: Any) -> None:
    """Back to a signed-out machine with the user's own .condarc (whatever the last case did)."""
    for path in (env.condarc, env.state_dir / "repoconnect.ini"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    if env.state_dir.exists() and not env.state_dir.is_dir():
        env.state_dir.unlink()
    for root in (env.state_dir, env.binstar_dir):
        if root.is_dir():
            shutil.rmtree(root)
        root.mkdir(parents=True)
    env.condarc.write_bytes(ORIGINAL_CONDARC)


def prepare(env: Any, state: str) -> None:
    reset(env)
    if state == "server":
        sign_in_server(Connector(RepoConnectSettings(timeout=3.0)), env.sandbox)
    elif state == "condarc-dir":
        env.condarc.unlink()
        env.condarc.mkdir()
        (env.condarc / "keep").write_bytes(b"x")
    elif state == "condarc-fifo":
        env.condarc.unlink()
        os.mkfifo(env.condarc)
    elif state == "state-file":
        shutil.rmtree(env.state_dir)
        env.state_dir.write_bytes(b"not a folder")
    elif state == "ini-dir":
        (env.state_dir / "repoconnect.ini").mkdir()
    else:
        assert state == "out", state


def snapshot(env: Any) -> dict[str, bytes]:
    """Every file under the environment, FIFOs and folders by kind (never opened)."""
    files: dict[str, bytes] = {}
    for root in (env.condarc.parent, env.binstar_dir, env.state_dir):
        paths = [root, *sorted(root.rglob("*"))] if root.is_dir() else [root]
        for path in paths:
            if path.name.endswith(".lock"):
                continue
            if path.is_fifo():
                files[str(path)] = b"<fifo>"
            elif path.is_file():
                files[str(path)] = path.read_bytes()
            elif path.is_dir():
                files[str(path)] = b"<dir>"
    return files


def changed_bytes(before: dict[str, bytes], after: dict[str, bytes]) -> int:
    total = 0
    for name in set(before) | set(after):
        a, b = before.get(name), after.get(name)
        if a != b:
            total += max(len(a or b""), len(b or b""), 1)
    return total


def normalise(text: str, env: Any) -> str:
    """A message as the table shows it: temp paths and loopback ports replaced."""
    text = text.replace(str(env.condarc.parent.parent), "$TMP")
    for name, url in env.sandbox.urls.items():
        text = text.replace(url.rstrip("/"), f"<{name}>")
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)
    return show(" ".join(text.split()), 400)


# --- CLI ---------------------------------------------------------------------------------------
def run_cli(case: Case, env: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    argv = case.argv_of(env.sandbox) if case.argv_of else list(case.argv)
    stdin = case.stdin
    if stdin is not None and "will-be-replaced" in stdin:
        stdin = env.sandbox.cloud_tokens[0] + "\n"
    raw = (stdin or "").encode("utf-8", "surrogatepass")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else 1
    for name in case.env:
        monkeypatch.delenv(name)
    return rc, out.getvalue(), err.getvalue()


def cli_rows(env: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("JUPYTER_REPOCONNECT_DEBUG", raising=False)
    rows = []
    for case in CLI_CASES:
        prepare(env, case.state)
        before = snapshot(env)
        rc, out, err = run_cli(case, env, monkeypatch)
        after = snapshot(env)
        message = err.strip().splitlines()[-1] if err.strip() else out.strip()
        rows.append(
            {
                "case": case,
                "outcome": f"exit {rc}",
                "ok": rc in (1, 2) and bool(err.strip()) and not any(u in err for u in UNHANDLED),
                "message": normalise(message.removeprefix("jupyter repoconnect "), env),
                "changed": changed_bytes(before, after),
            }
        )
    reset(env)
    return rows


def test_cli_bad_inputs(env: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rows = cli_rows(env, monkeypatch, tmp_path)
    write_table("cli", rows)
    record_figure("cli", str(len(rows)))
    bad = [f"{r['case'].id}: {r['outcome']} {r['message']}" for r in rows if not r["ok"]]
    changed = [f"{r['case'].id}: {r['changed']} bytes" for r in rows if r["changed"]]
    assert not bad, "not refused cleanly:\n" + "\n".join(bad)
    assert not changed, "changed files:\n" + "\n".join(changed)


# --- REST --------------------------------------------------------------------------------------
async def rest_rows(rest: Any) -> list[dict[str, Any]]:
    env = rest.env
    rows = []
    for case in REST_CASES:
        prepare(env, case.state)
        body = case.body_of(env.sandbox) if case.body_of else case.body
        if isinstance(body, dict) and body.get("version") == "<current>":
            current = await rest.get("condarc")
            body = {**body, "version": current.body["version"]}
        before = snapshot(env)
        reply = await rest.call(case.method, case.route, body, raw=case.raw, params=case.params)
        after = snapshot(env)
        message = reply.body.get("message", "") if isinstance(reply.body, dict) else ""
        rows.append(
            {
                "case": case,
                "outcome": f"{reply.status} {reply.error}",
                "ok": 400 <= reply.status < 500 and reply.error not in (None, "internal_error"),
                "message": normalise(message, env),
                "changed": changed_bytes(before, after),
            }
        )
    reset(env)
    rest.secrets.add(PASSWORD)
    return rows


async def test_rest_bad_inputs(rest: Any) -> None:
    rows = await rest_rows(rest)
    write_table("rest", rows)
    record_figure("rest", str(len(rows)))
    bad = [f"{r['case'].id}: {r['outcome']} {r['message']}" for r in rows if not r["ok"]]
    changed = [f"{r['case'].id}: {r['changed']} bytes" for r in rows if r["changed"]]
    assert not bad, "not refused cleanly:\n" + "\n".join(bad)
    assert not changed, "changed files:\n" + "\n".join(changed)


# --- the committed table -----------------------------------------------------------------------
def write_table(surface: str, rows: list[dict[str, Any]]) -> None:
    """Rewrite the ``surface`` table of docs/reliability.md (only with REPOCONNECT_UPDATE_DOCS)."""
    if not UPDATE_DOCS:
        return
    lines = [
        f"| # | input ({surface.upper()}) | state | outcome | message | bytes changed |",
        "|---|---|---|---|---|---|",
    ]
    for i, row in enumerate(rows, 1):
        case = row["case"]
        lines.append(
            f"| {i} | `{case.shown}` | {case.state} | {row['outcome']} | {row['message']} "
            f"| {row['changed']} |"
        )
    begin, end = f"<!-- table:{surface} -->", f"<!-- /table:{surface} -->"
    text = DOC.read_text(encoding="utf-8")
    head, _, rest_ = text.partition(begin)
    _, _, tail = rest_.partition(end)
    DOC.write_text(f"{head}{begin}\n" + "\n".join(lines) + f"\n{end}{tail}", encoding="utf-8")


def test_docs_table_lists_every_case() -> None:
    """docs/reliability.md shows every case of the table (regenerate it when cases change)."""
    text = DOC.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if re.match(r"^\| \d+ \| `", line)]
    assert len(rows) == len(CASES), "run with REPOCONNECT_UPDATE_DOCS=1 to refresh the table"


# --- a few as real processes: what a shell can really send ---------------------------------------
def test_cli_subprocess_parity(env: Any, tmp_path: Path) -> None:
    """Undecodable bytes on stdin and in argv, in a real process: one line, exit 1 or 2."""
    script = Path(sys.executable).parent / "jupyter-repoconnect"
    command = (
        [str(script)] if script.exists() else [sys.executable, "-m", "jupyter_repoconnect.cli"]
    )
    proc_env = {**os.environ, **env.env, "HOME": str(tmp_path / "home")}
    proc_env.pop("JUPYTER_REPOCONNECT_DEBUG", None)
    before = snapshot(env)
    runs = [
        (["login", "cloud", "--token-stdin"], b"\xff\xfe-token\n"),
        ([b"domain", b"server", b"https://\xff.example.com"], None),
        (["channels", "add", "http://"], None),
    ]
    for argv, stdin in runs:
        proc = subprocess.run(
            [*command, *argv],
            input=stdin if stdin is not None else b"",
            capture_output=True,
            env=proc_env,
            timeout=60,
        )
        err = proc.stderr.decode("utf-8", "replace")
        assert proc.returncode in (1, 2), (argv, err)
        assert not any(u in err for u in UNHANDLED), (argv, err)
        assert len(err.strip().splitlines()) == 1, (argv, err)
    assert snapshot(env) == before
