"""Stopping child processes (JupyterLab, jupyter server) politely, then firmly."""

from __future__ import annotations

import subprocess


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGTERM and wait, so the child can stop its own children; SIGKILL only if it hangs."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
