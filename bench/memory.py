"""Resident memory of ``jupyter server`` with the extension (after its warm-up and one status
request) vs without it (after one ``GET api/status``), each a fresh server in a throwaway home,
alternating. Goal (ours, the issue sets none): ratio <= 1.15.
Usage: ``python bench/memory.py [--quick]``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from common import Figure, JupyterServer, home_env, http_get, interleave, main_for


def rss(enabled: bool) -> float:
    with tempfile.TemporaryDirectory(prefix="repoconnect-bench-") as tmp:
        root = Path(tmp)
        (root / ".condarc").write_text("channels:\n  - defaults\n")
        with JupyterServer(home_env(root), root, enabled=enabled) as server:
            time.sleep(3)  # past the warm-up
            path = "repoconnect/status" if enabled else "api/status"
            if http_get(server.base + path, server.token) != 200:
                raise RuntimeError(f"GET {path} failed")
            return server.rss_mib()


def run(quick: bool) -> list[Figure]:
    ours, reference = interleave(lambda: rss(True), lambda: rss(False), 1 if quick else 4, 0)
    return [
        Figure("server memory (RSS)", "MiB", ours, reference, "without the extension",
               "ratio <= 1.15", max_ratio=1.15)
    ]  # fmt: skip


if __name__ == "__main__":
    main_for(run, __doc__)
