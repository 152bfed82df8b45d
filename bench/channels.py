"""Channel picker cost with 10,000 server channels: our Connector vs a bare HTTP call.

Prints the median time of one filtered page through ``Connector.available_channels`` and of the
same request made with plain httpx (the baseline), both against the sandbox in this run, and their
ratio; then the same for ``Connector.status()`` against a bare YAML read of ``.condarc``.
Usage: python bench/channels.py [--channels 10000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    action()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_kib(action: Callable[[], object]) -> float:
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    import httpx
    from ruamel.yaml import YAML

    from jupyter_repoconnect.core import Connector
    from jupyter_repoconnect.testing import Sandbox

    with tempfile.TemporaryDirectory() as tmp, Sandbox(channels=args.channels) as sandbox:
        os.environ.update(
            CONDARC=f"{tmp}/.condarc",
            BINSTAR_CONFIG_DIR=f"{tmp}/binstar",
            JUPYTER_REPOCONNECT_STATE_DIR=f"{tmp}/state",
        )
        with open(f"{tmp}/.condarc", "w") as f:
            f.write("# bench\nchannels:\n  - defaults\nssl_verify: true\n")
        connector = Connector()
        user, password = next(iter(sandbox.users.items()))
        connector.connect("server", domain=sandbox.urls["server"], username=user, password=password)
        token = connector.state_store.load().anaconda_server_token
        api = f"{sandbox.urls['server']}/api/channels"
        client = httpx.Client()

        def ours() -> object:
            return connector.available_channels(q="team", offset=5000 // 2, limit=50)

        def baseline() -> object:
            response = client.get(
                api,
                params={"q": "team", "offset": 2500, "limit": 50},
                headers={"Authorization": f"Bearer {token}"},
            )
            return response.json()

        ours_t, base_t = median_seconds(ours, args.repeat), median_seconds(baseline, args.repeat)
        print(
            f"channels page ({args.channels} channels): ours {ours_t * 1e3:.2f} ms, "
            f"bare httpx {base_t * 1e3:.2f} ms, ratio {ours_t / base_t:.2f}"
        )
        print(
            f"channels page peak memory: ours {peak_kib(ours):.0f} KiB, "
            f"bare httpx {peak_kib(baseline):.0f} KiB"
        )

        def yaml_read() -> object:
            with open(f"{tmp}/.condarc") as f:
                return YAML(typ="rt").load(f)

        ours_s, base_s = (
            median_seconds(connector.status, args.repeat),
            median_seconds(yaml_read, args.repeat),
        )
        print(
            f"status: ours {ours_s * 1e3:.2f} ms, bare .condarc read {base_s * 1e3:.2f} ms, "
            f"ratio {ours_s / base_s:.2f}"
        )
        connector.disconnect()


if __name__ == "__main__":
    main()
