"""The fast path of ``.condarc``: reading settings, removing entries from the channel lists and
appending entries to them on the text, with libyaml (PyYAML's C parser, 20-300x faster than a
ruamel.yaml round trip) instead of ruamel.

Everything here answers only when it is sure to answer as ruamel.yaml (YAML 1.2, as conda reads
the file) would; otherwise it returns ``UNSURE`` or ``None`` and ``condarc.py`` takes the
ruamel.yaml round trip. An edit is made only after libyaml has read the new text back and found
the edited lists as intended and every other setting node for node unchanged.
"""

from __future__ import annotations

import re
from typing import Any

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
_BOOLS = {"true", "True", "TRUE", "false", "False", "FALSE"}  # booleans in YAML 1.1 and 1.2
# A value written without quotes: starts with a letter (so never a number in YAML 1.1 or 1.2;
# the bools and nulls are _RESERVED) and holds no character that YAML treats specially.
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./:@%+~=-]*")
_RESERVED = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}
_NUMERIC_START = set("0123456789+-.~=<")
_ITEM_PREFIX = re.compile(r" *- +")
UNSURE = object()  # "ask ruamel.yaml"


class View:
    """The top level of a ``.condarc`` as libyaml composes it (no construction, no aliases
    expanded). ``view(text)`` is ``None`` when libyaml is missing or cannot be trusted here."""

    def __init__(self, root: Any, keys: dict[str, tuple[Any, Any]]) -> None:
        self.root = root
        self.keys = keys

    def get_list(self, key: str) -> Any:
        """``list[str]``, ``None`` (absent or null), or ``UNSURE``."""
        node = self.keys.get(key, (None, None))[1]
        if node is None or _is_null(node):
            return None
        if type(node).__name__ != "SequenceNode":
            return UNSURE
        values = [_text(item) for item in node.value]
        return UNSURE if any(v is UNSURE for v in values) else values

    def get_scalar(self, key: str) -> Any:
        """``str``, ``bool``, ``None`` (absent, null, a list or a mapping), or ``UNSURE``."""
        node = self.keys.get(key, (None, None))[1]
        if node is None or _is_null(node) or type(node).__name__ != "ScalarNode":
            return None
        if node.tag == BOOL and not node.style and node.value in _BOOLS:  # plain
            return node.value.lower() == "true"
        return _text(node)

    def plain(self, key: str) -> Any:
        """A list of texts or a scalar as plain Python, or ``UNSURE``."""
        node = self.keys.get(key, (None, None))[1]
        if node is not None and type(node).__name__ == "MappingNode":
            return UNSURE
        if node is not None and type(node).__name__ == "SequenceNode":
            return self.get_list(key)
        return self.get_scalar(key)


def view(text: str, limit: int) -> View | None:
    try:
        import yaml

        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except Exception:  # no libyaml, or text it refuses: ruamel decides (and names the line)
        return None
    if root is None:
        return View(None, {})
    try:
        if type(root).__name__ != "MappingNode" or not _sound(root, limit):
            return None
    except RecursionError:  # nested thousands deep: ruamel decides (and refuses it)
        return None
    keys: dict[str, tuple[Any, Any]] = {}
    for key, value in root.value:
        if not _is_text(key) or key.value in keys:
            return None
        keys[key.value] = (key, value)
    return View(root, keys)


def edit_lists(text: str, before: View, changes: dict[str, list[str]], limit: int) -> str | None:
    """``text`` with each list of ``changes`` set to its new value, or ``None`` unless that is
    removing entries and appending new ones to a non-empty block list, or reordering its
    entries, one per line (then proven: libyaml reads the new text back as asked)."""
    edits: list[tuple[int, int, int, str]] = []  # (start, order, end, new text)
    for key, values in changes.items():
        current = before.get_list(key)
        if current is UNSURE or not current or not values:
            return None
        plan = _plan(current, values)
        order = _permutation(current, values) if plan is None else None
        if plan is None and order is None:
            return None
        node = before.keys[key][1]
        if node.flow_style:
            return None
        lines = [_line_of(text, item) for item in node.value]
        if any(line is None for line in lines):
            return None
        if order is not None:  # a move: each item's whole line (its comment too) moves
            for slot, source in enumerate(order):
                if source != slot:
                    start, end, _prefix = lines[slot]  # type: ignore[misc]
                    src_start, src_end, _ = lines[source]  # type: ignore[misc]
                    edits.append((start, 0, end, text[src_start:src_end]))
            continue
        assert plan is not None
        removed, added = plan
        if not removed and not added:
            continue  # unchanged
        for i in removed:
            start, end, _prefix = lines[i]  # type: ignore[misc]
            edits.append((start, 0, end, ""))
        if added:
            scalars = [_scalar(v) for v in added]
            if any(a is None for a in scalars):
                return None
            _start, end, prefix = lines[-1]  # type: ignore[misc]
            edits.append((end, 1, end, "".join(f"{prefix}{a}\n" for a in scalars)))
    new = text
    for start, _order, end, insert in sorted(edits, reverse=True):
        new = new[:start] + insert + new[end:]
    after = view(new, limit)
    if after is None or set(after.keys) != set(before.keys):
        return None
    for key, (_, node) in before.keys.items():
        if key in changes:
            if after.get_list(key) != changes[key]:
                return None
        elif not _same(node, after.keys[key][1], set()):
            return None
    return new


def _plan(current: list[str], values: list[str]) -> tuple[list[int], list[str]] | None:
    """``values`` as (indexes of ``current`` removed, entries appended), if it is that."""
    kept = 0
    removed: list[int] = []
    j = 0
    for kept, value in enumerate(values):  # noqa: B007 -- ``kept`` is used after the loop
        while j < len(current) and current[j] != value:
            removed.append(j)
            j += 1
        if j == len(current):
            break
        j += 1
    else:
        kept = len(values)
        removed += range(j, len(current))
    added = values[kept:]
    if any(value in current for value in added):
        return None  # a move, not an append
    return removed, added


def _permutation(current: list[str], values: list[str]) -> list[int] | None:
    """For ``values`` that are ``current`` reordered: the index in ``current`` of each value
    (equal entries keep their order), else None."""
    if len(current) != len(values) or sorted(current) != sorted(values):
        return None
    unused: dict[str, list[int]] = {}
    for index, value in enumerate(current):
        unused.setdefault(value, []).append(index)
    return [unused[value].pop(0) for value in values]


def _line_of(text: str, item: Any) -> tuple[int, int, str] | None:
    """(start, end past the newline, item prefix) of the line holding a one-line list item."""
    start = text.rfind("\n", 0, item.start_mark.index) + 1
    prefix = text[start : item.start_mark.index]
    end = text.find("\n", item.end_mark.index)
    if not _ITEM_PREFIX.fullmatch(prefix) or end < 0 or "\n" in text[start : item.end_mark.index]:
        return None
    return start, end + 1, prefix


def _scalar(value: str) -> str | None:
    if _PLAIN.fullmatch(value) and value.lower() not in _RESERVED:
        return value
    if any(ord(c) < 32 or c == "\x7f" for c in value):
        return None
    return "'" + value.replace("'", "''") + "'"


def _text(node: Any) -> Any:
    """The text of a scalar that YAML 1.2 (ruamel.yaml, conda) reads as text too, or ``UNSURE``.

    libyaml resolves plain scalars by YAML 1.1: ``1e3`` or ``0o17`` are text there and numbers
    in 1.2. Quoted and block scalars are text in both, plain ones unless they could be a number,
    a null or a boolean in either.
    """
    if not _is_text(node):
        return UNSURE
    value: str = node.value
    if not node.style and (  # plain ("" from libyaml, None from PyYAML)
        not value or value[0] in _NUMERIC_START or value.lower() in _RESERVED
    ):
        return UNSURE
    return value


def _is_text(node: Any) -> bool:
    return type(node).__name__ == "ScalarNode" and node.tag == STR


def _is_null(node: Any) -> bool:
    return type(node).__name__ == "ScalarNode" and node.tag == NULL


def _sound(root: Any, limit: int) -> bool:
    """No alias expansion beyond ``limit`` nodes, no alias cycle, no duplicate key (ruamel
    refuses those: let it say so)."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(node: Any) -> int:
        kind = type(node).__name__
        if kind == "ScalarNode":
            return 1 + len(node.value) // 100
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in open_:
            raise ValueError("alias cycle")
        open_.add(id(node))
        total = 1
        if kind == "MappingNode":
            seen = set()
            for key, value in node.value:
                marker = key.value if type(key).__name__ == "ScalarNode" else id(key)
                if marker in seen:
                    raise ValueError("duplicate key")
                seen.add(marker)
                total += size(key) + size(value)
                if total > limit:
                    raise ValueError("too large")
        else:
            for item in node.value:
                total += size(item)
                if total > limit:
                    raise ValueError("too large")
        open_.discard(id(node))
        sizes[id(node)] = total
        return total

    try:
        size(root)
    except (ValueError, RecursionError):
        return False
    return True


def _same(a: Any, b: Any, seen: set[tuple[int, int]]) -> bool:
    """Node for node equal (aliases followed once)."""
    if (id(a), id(b)) in seen:
        return True
    seen.add((id(a), id(b)))
    if type(a) is not type(b) or a.tag != b.tag:
        return False
    if type(a).__name__ == "ScalarNode":
        return bool(a.value == b.value and a.style == b.style)
    if len(a.value) != len(b.value):
        return False
    if type(a).__name__ == "MappingNode":
        return all(
            _same(ka, kb, seen) and _same(va, vb, seen)
            for (ka, va), (kb, vb) in zip(a.value, b.value, strict=True)
        )
    return all(_same(x, y, seen) for x, y in zip(a.value, b.value, strict=True))
