"""Scale of a real JupyterHub with N users: time to "everyone signed in", memory per server.

Usage (as root: it creates local users): ``python bench/hub.py [-n USERS]``.

With the extension: the time from starting the hub (docs/admin.md's "JupyterHub on one
machine" config, as tests/hub runs it) until every user's server is up, signed in to the
sandbox's Anaconda Server over HTTPS and has two channels added (all users at once), and each
server's resident memory when started and after signing in. Without the extension: the same
hub with `jupyter_repoconnect` disabled in the servers, its start-to-ready time and memory.
Prints the figures and the ratios. Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_repoconnect.testing import Sandbox

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the hub harness is test code (tests/hub), not in the package

from tests.hub.harness import Hub, company_ca, doc_configs, hub_prerequisites  # noqa: E402
from tests.hub.localusers import (  # noqa: E402
    HubUser,
    SharedPython,
    SystemUsers,
    rss_kib,
    shared_python,
)

ADMIN_DOC = REPO / "docs" / "admin.md"
DISABLED = {"ServerApp": {"jpserver_extensions": {"jupyter_repoconnect": False}}}


def sign_in_and_add(hub: Hub, user: HubUser) -> None:
    status, body = hub.user_api(
        user, "POST", "connect",
        {"service": "server", "username": user.name, "password": user.repo_password},
    )  # fmt: skip
    if status != 200:
        raise RuntimeError(f"{user.name}: connect {status} {body}")
    status, page = hub.user_api(user, "GET", "channels?limit=2")
    names = [c["name"] for c in page["items"]]
    status, body = hub.user_api(user, "POST", "channels", {"channels": names})
    if status != 200:
        raise RuntimeError(f"{user.name}: add channels {status} {body}")


@dataclass
class Run:
    ready_s: float  # hub start -> every server ready
    rss_start_kib: list[int]  # per server, once ready
    signed_in_s: float = 0.0  # hub start -> every user signed in, channels added
    rss_signed_in_kib: list[int] = field(default_factory=list)


def run_hub(
    workdir: Path, users: list[HubUser], shared: SharedPython, hub_config: str, config_path: str,
    enabled: bool,
) -> Run:  # fmt: skip
    hub = Hub(workdir, users, shared, hub_config, user_env={"JUPYTER_CONFIG_PATH": config_path})
    started = time.perf_counter()
    with hub:
        for user in users:
            hub.spawn(user)
        for user in users:
            hub.wait_ready(user)
        run = Run(time.perf_counter() - started, [rss_kib(hub.server_pids(u)) for u in users])
        status = hub.user_api(users[0], "GET", "status")[0]
        if status != (200 if enabled else 404):
            raise RuntimeError(f"extension {'on' if enabled else 'off'}, GET status: {status}")
        if enabled:
            with ThreadPoolExecutor(len(users)) as pool:
                list(pool.map(lambda u: sign_in_and_add(hub, u), users))
            run.signed_in_s = time.perf_counter() - started
            run.rss_signed_in_kib = [rss_kib(hub.server_pids(u)) for u in users]
            for user in users:
                hub.user_api(user, "POST", "disconnect")
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--users", type=int, default=2, help="single-user servers (2)")
    parser.add_argument("-r", "--runs", type=int, default=1, help="hub runs of each kind (1)")
    args = parser.parse_args()
    reason = hub_prerequisites()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    on_runs: list[Run] = []
    off_runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="repoconnect-hub-bench-") as tmp:
        base = Path(tmp)
        os.chmod(base, 0o755)
        _, ca_path, context = company_ca(base / "etc" / "ssl")
        accounts = SystemUsers(base / "home", [f"u{i}x" for i in range(args.users)])
        users = accounts.create()
        try:
            shared = shared_python(base, users[0])
            repo_users = {u.name: u.repo_password for u in users}
            with Sandbox(users=repo_users, ssl_context=context) as sandbox:
                hub_config, admin_config = doc_configs(ADMIN_DOC, sandbox.urls["server"], ca_path)
                on, off = base / "etc" / "on", base / "etc" / "off"
                for folder in (on, off):
                    folder.mkdir(parents=True)
                    (folder / "jupyter_repoconnect_config.py").write_text(admin_config)
                (off / "jupyter_server_config.json").write_text(json.dumps(DISABLED))
                for path in (*on.iterdir(), *off.iterdir()):
                    os.chmod(path, 0o644)
                for i in range(args.runs):  # alternate, so machine load hits both alike
                    on_dir, off_dir = base / f"hub-on-{i}", base / f"hub-off-{i}"
                    on_runs.append(run_hub(on_dir, users, shared, hub_config, str(on), True))
                    off_runs.append(run_hub(off_dir, users, shared, hub_config, str(off), False))
        finally:
            accounts.remove()
    report(args.users, on_runs, off_runs)
    return 0


def report(users: int, on: list[Run], off: list[Run]) -> None:
    def seconds(runs: list[Run], key: str) -> float:
        return statistics.median([getattr(r, key) for r in runs])

    def mib(runs: list[Run], key: str) -> float:
        return statistics.median([kib for r in runs for kib in getattr(r, key)]) / 1024

    ready_on, ready_off = seconds(on, "ready_s"), seconds(off, "ready_s")
    mem_off, mem_on = mib(off, "rss_start_kib"), mib(on, "rss_start_kib")
    mem_signed_in = mib(on, "rss_signed_in_kib")
    print(f"users (single-user servers): {users}; runs of each kind: {len(on)} (medians)")
    print(f"hub start -> every server ready, with extension:    {ready_on:6.1f} s")
    print(f"hub start -> every server ready, without extension: {ready_off:6.1f} s")
    print(
        f"hub start -> every user signed in, channels added:  {seconds(on, 'signed_in_s'):6.1f} s"
    )
    print(f"server memory when ready, without extension: {mem_off:6.1f} MiB")
    print(f"server memory when ready, with extension:    {mem_on:6.1f} MiB")
    print(f"server memory signed in, with extension:     {mem_signed_in:6.1f} MiB")
    print(f"memory with/without extension: {mem_on / mem_off:.2f} when ready, "
          f"{mem_signed_in / mem_off:.2f} signed in")  # fmt: skip
    print(f"ready time with/without extension: {ready_on / ready_off:.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
