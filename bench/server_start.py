"""Start-to-ready time of ``jupyter server`` with and without the jupyter_repoconnect extension.

Each run starts a fresh server on a free port in its own throwaway home and polls
``/api/status`` until it answers 200; runs alternate with/without. Goal: ratio <= 1.05.
Usage: ``python bench/server_start.py [--quick]``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import Figure, JupyterServer, home_env, http_get, interleave, main_for


def start_once(enabled: bool) -> float:
    """Milliseconds from spawning ``jupyter server`` to its first 200 on /api/status."""
    with tempfile.TemporaryDirectory(prefix="repoconnect-bench-") as tmp:
        root = Path(tmp)
        with JupyterServer(home_env(root), root, enabled=enabled) as server:
            # Sanity check: the routes exist exactly when the extension is enabled.
            routes = http_get(server.base + "repoconnect/preferences", server.token)
            if (routes != 404) != enabled:
                raise RuntimeError(f"GET repoconnect/preferences answered {routes}")
            return server.ready * 1e3


def run(quick: bool) -> list[Figure]:
    ours, reference = interleave(
        lambda: start_once(True), lambda: start_once(False), repeat=2 if quick else 7
    )
    return [
        Figure(
            "server start-to-ready",
            "ms",
            ours,
            reference,
            "without the extension",
            "ratio <= 1.05",
            max_ratio=1.05,
        )
    ]


if __name__ == "__main__":
    main_for(run, __doc__)
