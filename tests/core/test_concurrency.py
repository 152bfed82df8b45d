"""Processes and threads editing .condarc at once never lose an edit."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from ruamel.yaml import YAML

from jupyter_repoconnect.core import Connector

SCRIPT = """
import sys
from jupyter_repoconnect.core import Connector
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
