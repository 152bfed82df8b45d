"""Editing ``.condarc`` (Connector.add/remove/move_channel, lock and all) vs one ruamel.yaml round
trip (load + dump + write) of the same file, at 50 / 500 / 2,000 lines of settings, comments,
channel lists and a custom_channels map. Adding is measured twice: with the fast path (libyaml;
adding and removing entries made on the text, ``condarc_splice.py``) and with the ruamel.yaml
round trip alone (``Condarc(fast=False)``), the figure that decides whether the fast path stays.
Moving an entry is made on the text too (whole lines reordered, proven by libyaml).

Goals at those sizes: <= 100 ms per edit and <= 1.3x one round trip. Reported, without a goal:
the fast path at 20,000 lines (mostly comments, the shape of issue 12) and with a 10,000-entry
channel list, and how its cost per line grows from 2,000 to 20,000 lines.
Usage: ``python bench/condarc_edit.py [--quick]``.
"""

from __future__ import annotations

import io
import statistics
from pathlib import Path

from common import Figure, interleave, main_for, throwaway_home

SIZES = (50, 500, 2000)


def settings(lines: int) -> str:
    """A ``.condarc`` as people keep them, ``lines`` long: two fifths channels, a fifth
    default_channels, a fifth custom_channels, a fifth comments, and the usual settings."""
    n = max(lines - 20, 4)
    channels, defaults, custom = n * 2 // 5, n // 5, n // 5
    out = ["# conda settings for the data team", "# see https://docs.conda.io/"]
    out.append("channels:  # searched in this order")
    shapes = (
        "  - conda-forge-{}",
        "  - https://repo.example.com/api/repo/team{}",
        "  - 'b{}'  # x",
    )
    out += [shapes[i % 3].format(i) for i in range(channels)]
    out.append("  - defaults")
    out.append("default_channels:")
    out += [f"  - https://repo.example.com/api/repo/main{i}" for i in range(defaults)]
    out += ["channel_alias: https://repo.example.com/api/repo", "ssl_verify: true"]
    out += ["add_anaconda_token: true", "custom_channels:"]
    out += [f"  team{i}: https://team{i}.example.com/conda" for i in range(custom)]
    out += ["proxy_servers:", "  https: http://proxy.example.com:3128"]
    out += ["pkgs_dirs:", "  - ~/pkgs", "envs_dirs:", "  - ~/envs"]
    out += [f"# note {i}: why the settings above are what they are" for i in range(n - len(out))]
    out.append("auto_activate_base: false")
    return "\n".join(out) + "\n"


def commented(lines: int) -> str:
    """A few settings, then comments up to ``lines`` lines (the shape measured in issue 12)."""
    out = ["# company settings", "channels:", "  - defaults", "  - conda-forge", "ssl_verify: true"]
    out += [f"# note {i}: why the settings above are what they are" for i in range(lines - 5)]
    return "\n".join(out) + "\n"


def long_list(entries: int) -> str:
    return "channels:\n" + "".join(
        f"  - https://srv.example.com/api/repo/c{i}\n" for i in range(entries)
    )


def measure(
    text: str, repeat: int, kind: str = "add", fast: bool = True
) -> tuple[list[float], list[float]]:
    """``add`` a channel or ``remove`` one, or ``move`` one; with the fast path or without."""
    from ruamel.yaml import YAML

    from jupyter_repoconnect.core import Connector

    condarc = Path.home() / ".condarc"
    condarc.write_text(text)
    connector = Connector()
    connector.condarc.fast = fast
    count = iter(range(10**9))
    if kind != "add":
        connector.add_channels([f"https://old.example.com/c{i}" for i in range(repeat + 2)])

    def ours() -> None:
        i = next(count)
        if kind == "add":
            connector.add_channels([f"https://new.example.com/c{i}"])
        elif kind == "remove":
            connector.remove_channels([f"https://old.example.com/c{i}"])
        else:
            connector.move_channel(f"https://old.example.com/c{i}", 0)

    def round_trip() -> None:
        yaml = YAML(typ="rt")
        data = yaml.load(condarc.read_text())
        buf = io.StringIO()
        yaml.dump(data, buf)
        (condarc.parent / "copy.yaml").write_text(buf.getvalue())

    return interleave(ours, round_trip, repeat)


def run(quick: bool) -> list[Figure]:
    figures = []
    reference = "ruamel load+dump+write"
    cases = (
        ("add", True, "adding, fast path", "made on the text, proven by libyaml"),
        ("add", False, "adding, ruamel only", "the ruamel.yaml round trip alone (fast=False)"),
        ("remove", True, "removing, fast path", "made on the text, as adding"),
        ("move", True, "moving, fast path", "lines reordered on the text, as adding"),
    )
    with throwaway_home():
        for lines in SIZES:
            for kind, fast, what, note in cases:
                repeat = 2 if quick else (9 if lines >= 2000 else 15)
                ours, theirs = measure(settings(lines), repeat, kind, fast)
                # fast=False is the path the product does not take: why the fast path stays
                goal = {"goal": "<= 100 ms, ratio <= 1.3", "max_ratio": 1.3, "max_value": 100.0}
                figures.append(
                    Figure(
                        f".condarc {what}, {lines:,} lines",
                        "ms",
                        ours,
                        theirs,
                        reference,
                        note=note,
                        **(goal if fast else {"goal": "reported"}),
                    )
                )
        per_line: dict[int, float] = {}
        ref_per_line: dict[int, float] = {}
        for name, lines, text in (
            ("2,000 lines of comments", 2000, commented(2000)),
            ("20,000 lines of comments", 20000, commented(20000)),
            ("10,000-entry list", 10001, long_list(10000)),
        ):
            repeat = 2 if quick else (5 if lines > 5000 else 9)
            ours, theirs = measure(text, repeat)
            per_line[lines] = statistics.median(ours) / lines
            ref_per_line[lines] = statistics.median(theirs) / lines
            figures.append(
                Figure(
                    f".condarc adding, fast path, {name}", "ms", ours, theirs, reference, "reported"
                )
            )
    growth = per_line[20000] / per_line[2000]
    figures.append(
        Figure(
            ".condarc adding, cost per line at 20,000 / at 2,000 lines of comments",
            "x",
            [growth],
            [ref_per_line[20000] / ref_per_line[2000]],
            "same for the ruamel round trip",
            "reported",
            note=f"ours {per_line[2000] * 1e3:.0f} -> {per_line[20000] * 1e3:.0f} us/line",
        )
    )
    return figures


if __name__ == "__main__":
    main_for(run, __doc__)
