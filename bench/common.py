"""What every benchmark shares: figures with their reference, interleaved runs, a throwaway home,
and a ``jupyter server`` started for one measurement.

A figure is the project's measurement next to a reference measured in the same run, alternating
the two (so machine load hits both alike), as median [min-max], with their ratio, the goal and a
verdict. Benchmarks print numbers; they are not tests.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jupyter_repoconnect.testing.processes import stop

EXTENSION = "jupyter_repoconnect"


@dataclass
class Figure:
    """One project figure beside its reference, measured in the same run."""

    name: str
    unit: str
    ours: list[float]
    reference: list[float]
    reference_name: str
    goal: str  # e.g. "ratio <= 1.3" or "<= 100 ms"
    max_ratio: float | None = None
    max_value: float | None = None  # on the median of ours, in ``unit``
    note: str = ""
    script: str = field(default_factory=lambda: Path(sys.argv[0]).name)

    @property
    def median(self) -> float:
        return statistics.median(self.ours)

    @property
    def ratio(self) -> float:
        reference = statistics.median(self.reference)
        if not reference:  # e.g. a protocol minimum of 0 requests
            return 1.0 if not self.median else float("inf")
        return self.median / reference

    @property
    def met(self) -> bool:
        ok = True
        if self.max_ratio is not None:
            ok = ok and self.ratio <= self.max_ratio
        if self.max_value is not None:
            ok = ok and self.median <= self.max_value
        return ok

    def line(self) -> str:
        verdict = "met" if self.met else "MISSED"
        return (
            f"{self.name}: ours {spread(self.ours, self.unit)} | {self.reference_name} "
            f"{spread(self.reference, self.unit)} | ratio {self.ratio:.2f} | goal {self.goal} | "
            f"{verdict}" + (f" ({self.note})" if self.note else "")
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "met": self.met, "median": self.median}


def spread(values: list[float], unit: str) -> str:
    """``median [min-max] unit``."""
    digits = 0 if max(values) >= 100 or all(v == int(v) for v in values) else 1
    digits = 2 if not digits and max(values) < 10 and any(v != int(v) for v in values) else digits
    fmt = f"{{:.{digits}f}}"
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{fmt.format(mid)} [{fmt.format(low)}–{fmt.format(high)}] {unit}"


def interleave(
    ours: Callable[[], float | None],
    reference: Callable[[], float | None],
    repeat: int,
    warmup: int = 1,
) -> tuple[list[float], list[float]]:
    """Run both ``repeat`` times, alternating which goes first; each returns its own measure
    (or ``None``: time the call in milliseconds)."""

    def measure(action: Callable[[], float | None]) -> float:
        start = time.perf_counter()
        value = action()
        return (time.perf_counter() - start) * 1e3 if value is None else value

    for _ in range(warmup):
        measure(ours)
        measure(reference)
    a: list[float] = []
    b: list[float] = []
    for i in range(repeat):
        if i % 2:
            b.append(measure(reference))
            a.append(measure(ours))
        else:
            a.append(measure(ours))
            b.append(measure(reference))
    return a, b


def report(figures: list[Figure]) -> None:
    for figure in figures:
        print(figure.line(), flush=True)
    out = os.environ.get("REPOCONNECT_BENCH_JSON")
    if out:  # bench/run.py collects the figures of each script through this file
        with open(out, "a") as f:
            for figure in figures:
                f.write(json.dumps(figure.to_dict()) + "\n")


def main_for(run: Callable[[bool], list[Figure]], doc: str | None) -> None:
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats: checks that it runs")
    args = parser.parse_args()
    report(run(args.quick))


# --- a throwaway home ---------------------------------------------------------------------------


def home_env(root: Path) -> dict[str, str]:
    """Environment for a fresh user at ``root``: HOME first, then every config path inside it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_", "CONDA"))}
    env.update(
        HOME=str(root),
        CONDARC=str(root / ".condarc"),
        BINSTAR_CONFIG_DIR=str(root / "binstar"),
        JUPYTER_REPOCONNECT_STATE_DIR=str(root / "state"),
        JUPYTER_CONFIG_DIR=str(root / "jupyter-config"),
        JUPYTER_DATA_DIR=str(root / "jupyter-data"),
        JUPYTER_RUNTIME_DIR=str(root / "jupyter-runtime"),
        OTEL_SDK_DISABLED="true",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@contextlib.contextmanager
def throwaway_home(prefix: str = "repoconnect-bench-") -> Iterator[tuple[Path, dict[str, str]]]:
    """A temporary home, also applied to this process's environment while inside."""
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        root = Path(tmp)
        env = home_env(root)
        os.environ.clear()
        os.environ.update(env)
        try:
            yield root, env
        finally:
            os.environ.clear()
            os.environ.update(saved)


# --- jupyter server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(url: str, token: str, timeout: float = 10) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0  # not listening yet


class JupyterServer:
    """``jupyter server`` on a free port with ``env``; ``ready`` is seconds to the first 200."""

    def __init__(
        self, env: dict[str, str], root: Path, enabled: bool = True, timeout: float = 90
    ) -> None:
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}/"
        command = [
            sys.executable, "-m", "jupyter_server",
            "--no-browser", "--allow-root", f"--port={self.port}", "--port-retries=0",
            "--ip=127.0.0.1", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={root}",
            f"--ServerApp.jpserver_extensions={EXTENSION}={enabled}",
        ]  # fmt: skip
        began = time.perf_counter()
        self.process = subprocess.Popen(
            command, env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            while http_get(self.base + "api/status", self.token, timeout=2) != 200:
                if self.process.poll() is not None:
                    raise RuntimeError(f"jupyter server exited with {self.process.returncode}")
                if time.perf_counter() - began > timeout:
                    raise TimeoutError(f"jupyter server not ready after {timeout} s")
                time.sleep(0.01)
        except BaseException:
            self.close()
            raise
        self.ready = time.perf_counter() - began

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def close(self) -> None:
        stop(self.process, 10)

    def __enter__(self) -> JupyterServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
