"""Processes and threads editing .condarc at once never lose an edit."""

import contextlib
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from ruamel.yaml import YAML

from jupyter_repoconnect.core import Connector, NotConnected

SCRIPT = """
import sys
from jupyter_repoconnect.core import Connector, NotConnected
for i in range(10):
    Connector().add_channels([f"{sys.argv[1]}-{i}"])
"""


def test_parallel_processes_and_threads_keep_every_channel(repoconnect_env):
    repoconnect_env.condarc.parent.mkdir(parents=True, exist_ok=True)
    repoconnect_env.condarc.write_text("# mine\nchannels:\n  - defaults\n")
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT, f"proc{n}"]) for n in range(3)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: Connector().add_channels([f"thread-{i}"]), range(20)))
    assert [p.wait(60) for p in procs] == [0, 0, 0]
    channels = YAML(typ="safe").load(repoconnect_env.condarc.read_text())["channels"]
    expected = {"defaults"} | {f"thread-{i}" for i in range(20)}
    expected |= {f"proc{n}-{i}" for n in range(3) for i in range(10)}
    assert set(channels) == expected and len(channels) == len(expected)
    assert repoconnect_env.condarc.read_text().startswith("# mine\n")


MIXED = """
import json, sys
from concurrent.futures import ThreadPoolExecutor
from jupyter_repoconnect.core import Connector, RepoConnectError, RepoConnectSettings

name, threads, count, server, token = sys.argv[1], int(sys.argv[2]), *sys.argv[3:]
count = int(count)
OPS = ("add", "status", "domain", "login", "logout", "remove")


def work(me):
    connector = Connector(RepoConnectSettings(timeout=5.0))
    outcomes = {}
    for i in range(count):
        op = OPS[i % len(OPS)]
        try:
            if op == "add":
                connector.add_channels([f"{me}-{i}"])
            elif op == "status":
                connector.status()
            elif op == "domain":
                connector.set_domain("server", server)
            elif op == "login":
                connector.connect("cloud", token=token)
            elif op == "logout":
                connector.disconnect()
            else:
                connector.remove_channels([f"{me}-{i - 5}"], from_list="channels")
            outcome = "ok"
        except RepoConnectError as exc:
            outcome = exc.code
        except Exception as exc:  # the failure this test looks for
            outcome = "UNHANDLED " + type(exc).__name__
        outcomes[f"{op} {outcome}"] = outcomes.get(f"{op} {outcome}", 0) + 1
    return outcomes


with ThreadPoolExecutor(threads) as pool:
    results = list(pool.map(work, [f"{name}{t}" for t in range(threads)]))
total = {}
for result in results:
    for key, n in result.items():
        total[key] = total.get(key, 0) + n
print(json.dumps(total))
"""


def test_mixed_operations_from_processes_and_threads(repoconnect_env):
    """Sign-in, sign-out, Set Domain, status and channel edits from 4 processes and 4 threads.

    Every operation ends in a result or a core error (a clash with another one); at the end,
    signed out, .condarc is the user's own file again and no token or temp file is left.
    ``REPOCONNECT_RELIABILITY=full``: 1,200 operations instead of 288.
    """
    env, sandbox = repoconnect_env, repoconnect_env.sandbox
    env.condarc.parent.mkdir(parents=True, exist_ok=True)
    env.condarc.write_bytes(b"# mine\nchannels:\n  - defaults\n")
    count = 150 if os.environ.get("REPOCONNECT_RELIABILITY") == "full" else 36
    args = [str(count), sandbox.urls["server"], sandbox.cloud_tokens[0]]
    runs = [("p0", 1), ("p1", 1), ("p2", 1), ("p3", 1), ("t", 4)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", MIXED, name, str(threads), *args],
            stdout=subprocess.PIPE,
            text=True,
        )
        for name, threads in runs
    ]
    outcomes: dict[str, int] = {}
    for proc in procs:
        out, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, out
        for key, n in json.loads(out.strip().splitlines()[-1]).items():
            outcomes[key] = outcomes.get(key, 0) + n
    assert not {k: n for k, n in outcomes.items() if "UNHANDLED" in k}, outcomes
    assert sum(outcomes.values()) == count * 8
    assert outcomes.get("login ok", 0) >= 1 and outcomes.get("logout ok", 0) >= 1, outcomes
    with contextlib.suppress(NotConnected):
        Connector().disconnect()
    assert env.condarc.read_bytes().startswith(b"# mine\n")
    assert not Connector().status().connected
    leftovers = [p for p in env.condarc.parent.iterdir() if p.name.endswith(".rctmp")]
    assert not leftovers
    assert not (env.token_dir.exists() and list(env.token_dir.glob("*.token")))
