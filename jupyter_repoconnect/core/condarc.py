"""The user's ``.condarc`` behind one small typed interface.

Use cases read and change the file only through :class:`CondarcDocument` — ``get_list`` /
``set_list``, ``get_scalar`` / ``set_scalar``, ``remove`` and ``settings`` — inside
:meth:`Condarc.edit` (one parse, one write) or on :meth:`Condarc.load` (read only).

Two parsers stand behind it. ruamel.yaml's round trip is the one editor and the authority: it
keeps comments, order, quoting, tags and anchors. libyaml (``condarc_splice.py``, C) answers a
read when it is sure to answer as ruamel would, makes the edits that remove and append entries of
a block list on the text, and reads back what the round trip wrote. The round trip alone takes
100-400 ms at 2,000 lines of settings (bench/condarc_edit.py), the text edit a tenth of that.
Read-only callers get their answers from a cache keyed by the file's identity (``cache.py``).
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import condarc_splice as splice
from .cache import FILES
from .errors import Conflict, CorruptCondarc
from .files import atomic_write, read_bytes

_TOKEN_IN_URL = re.compile(r"/t/[^/]+/")
MASK = "/t/<TOKEN>/"
LISTS = ("channels", "default_channels")
SCALARS = ("channel_alias",)  # scalar settings that read-only callers get from the cache
BOM = "\ufeff"
# What aliases may add beyond the file's own size (entries, or 100 characters of text each).
ALIAS_ALLOWANCE = 10_000
UNSURE = splice.UNSURE
Scalar = str | bool | int | float


def mask_token(url: str) -> str:
    """Hide a ``/t/<TOKEN>/`` segment of a channel URL for display."""
    return _TOKEN_IN_URL.sub(MASK, url)


def version_of(raw: bytes | None) -> str:
    return "absent" if raw is None else hashlib.sha256(raw).hexdigest()[:16]


class CondarcDocument:
    """A ``.condarc`` and the bytes it came from.

    Answers come from the first that is sure: the cache's answers (an unchanged file), list
    edits not yet written, the libyaml view, the ruamel.yaml map (parsed on first need).
    ``set_list`` on a file libyaml reads is kept pending and made on the text when it only
    removes and appends entries; every other change is made on the ruamel.yaml map.
    """

    def __init__(
        self,
        path: Path,
        raw: bytes | None,
        *,
        fast: bool = True,
        answers: dict[tuple[str, str], Any] | None = None,
    ) -> None:
        self.path = Path(path)
        self.raw = raw
        self._fast = fast
        self._answers = answers  # from the cache: ("list" | "scalar", key) -> answer
        self._view: splice.View | None | object = UNSURE  # UNSURE: not built yet
        self._map: Any = None  # ruamel.yaml CommentedMap
        self._pending: dict[str, list[str]] = {}
        self._edited: set[str] = set()
        self._proven = False  # the last _dump() was already read back by libyaml

    @property
    def version(self) -> str:
        return version_of(self.raw)

    # --- the interface -------------------------------------------------------------------------

    def get_list(self, key: str) -> list[str] | None:
        """A list of channel names or URLs (``None``: absent or null); corrupt if not a list."""
        found = self._quick("list", key)
        if found is UNSURE:
            return _read_list(self.path, self._ruamel(), key)
        return None if found is None else list(found)

    def set_list(self, key: str, values: list[str] | None) -> None:
        """Set ``key`` to ``values``, keeping comments and quoting of kept entries; ``None``
        removes the key."""
        if values is not None and (
            isinstance(values, str) or not all(isinstance(v, str) for v in values)
        ):
            raise TypeError(f"{key} must be a list of strings")
        self._edited.add(key)
        if values is not None and self._map is None and self._light() is not None:
            self._pending[key] = list(values)
        else:
            _set_list(self._ruamel(), key, None if values is None else list(values))

    def get_scalar(self, key: str) -> Scalar | None:
        """A scalar setting as YAML 1.2 types it (``None``: absent, null, or not a scalar)."""
        found = self._quick("scalar", key)
        return _scalar_of(self._ruamel().get(key)) if found is UNSURE else found

    def set_scalar(self, key: str, value: Scalar) -> None:
        """Set a scalar setting, keeping the rest of the file as it is."""
        if not isinstance(value, (str, bool, int, float)):
            raise TypeError(f"{key} must be a text, a boolean or a number")
        self._edited.add(key)
        self._ruamel()[key] = value

    def remove(self, key: str) -> None:
        """Remove a setting (nothing happens when it is absent)."""
        self._edited.add(key)
        data = self._ruamel()
        if key in data:
            del data[key]

    def settings(self) -> dict[str, Any]:
        """Every setting as plain Python (dict, list, str, bool, int, float, None), a deep copy:
        for conda's HTTP settings and the HTTP clients built from them. Never written."""
        return {str(k): _plain(v) for k, v in self._ruamel().items()}

    # --- deprecated: the lead switches the last callers --------------------------------------

    # --- behind the interface --------------------------------------------------------------------

    def _quick(self, kind: str, key: str) -> Any:
        """The answer without ruamel.yaml, or ``UNSURE``."""
        if self._map is not None:
            return UNSURE
        if key in self._pending:
            return self._pending[key] if kind == "list" else None
        if self._answers is not None and (kind, key) in self._answers:
            found = self._answers[kind, key]
            if isinstance(found, CorruptCondarc):
                raise CorruptCondarc(found.message)
            return found
        view = self._light()
        if view is None:
            return UNSURE
        return view.get_list(key) if kind == "list" else view.get_scalar(key)

    def _light(self) -> splice.View | None:
        """The libyaml view while ruamel.yaml has not parsed the file (``None``: not here)."""
        if not self._fast or self._map is not None:
            return None
        if self._view is UNSURE:
            text = _decode(self.path, self.raw)[0]
            self._view = splice.view(text, len(self.raw or b"") + ALIAS_ALLOWANCE)
        return self._view  # type: ignore[return-value]

    def _ruamel(self) -> Any:
        """The ruamel.yaml map, parsed on first use, with the pending list edits made on it."""
        if self._map is None:
            self._map = _parse(self.path, self.raw)
            self._answers = None
            pending, self._pending = self._pending, {}
            for key, values in pending.items():
                _set_list(self._map, key, values)
        return self._map

    def _dump(self) -> bytes:
        self._proven = False
        if self._map is None:
            if not self._pending:
                return self.raw or b""  # nothing changed: the file as it is
            view = self._light()
            if view is not None:
                text, bom, crlf = _decode(self.path, self.raw)
                new = splice.edit_lists(text, view, self._pending, len(text) + ALIAS_ALLOWANCE)
                if new is not None:
                    self._proven = True
                    return _encode(new, bom, crlf)
        data = self._ruamel()
        if not data:
            return b""
        text, bom, crlf = _decode(self.path, self.raw)
        buf = io.StringIO()
        _yaml(_guess_indent(text)).dump(data, buf)
        out = buf.getvalue()
        # A removed last key can leave its blank separator behind; keep the file's own ending.
        if out.endswith("\n\n") and not text.endswith("\n\n"):
            out = out.rstrip("\n") + "\n"
        return _encode(out, bom, crlf)

    def _cacheable(self) -> dict[tuple[str, str], Any]:
        """What the cache keeps: each channel list (or the error reading it), and ``SCALARS``."""
        answers: dict[tuple[str, str], Any] = {}
        for key in LISTS:
            try:
                found = self.get_list(key)
            except CorruptCondarc as exc:
                answers["list", key] = exc
            else:
                answers["list", key] = None if found is None else tuple(found)
        for key in SCALARS:
            answers["scalar", key] = self.get_scalar(key)
        return answers


class Condarc:
    """Reads and atomically rewrites one ``.condarc`` file. Callers hold the lock.

    ``fast=False`` never uses libyaml: the ruamel.yaml round trip alone (tests and the bench
    compare the two).
    """

    def __init__(self, path: Path, *, fast: bool = True) -> None:
        self.path = Path(path)
        self.fast = fast

    def load(self) -> CondarcDocument:
        """The file as it is now; unchanged since the last read, it is not parsed again."""

        def parse(raw: bytes | None) -> tuple[Any, Any]:
            try:
                doc = self._open(raw)
                return (raw, doc._cacheable()), doc
            except CorruptCondarc as exc:
                return (raw, exc), None

        (raw, answers), fresh = FILES.read(self.path, parse)
        if isinstance(answers, CorruptCondarc):
            raise CorruptCondarc(answers.message)
        if fresh is not None:
            return fresh  # type: ignore[no-any-return]
        return CondarcDocument(self.path, raw, fast=self.fast, answers=answers)

    def edit(self, change: Callable[[CondarcDocument], None]) -> CondarcDocument:
        """Load, apply ``change``, write back if anything changed. Returns the new document.

        One parse and one write. The new bytes are read back before they are written (never a
        file conda cannot read), and the file is compared byte for byte just before it is
        replaced; if another program changed it meanwhile, the edit is made again on its bytes.
        """
        for _ in range(3):
            since = time.time_ns()
            raw = read_bytes(self.path)
            doc = self._open(raw)
            change(doc)
            new = doc._dump()
            if new == (raw or b"") or (not new and raw is None):
                return doc
            if not doc._proven:
                _check_readable(doc, new)
            if read_bytes(self.path) != raw:
                continue
            atomic_write(self.path, new)
            doc.raw = new
            FILES.prime(self.path, new, (new, doc._cacheable()), since)
            return doc
        raise Conflict(
            f"{self.path} kept changing while it was being edited (another program is writing "
            "it); try again in a moment.",
            code="busy",
        )

    def _open(self, raw: bytes | None) -> CondarcDocument:
        """A document of ``raw``; corrupt unless libyaml or ruamel.yaml reads it."""
        doc = CondarcDocument(self.path, raw, fast=self.fast)
        if doc._light() is None:
            doc._ruamel()  # ruamel parses it, or names what is wrong
        return doc


# --- ruamel.yaml ---------------------------------------------------------------------------------


def _yaml(indent: tuple[int, int, int] = (2, 4, 2)) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    return yaml


def _guess_indent(text: str) -> tuple[int, int, int]:
    """The file's own list indentation, so untouched lists are written back as they were."""
    match = re.search(r"^( *)- ", text, flags=re.MULTILINE)
    if match is None:
        return (2, 4, 2)
    offset = len(match.group(1))
    return (2, offset + 2, offset)


def _decode(path: Path, raw: bytes | None) -> tuple[str, bool, bool]:
    """The text with ``\\n`` line ends, and whether the file had a BOM and CRLF line ends."""
    if raw is None:
        return "", False, False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CorruptCondarc(
            f"{path} is not a UTF-8 text file; fix or move it away and try again."
        ) from None
    bom = text.startswith(BOM)
    text = text.removeprefix(BOM)
    first_end = text.find("\n")
    crlf = first_end > 0 and text[first_end - 1] == "\r"
    return text.replace("\r\n", "\n"), bom, crlf


def _encode(text: str, bom: bool, crlf: bool) -> bytes:
    if crlf:
        text = text.replace("\n", "\r\n")
    return ((BOM if bom else "") + text).encode("utf-8")


def _parse(path: Path, raw: bytes | None) -> Any:
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if raw is None or not raw.strip():
        return CommentedMap()
    text = _decode(path, raw)[0]
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" at line {mark.line + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise CorruptCondarc(
            f"{path} is not valid YAML{line} ({problem}); fix the file and try again. "
            "It was not changed."
        ) from None
    except YAMLError:
        raise CorruptCondarc(
            f"{path} is not valid YAML; fix the file and try again. It was not changed."
        ) from None
    except ValueError:  # a number over Python's 4,300-digit limit for int()
        raise CorruptCondarc(
            f"{path} holds a number too long to read; fix the file and try again. It was not "
            "changed."
        ) from None
    except RecursionError:  # thousands of nested [ or {: no settings file looks like that
        raise CorruptCondarc(
            f"{path} nests lists or mappings too deeply to be read; fix the file and try "
            "again. It was not changed."
        ) from None
    if data is None:
        return CommentedMap()
    if not isinstance(data, CommentedMap):
        kind = type(data).__name__.replace("Commented", "").lower()
        raise CorruptCondarc(
            f"{path} must hold a mapping of settings (key: value) at line 1, "
            f"but its top level is a {kind}; fix the file and try again. It was not changed."
        )
    _bound_aliases(path, data, len(raw) + ALIAS_ALLOWANCE)
    return data


def _bound_aliases(path: Path, data: Any, limit: int) -> None:
    """Refuse YAML aliases that expand the settings far beyond the file (an "alias bomb")."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def refuse(node: Any, why: str) -> CorruptCondarc:
        line = getattr(getattr(node, "lc", None), "line", None)
        where = f" at line {line + 1}" if line is not None else ""
        return CorruptCondarc(
            f"{path} uses YAML aliases (*name){where} that {why}; write the entries out "
            "instead of aliasing them, then try again. It was not changed."
        )

    def size(node: Any) -> int:
        if isinstance(node, str):
            return 1 + len(node) // 100
        if not isinstance(node, (dict, list)):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_:
            raise refuse(node, "refer to themselves")
        open_.add(key)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        total = 1
        for k, v in items:
            total += size(k) + size(v)
            if total > limit:
                raise refuse(node, f"expand to more than {limit:,} entries")
        open_.discard(key)
        sizes[key] = total
        return total

    try:
        size(data)
    except RecursionError:
        raise refuse(data, "nest too deeply") from None


def _read_list(path: Path, data: Any, key: str) -> list[str] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise CorruptCondarc(
            f"'{key}' in {path} must be a list of channels; fix the file and try again.",
        )
    for i, item in enumerate(value):
        if isinstance(item, (list, dict)):
            line = value.lc.item(i)[0] + 1 if hasattr(value, "lc") else "?"
            raise CorruptCondarc(
                f"'{key}' in {path} must be a list of channel names or URLs, but line {line} "
                "holds a nested list or mapping; fix the file and try again.",
            )
    return [str(v) for v in value]


def _scalar_of(value: Any) -> Scalar | None:
    """A ruamel.yaml value as a plain scalar (its own types are subclasses)."""
    if isinstance(value, bool) or type(value).__name__ == "ScalarBoolean":  # anchored: an int
        return bool(value)
    for kind in (int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return None


def _plain(value: Any) -> Any:
    """A deep copy of a ruamel.yaml value with plain types only."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None:
        return None
    scalar = _scalar_of(value)
    if scalar is not None:
        return scalar
    inner = getattr(value, "value", None)  # a TaggedScalar (``!tag text``)
    if isinstance(inner, str):
        return str(inner)
    import copy

    return copy.deepcopy(value)  # a timestamp or a set: already plain enough


def _set_list(data: Any, key: str, values: list[str] | None) -> None:
    from ruamel.yaml.comments import CommentedSeq

    if values is None:
        if key in data:
            del data[key]
        return
    current = data.get(key)
    if isinstance(current, CommentedSeq) and not values:
        _set_empty(data, key, current)
    elif isinstance(current, CommentedSeq) and current.anchor.value is not None:
        _unshare(data, key, values)
    elif isinstance(current, CommentedSeq):
        _replace_items(current, values)
    else:
        seq = CommentedSeq(values)
        if key in data:
            data[key] = seq
        else:
            data.insert(len(data), key, seq)


def _set_empty(data: Any, key: str, current: Any) -> None:
    """``key: []`` on one line, keeping a comment that stood after ``key:``."""
    from ruamel.yaml.comments import CommentedSeq

    comment = current.ca.comment[0] if current.ca.comment else None
    if comment is None:
        tokens = data.ca.items.get(key)
        comment = tokens[2] if tokens and len(tokens) > 2 else None
    data.ca.items.pop(key, None)
    empty = CommentedSeq()
    empty.fa.set_flow_style()
    data[key] = empty
    if comment is not None:
        data.yaml_add_eol_comment(comment.value.strip(), key)


def _replace_items(seq: Any, values: list[str]) -> None:
    """Make ``seq`` hold ``values``, reusing the original items (quoting, comments) where equal."""
    originals: dict[str, deque[tuple[Any, Any]]] = {}
    for i, item in enumerate(seq):
        originals.setdefault(str(item), deque()).append((item, seq.ca.items.get(i)))
    items: list[Any] = []
    comments: dict[int, Any] = {}
    for new_index, value in enumerate(values):
        queue = originals.get(value)
        if queue:
            item, comment = queue.popleft()
            items.append(item)
            if comment is not None:
                comments[new_index] = comment
        else:
            items.append(value)
    seq.ca.items.clear()
    del seq[:]
    seq.extend(items)
    seq.ca.items.update(comments)


def _unshare(data: Any, key: str, values: list[str]) -> None:
    """Give ``key`` its own list holding ``values`` when a YAML anchor shares its list with
    other keys: editing one of them must not change the others."""
    from ruamel.yaml.comments import CommentedSeq

    shared = data[key]
    sharing = [k for k, v in data.items() if v is shared]
    copy = CommentedSeq(shared)
    if shared.fa.flow_style():
        copy.fa.set_flow_style()
    if sharing[0] == key:  # the anchor, and the comments, are written on this key's lines
        copy.ca.items.update(shared.ca.items)
        shared.ca.items.clear()
        copy.ca.comment, shared.ca.comment = shared.ca.comment, None
    _replace_items(copy, values)
    data[key] = copy
    # ruamel copies the anchoring key's comments to the keys that alias it: keep them there only.
    first = data.ca.items.get(sharing[0]) or []
    for other in sharing[1:]:
        theirs = data.ca.items.get(other) or []
        if any(a is not None and a is b for a, b in zip(first, theirs, strict=False)):
            del data.ca.items[other]


def _check_readable(doc: CondarcDocument, new: bytes) -> None:
    """Never write a file we could not read back: each edited setting must read as intended.

    libyaml reads it back when it is sure of every edited setting (a tenth of a ruamel.yaml
    parse); otherwise, if it disagrees, or with ``fast=False``, ruamel.yaml decides.
    """
    data = doc._ruamel()
    keys = set(doc._edited)
    want = {key: _plain(data.get(key)) for key in keys}
    if doc._fast:
        view = splice.view(_decode(doc.path, new)[0], len(new) + ALIAS_ALLOWANCE)
        if view is not None and {key: view.plain(key) for key in keys} == want:
            return
    try:
        again = _parse(doc.path, new)
    except CorruptCondarc:
        again = None
    if again is None or {key: _plain(again.get(key)) for key in keys} != want:
        raise CorruptCondarc(
            f"Editing {doc.path} would produce a file that conda cannot read back; "
            "it was not changed. Please report this with a copy of the file."
        )
