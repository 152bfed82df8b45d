"""Adding one channel to ``.condarc`` (Connector.add_channels, lock and all: an append made on the
text, proven with libyaml) vs one ruamel.yaml round trip (load + dump + write) of the same file,
at 200 / 2,000 / 20,000 lines and with a 10,000-entry channel list; and removing one (also on the
text) and moving one (any other edit: the ruamel round trip) at 2,000 lines and in the long list.

Goals: <= 1.3x the round trip at every size, <= 100 ms at 2,000 lines, linear growth (the
per-line cost grows from 2,000 to 20,000 lines as one round trip's does).
Usage: ``python bench/condarc_edit.py [--quick]``.
"""

from __future__ import annotations

import io
import statistics
from pathlib import Path

from common import Figure, interleave, main_for, throwaway_home


def commented(lines: int) -> str:
    """A few settings, then comments up to ``lines`` lines (the shape measured in issue 12)."""
    out = ["# company settings", "channels:", "  - defaults", "  - conda-forge", "ssl_verify: true"]
    out += [f"# note {i}: why the settings above are what they are" for i in range(lines - 5)]
    return "\n".join(out) + "\n"


def long_list(entries: int) -> str:
    return "channels:\n" + "".join(
        f"  - https://srv.example.com/api/repo/c{i}\n" for i in range(entries)
    )


def measure(text: str, repeat: int, kind: str = "add") -> tuple[list[float], list[float]]:
    """``add`` a channel or ``remove`` one (both made on the text), or ``move`` one (the ruamel
    round trip)."""
    from ruamel.yaml import YAML

    from jupyter_repoconnect.core import Connector

    condarc = Path.home() / ".condarc"
    condarc.write_text(text)
    connector = Connector()
    count = iter(range(10**9))
    if kind != "add":
        connector.add_channels([f"https://old.example.com/c{i}" for i in range(repeat + 1)])

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
    per_line: dict[int, float] = {}
    ref_per_line: dict[int, float] = {}
    cases = [(f"{n:,} lines", n, commented(n)) for n in (200, 2000, 20000)]
    cases.append(("10,000-entry list", 10001, long_list(10000)))
    with throwaway_home():
        for name, lines, text in cases:
            repeat = 2 if quick else (7 if lines > 5000 else 21)
            ours, reference = measure(text, repeat)
            per_line[lines] = statistics.median(ours) / lines
            ref_per_line[lines] = statistics.median(reference) / lines
            figures.append(
                Figure(
                    f".condarc add one channel, {name}",
                    "ms",
                    ours,
                    reference,
                    "ruamel load+dump+write",
                    "ratio <= 1.3" + (", <= 100 ms" if lines == 2000 else ""),
                    max_ratio=1.3,
                    max_value=100.0 if lines == 2000 else None,
                )
            )
        for kind, note in (
            ("remove", "made on the text, as adding"),
            ("move", "any edit but removing and appending: one ruamel round trip"),
        ):
            for name, lines, text in (cases[1], cases[3]):
                repeat = 2 if quick else (5 if lines > 5000 else 11)
                ours, reference = measure(text, repeat, kind)
                figures.append(
                    Figure(
                        f".condarc {kind} one channel, {name}",
                        "ms",
                        ours,
                        reference,
                        "ruamel load+dump+write",
                        "ratio <= 1.3",
                        max_ratio=1.3,
                        note=note,
                    )
                )
    # ruamel.yaml's own load is superlinear on long comment blocks (its scanner pops comment
    # tokens from the front of a list): compare our growth with the round trip's own.
    growth = per_line[20000] / per_line[2000]
    reference_growth = ref_per_line[20000] / ref_per_line[2000]
    figures.append(
        Figure(
            ".condarc edit growth, cost per line at 20,000 / at 2,000 lines",
            "x",
            [growth],
            [reference_growth],
            "same for the ruamel round trip",
            "ratio <= 1.2 (grows as one round trip)",
            max_ratio=1.2,
            note=f"ours {per_line[2000] * 1e3:.0f} -> {per_line[20000] * 1e3:.0f} us/line; "
            f"200 lines: {per_line[200] * 1e3:.0f} us/line (fixed costs)",
        )
    )
    return figures


if __name__ == "__main__":
    main_for(run, __doc__)
