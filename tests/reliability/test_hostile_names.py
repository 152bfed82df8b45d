"""A hostile server's channel names and descriptions (issue 22, points 10 and 13): terminal
escape sequences, bidi controls and C1 controls reach the real CLI's output inert.

The sandbox serves them through ``Sandbox.add_channel`` (or ``POST /_sandbox/channels``), as a
hostile or careless server could; the CLI runs as a real child process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import httpx

from jupyter_repoconnect.core import Connector, RepoConnectSettings

from .conftest import sign_in_server

HOSTILE = {
    "evil-title\x1b]0;owned\x07": "sets the window title",
    "evil-clear\x1b[2J\x1b[H": "clears the screen",
    "evil-clip\x1b]52;c;ZWNobyBvd25lZA==\x07": "writes the clipboard (OSC 52)",
    "evil-csi\x9b31m": "a C1 CSI",
    "evil-bidi\u202etxt.exe": "a right-to-left override",
}
DESCRIPTION = "text \x1b[31mred\x1b[0m \x1b]8;;https://attacker.example/\x07a link\x1b]8;;\x07"
# ESC, BEL, C1 controls (U+0080-U+009F), bidi overrides and isolates: none may reach a terminal
FORBIDDEN = ["\x1b", "\x07", "\x9b", "\u202e", "\u202d", "\u2066", "\u2067", "\u2068"]


def _cli(env: Any, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jupyter_repoconnect.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env.env},
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_hostile_channel_names_reach_the_terminal_inert(env: Any) -> None:
    sandbox = env.sandbox
    for name, _ in HOSTILE.items():
        sandbox.add_channel(name, DESCRIPTION)
    sign_in_server(Connector(RepoConnectSettings(timeout=3.0)), sandbox)
    for args in (["channels", "--available", "--filter", "evil"], ["channels", "--available"]):
        proc = _cli(env, *args)
        output = proc.stdout + proc.stderr
        assert proc.returncode == 0, output
        assert "evil-title" in output, "the hostile channels were not listed: proves nothing"
        found = sorted({repr(c) for c in FORBIDDEN if c in output})
        assert not found, f"{args}: raw control characters {found} reached the terminal"
        assert not any(0x80 <= ord(c) <= 0x9F for c in output)


def test_the_control_endpoint_adds_and_reset_forgets_a_channel(env: Any) -> None:
    sandbox = env.sandbox
    control = httpx.Client(base_url=sandbox.base_url, timeout=5)
    reply = control.post("/_sandbox/channels", json={"name": "evil\x1b[2J", "description": "x"})
    assert reply.status_code == 204
    assert sandbox.catalog.get("evil\x1b[2J") is not None
    assert control.post("/_sandbox/channels", json={"name": "a/b"}).status_code == 400
    assert control.post("/_sandbox/channels", json=["x"]).status_code == 400
    sandbox.reset()
    assert sandbox.catalog.get("evil\x1b[2J") is None
