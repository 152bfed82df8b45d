"""The channel picker over REST (``GET repoconnect/channels``) with 10,000 and 100,000 Anaconda
Server channels in the sandbox.

The Server client fetches the whole list once per sign-in (pages of 1000, as Navigator does) and
filters locally, so two figures per size:
- the first filtered page (fetches everything; forced again with ``refresh=true``) vs a bare httpx
  client fetching the same pages from the sandbox: goal <= 300 ms and ratio <= 1.2 (issue 17)
  at 10,000 channels;
- any later filtered page vs Jupyter's own ``GET api/status`` on the same server: goal <= 300 ms.
Usage: ``python bench/channels.py [--quick]``.
"""

from __future__ import annotations

import http.client
import json
import os
import time

from common import Figure, JupyterServer, interleave, main_for, throwaway_home


def rest_ms(server: JupyterServer, path: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    began = time.perf_counter()
    conn.request("GET", "/" + path, headers={"Authorization": f"token {server.token}"})
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - began) * 1e3
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
    return elapsed


def measure(count: int, quick: bool) -> list[Figure]:
    import httpx

    from jupyter_repoconnect.core import Connector
    from jupyter_repoconnect.testing import Sandbox

    repeat = 2 if quick else (7 if count <= 10_000 else 3)
    with Sandbox(channels=count) as sandbox, throwaway_home() as (root, env):
        (root / ".condarc").write_text("channels:\n  - defaults\n")
        user, password = next(iter(sandbox.users.items()))
        connector = Connector()
        connector.connect("server", domain=sandbox.urls["server"], username=user, password=password)
        token = connector.state_store.load().anaconda_server_token or ""
        api = sandbox.urls["server"] + "/api/account/channels"
        client = httpx.Client(timeout=300)

        def bare_all_pages() -> None:
            offset = 0
            while True:
                params = {"offset": offset, "limit": 1000, "sort": "name",
                          "include_subchannels": "true"}  # fmt: skip
                body = client.get(api, params=params, headers={"X-Auth": token}).json()
                offset += len(body["items"])
                if not body["items"] or offset >= body["total_count"]:
                    return

        page = f"repoconnect/channels?q=team&offset={count // 40}&limit=50"
        with JupyterServer(dict(os.environ), root) as server:
            cold = interleave(
                lambda: rest_ms(server, page + "&refresh=true"), bare_all_pages, repeat
            )
            warm = interleave(
                lambda: rest_ms(server, page), lambda: rest_ms(server, "api/status"), repeat * 3
            )
            total = json.loads(_get(server, page))["total"]
        connector.disconnect()
    label = f"REST channels page, {count:,} channels"
    return [
        Figure(f"{label}, first (fetches all)", "ms", *cold, "bare httpx, same pages",
               "ratio <= 1.2, <= 300 ms" if count <= 10_000 else "reported",
               max_ratio=1.2 if count <= 10_000 else None,
               max_value=300.0 if count <= 10_000 else None, note=f"{total} match 'team'"),
        Figure(f"{label}, later pages", "ms", *warm, "GET api/status", "<= 300 ms",
               max_value=300.0),
    ]  # fmt: skip


def _get(server: JupyterServer, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    conn.request("GET", "/" + path, headers={"Authorization": f"token {server.token}"})
    body = conn.getresponse().read()
    conn.close()
    return body


def run(quick: bool) -> list[Figure]:
    # --quick only checks that it runs: the 100,000-channel sandbox alone takes a minute
    return measure(10_000, quick) + ([] if quick else measure(100_000, quick))


if __name__ == "__main__":
    main_for(run, __doc__)
