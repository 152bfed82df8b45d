"""Run every benchmark and rewrite ``bench/RESULTS.md`` with each figure, its reference, ratio,
goal and verdict (machine and date on top).

``python bench/run.py`` measures (about 15 minutes on 2 cores); ``--quick`` only checks that every
script runs (few repeats, RESULTS.md untouched unless ``--write``); ``--only NAME`` runs some.
A script that fails is reported and makes the exit status non-zero.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "condarc_edit",
    "status",
    "requests",
    "channels",
    "cli",
    "load_ext",
    "server_start",
    "memory",
]


def machine() -> str:
    cpus = os.cpu_count()
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.system()} {platform.release()}, {cpus} CPUs ({model}), Python "
        f"{platform.python_version()}; load average at the end {load}"
    )


def write_results(figures: list[dict], failures: list[str], began: float) -> None:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"Produced by `python bench/run.py` on {now} in {time.time() - began:.0f} s.",
        f"Machine: {machine()}.",
        "",
        "Each figure is measured next to its reference in the same run, alternating the two; "
        "values are median [min–max]. The ratio is ours / reference (medians).",
        "",
        "| figure | ours | reference | ratio | goal | verdict |",
        "|---|---|---|---|---|---|",
    ]
    from common import spread

    for f in figures:
        verdict = "met" if f["met"] else "**missed**"
        lines.append(
            f"| {f['name']} | {spread(f['ours'], f['unit'])} | {f['reference_name']}: "
            f"{spread(f['reference'], f['unit'])} | {f['ratio']:.2f} | {f['goal']} | {verdict} |"
        )
    notes = [f for f in figures if f["note"]]
    if notes:
        lines += ["", "Notes:", ""]
        lines += [f"- {f['name']}: {f['note']}" for f in notes]
    if failures:
        lines += ["", "Scripts that failed:", ""] + [f"- {x}" for x in failures]
    met = sum(f["met"] for f in figures)
    lines += ["", f"{met} of {len(figures)} goals met.", ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="check that every script runs")
    parser.add_argument("--write", action="store_true", help="write RESULTS.md even if --quick")
    parser.add_argument("--only", nargs="*", choices=SCRIPTS, help="run only these")
    args = parser.parse_args()
    began = time.time()
    figures: list[dict] = []
    failures: list[str] = []
    for name in args.only or SCRIPTS:
        with tempfile.NamedTemporaryFile(suffix=".jsonl") as out:
            env = {**os.environ, "REPOCONNECT_BENCH_JSON": out.name}
            command = [sys.executable, str(HERE / f"{name}.py")] + (
                ["--quick"] if args.quick else []
            )
            print(f"== {name}", flush=True)
            done = subprocess.run(command, env=env, cwd=HERE)
            if done.returncode != 0:
                failures.append(f"{name}.py exited with {done.returncode}")
            figures += [json.loads(x) for x in Path(out.name).read_text().splitlines() if x]
    if not args.quick or args.write:
        sys.path.insert(0, str(HERE))
        write_results(figures, failures, began)
        print(f"wrote {HERE / 'RESULTS.md'}")
    missed = [f["name"] for f in figures if not f["met"]]
    print(f"{len(figures) - len(missed)} of {len(figures)} goals met; failed: {failures or 'none'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
