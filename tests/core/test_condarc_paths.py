"""The two ways through ``.condarc`` agree: libyaml's fast path (reads, and list edits made on the
text) and the ruamel.yaml round trip alone (``Condarc(path, fast=False)``), on many generated
files and edits. Same answers to every read, and files that conda reads the same."""

import random

import pytest
from ruamel.yaml import YAML

from jupyter_repoconnect.core.condarc import Condarc
from jupyter_repoconnect.core.errors import CorruptCondarc

CASES = 400
KEYS = ("channels", "default_channels", "channel_alias", "ssl_verify", "add_anaconda_token")
COMMON = [
    "defaults",
    "conda-forge",
    "bioconda",
    "https://repo.example.com/api/repo/main",
    "https://repo.anaconda.cloud/t/AbC-123/repo/org/ch1",
    "http://127.0.0.1:8080/conda/x",
]
ODD = [
    "x:1",
    "a#b",
    "it's",
    "c: d",
    "yes",
    "No",
    "null",
    "~",
    "true",
    "1.0",
    "1e3",
    "0o17",
    "0x1F",
    "010",
    "-dash",
    ".hidden",
    "/local/channel",
    "file:///srv/conda",
    "ünïcode",
    "with space",
]
ENTRIES = COMMON + ODD
SCALARS = [
    "https://conda.example.com",
    "true",
    "false",
    "yes",
    "off",
    "1e3",
    "'quoted'",
    '"double"',
    "/etc/ssl/ca.pem",
    "truststore",
    "~",
    "",
    "42",
    "!custom tagged",
]


def entry(rng: random.Random) -> str:
    value = rng.choice(ODD if rng.random() < 0.15 else COMMON)
    style = rng.random()
    if style < 0.2:
        return "'" + value.replace("'", "''") + "'"
    if style < 0.3:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if value in ("c: d", "a#b") or value.startswith(("-", "~")) or value == "it's":
        return "'" + value.replace("'", "''") + "'"  # plain would not be this entry
    if value in ("with space",):
        return f"'{value}'"
    return value


def comment(rng: random.Random) -> str:
    return rng.choice(["", "", "", "  # note", "   # keep: it's needed"])


def generated_condarc(rng: random.Random) -> str:
    """A ``.condarc`` as people write them: comments, layouts, quoting, anchors, odd values."""
    lines = []
    if rng.random() < 0.5:
        lines.append("# my settings")
    indent = rng.choice(["", "  ", "    "])
    keys = list(KEYS) + ["custom_channels", "pkgs_dirs", "envs_dirs"]
    rng.shuffle(keys)
    anchored = False
    for key in keys[: rng.randint(1, len(keys))]:
        if key in ("channels", "default_channels", "pkgs_dirs", "envs_dirs"):
            count = rng.choice([0, 1, 2, 3, 5, 8])
            items = [entry(rng) for _ in range(count)]
            kind = rng.random()
            if kind < 0.15:
                lines.append(f"{key}: [{', '.join(items)}]{comment(rng)}")
            elif kind < 0.2:
                lines.append(f"{key}:{comment(rng)}")  # null
            elif kind < 0.25 and anchored:
                lines.append(f"{key}: *shared")
            else:
                anchor = ""
                if not anchored and count and rng.random() < 0.15:
                    anchor, anchored = " &shared", True
                if not items:
                    lines.append(f"{key}:{anchor} []{comment(rng)}")
                    continue
                lines.append(f"{key}:{anchor}{comment(rng)}")
                for item in items:
                    lines.append(f"{indent}- {item}{comment(rng)}")
                    if rng.random() < 0.1:
                        lines.append(f"{indent}# between entries")
        elif key == "custom_channels":
            lines.append(f"{key}:")
            lines.append("  team: https://team.example.com/conda")
        else:
            lines.append(f"{key}: {rng.choice(SCALARS)}{comment(rng)}".rstrip() + "")
        if rng.random() < 0.1:
            lines.append("")
    text = "\n".join(lines) + ("\n" if rng.random() < 0.9 else "")
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    if rng.random() < 0.05:
        text = "\ufeff" + text
    return text


def generated_change(rng: random.Random):
    """An edit a use case makes, with what it read deciding what it writes."""
    key = rng.choice(["channels", "default_channels"])
    new = [rng.choice(ODD if rng.random() < 0.3 else COMMON) for _ in range(rng.randint(1, 3))]
    kind = rng.choice(
        ["append", "append", "remove", "remove", "move", "empty", "drop", "scalar", "unset"]
    )
    flag = rng.random() < 0.5

    def change(doc):
        current = doc.get_list(key) or []
        if kind == "append":
            doc.set_list(key, current + [v for v in new if v not in current])
        elif kind == "remove" and current:
            doc.set_list(key, [v for i, v in enumerate(current) if i % 2])
        elif kind == "move" and len(current) > 1:
            doc.set_list(key, current[1:] + current[:1])
        elif kind == "empty":
            doc.set_list(key, [])
        elif kind == "drop":
            doc.set_list(key, None)
        elif kind == "scalar":
            doc.set_scalar("channel_alias", new[0])
            doc.set_scalar("add_anaconda_token", flag)
        elif kind == "unset":
            doc.remove("ssl_verify")

    return change


def reads(condarc: Condarc):
    """Every answer the interface gives about the file (or the error it raises)."""
    doc = condarc.load()
    answers = {}
    for key in (*KEYS, "custom_channels", "pkgs_dirs", "missing"):
        for name in ("get_list", "get_scalar"):
            try:
                answers[name, key] = getattr(doc, name)(key)
            except CorruptCondarc as exc:
                answers[name, key] = type(exc)
    try:
        answers["settings"] = doc.settings()
    except CorruptCondarc as exc:
        answers["settings"] = type(exc)
    return answers


def as_conda_reads(raw: bytes):
    try:
        return YAML(typ="safe", pure=True).load(raw.decode("utf-8-sig"))
    except Exception as exc:  # noqa: BLE001 -- compared by kind
        return type(exc).__name__


@pytest.mark.parametrize("chunk", range(8))
def test_fast_path_and_round_trip_agree_on_generated_files(tmp_path, chunk):
    same_bytes = on_the_text = 0
    per_chunk = CASES // 8
    for case in range(chunk * per_chunk, (chunk + 1) * per_chunk):
        rng = random.Random(case)
        text = generated_condarc(rng)
        change = generated_change(rng)
        paths = {}
        for fast in (True, False):
            path = tmp_path / f"{case}-{fast}" / ".condarc"
            path.parent.mkdir()
            path.write_bytes(text.encode())
            paths[fast] = path
        where = f"case {case}:\n{text}"
        fast, slow = Condarc(paths[True]), Condarc(paths[False], fast=False)
        assert reads(fast) == reads(slow), where
        outcome = {}
        for name, condarc in (("fast", fast), ("slow", slow)):
            try:
                done = condarc.edit(change)
                outcome[name] = None
                on_the_text += done._proven
            except (CorruptCondarc, TypeError) as exc:
                outcome[name] = type(exc)
        assert outcome["fast"] == outcome["slow"], where
        after = {fast: paths[fast].read_bytes() for fast in (True, False)}
        same_bytes += after[True] == after[False]
        assert as_conda_reads(after[True]) == as_conda_reads(after[False]), where
        assert reads(Condarc(paths[True])) == reads(Condarc(paths[False], fast=False)), where
    assert same_bytes >= per_chunk // 2  # different bytes only where the layout allows two
    assert on_the_text >= per_chunk // 20  # the text edits are among those compared
