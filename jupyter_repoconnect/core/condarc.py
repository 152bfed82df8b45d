"""The user's ``.condarc``: round-trip YAML editing that keeps comments, order and quoting.

One edit parses the file once and writes it once. Read-only callers (status, the channel lists)
get the lists from a cache keyed by the file's identity, so an unchanged file is not parsed again.
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
TEXTS = ("channel_alias",)  # scalar settings that read-only callers get from the cache
BOM = "\ufeff"
# What aliases may add beyond the file's own size (entries, or 100 characters of text each).
ALIAS_ALLOWANCE = 10_000
_UNSET = object()


def mask_token(url: str) -> str:
    """Hide a ``/t/<TOKEN>/`` segment of a channel URL for display."""
    return _TOKEN_IN_URL.sub(MASK, url)


def version_of(raw: bytes | None) -> str:
    return "absent" if raw is None else hashlib.sha256(raw).hexdigest()[:16]


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


class CondarcDocument:
    """A ``.condarc`` plus the bytes it came from; parsed on first use of :attr:`data`.

    A ``fast`` document answers ``get_list`` from libyaml and keeps ``set_list`` changes
    pending: ``dump`` removes and appends entries on the text (``condarc_splice.py``) and takes
    the ruamel.yaml round trip for anything else.
    """

    def __init__(
        self,
        path: Path,
        raw: bytes | None,
        data: Any = None,
        indent: tuple[int, int, int] | None = None,
        *,
        lists: dict[str, Any] | None = None,
        fast: bool = False,
    ) -> None:
        self.path = Path(path)
        self.raw = raw
        self._data = data
        self._indent = indent
        self._lists = lists  # from the cache, while ``data`` is not parsed
        self._fast = fast
        self._view: Any = _UNSET
        self._pending: dict[str, list[str] | None] = {}
        self.edited: set[str] = set()
        self.proven = False  # the last dump() was already read back by libyaml

    @property
    def data(self) -> Any:  # ruamel CommentedMap
        if self._data is None:
            self._data = _parse(self.path, self.raw)
            self._lists = None
            pending, self._pending = self._pending, {}
            for key, values in pending.items():
                self._set_list_data(key, values)
        return self._data

    @property
    def version(self) -> str:
        return version_of(self.raw)

    def light(self) -> splice.View | None:
        """The libyaml view while ruamel has not parsed the file (``None``: not available)."""
        if not self._fast or self._data is not None:
            return None
        if self._view is _UNSET:
            text = _decode(self.path, self.raw)[0]
            self._view = splice.view(text, len(self.raw or b"") + ALIAS_ALLOWANCE)
        return self._view  # type: ignore[no-any-return]

    def get_list(self, key: str) -> list[str] | None:
        if self._data is None:
            if key in self._pending:
                pending = self._pending[key]
                return None if pending is None else list(pending)
            if self._lists is not None and key in self._lists:
                value = self._lists[key]
                if isinstance(value, CorruptCondarc):
                    raise CorruptCondarc(value.message)
                return None if value is None else list(value)
            light = self.light()
            if light is not None and (found := light.get_list(key)) is not splice.UNSURE:
                return found  # type: ignore[no-any-return]
        return _read_list(self.path, self.data, key)

    def get_text(self, key: str) -> str | None:
        """A scalar setting as text (``channel_alias`` comes from the cache); else ``None``."""
        if self._data is None:
            if self._lists is not None and key in self._lists:
                return self._lists[key]  # type: ignore[no-any-return]
            light = self.light()
            if light is not None and (found := light.get_text(key)) is not splice.UNSURE:
                return found  # type: ignore[no-any-return]
        return _text_value(self.data.get(key))

    def get_scalar(self, key: str) -> str | bool | int | float | None:
        """A scalar setting as YAML typed it (``None``: absent, or not a scalar)."""
        value = self.data.get(key) if isinstance(self.data, dict) else None
        return value if isinstance(value, (str, bool, int, float)) else None

    def set_scalar(self, key: str, value: str | bool | int | float) -> None:
        """Set a scalar setting, keeping the rest of the file as it is."""
        self.data[key] = value

    def remove(self, key: str) -> None:
        """Remove a setting (nothing happens when it is absent)."""
        if key in self.data:
            del self.data[key]

    def settings(self) -> dict[str, Any]:
        """A plain, deep copy of every setting (for conda's HTTP settings); never written."""
        import copy

        return {str(k): copy.deepcopy(v) for k, v in (self.data or {}).items()}

    def set_list(self, key: str, values: list[str] | None) -> None:
        """Set ``key`` to ``values`` in place, keeping comments; ``None`` removes the key."""
        self.edited.add(key)
        if self._data is None and self.light() is not None:
            self._pending[key] = None if values is None else list(values)
        else:
            self._set_list_data(key, values)

    def _set_list_data(self, key: str, values: list[str] | None) -> None:
        from ruamel.yaml.comments import CommentedSeq

        data = self.data
        if values is None:
            if key in data:
                del data[key]
            return
        current = data.get(key)
        if isinstance(current, CommentedSeq) and not values:
            self._set_empty(key, current)
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

    def _set_empty(self, key: str, current: Any) -> None:
        """``key: []`` on one line, keeping a comment that stood after ``key:``."""
        from ruamel.yaml.comments import CommentedSeq

        comment = current.ca.comment[0] if current.ca.comment else None
        if comment is None:
            tokens = self.data.ca.items.get(key)
            comment = tokens[2] if tokens and len(tokens) > 2 else None
        self.data.ca.items.pop(key, None)
        empty = CommentedSeq()
        empty.fa.set_flow_style()
        self.data[key] = empty
        if comment is not None:
            self.data.yaml_add_eol_comment(comment.value.strip(), key)

    def dump(self) -> bytes:
        self.proven = False
        if self._data is None and not self._pending:
            return self.raw or b""  # nothing changed: the file as it is
        light = self.light()
        if light is not None and None not in self._pending.values():
            text, bom, crlf = _decode(self.path, self.raw)
            changes = {k: v for k, v in self._pending.items() if v is not None}
            new = splice.edit_lists(text, light, changes, len(text) + ALIAS_ALLOWANCE)
            if new is not None:
                self.proven = True
                return _encode(new, bom, crlf)
        if not self.data:
            return b""
        text, bom, crlf = _decode(self.path, self.raw)
        buf = io.StringIO()
        _yaml(self._indent or _guess_indent(text)).dump(self.data, buf)
        out = buf.getvalue()
        # A removed last key can leave its blank separator behind; keep the file's own ending.
        if out.endswith("\n\n") and not text.endswith("\n\n"):
            out = out.rstrip("\n") + "\n"
        return _encode(out, bom, crlf)

    def snapshot(self) -> dict[str, Any]:
        """What the cache keeps: each channel list (or the error reading it), and ``TEXTS``."""
        lists: dict[str, Any] = {}
        for key in LISTS:
            try:
                value = self.get_list(key)
            except CorruptCondarc as exc:
                lists[key] = exc
            else:
                lists[key] = None if value is None else tuple(value)
        for key in TEXTS:
            lists[key] = self.get_text(key)
        return lists


class Condarc:
    """Reads and atomically rewrites one ``.condarc`` file. Callers hold the lock."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> CondarcDocument:
        """The file as it is now; unchanged since the last read, it is not parsed again."""

        def parse(raw: bytes | None) -> tuple[Any, Any]:
            try:
                doc = CondarcDocument(self.path, raw, fast=True)
                if doc.light() is None:
                    doc.data  # noqa: B018 -- ruamel parses it, or names what is wrong
                return (raw, doc.snapshot()), doc
            except CorruptCondarc as exc:
                return (raw, exc), None

        (raw, lists), fresh = FILES.read(self.path, parse)
        if isinstance(lists, CorruptCondarc):
            raise CorruptCondarc(lists.message)
        if fresh is not None:
            return fresh  # type: ignore[no-any-return]
        return CondarcDocument(self.path, raw, lists=lists)

    def parse(self, raw: bytes | None) -> Any:
        return _parse(self.path, raw)

    def edit(self, change: Callable[[CondarcDocument], None]) -> CondarcDocument:
        """Load, apply ``change``, write back if anything changed. Returns the new document.

        One parse and one write. The file is compared byte for byte just before it is
        replaced; if another program changed it meanwhile, the edit is made again on its bytes.
        """
        for _ in range(3):
            since = time.time_ns()
            raw = read_bytes(self.path)
            doc = CondarcDocument(self.path, raw, fast=True)
            if doc.light() is None:
                doc.data  # noqa: B018 -- ruamel parses it, or names what is wrong
            change(doc)
            new = doc.dump()
            if new == (raw or b"") or (not new and raw is None):
                return doc
            if not doc.proven:
                _check_readable(doc, new)
            if read_bytes(self.path) != raw:
                continue
            atomic_write(self.path, new)
            doc.raw = new
            FILES.prime(self.path, new, (new, doc.snapshot()), since)
            return doc
        raise Conflict(
            f"{self.path} kept changing while it was being edited (another program is writing "
            "it); try again in a moment.",
            code="busy",
        )


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


def _text_value(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _check_readable(doc: CondarcDocument, new: bytes) -> None:
    """Never write a file we could not read back: a fast C parse of ``new``, lists compared.

    libyaml (PyYAML's C parser, 10-100x faster than ruamel's) must parse the whole new file and
    find each edited list with the same text entries; without it, or if it disagrees, the full
    ruamel parse decides.
    """
    want: dict[str, list[tuple[str, bool]] | None] = {}
    for key in doc.edited:
        seq = doc.data.get(key)
        want[key] = None if seq is None else [(str(v), isinstance(v, str)) for v in seq]
    text = _decode(doc.path, new)[0]
    try:
        import yaml

        root = yaml.compose(text, Loader=yaml.CSafeLoader)
        if _same_lists(want, {key: _node_list(root, key) for key in want}):
            return
    except Exception:  # noqa: S110 -- no libyaml, or YAML it does not know: the full parse decides
        pass
    data = _parse(doc.path, new)
    if not _same_lists(want, {key: _read_list(doc.path, data, key) for key in want}):
        raise CorruptCondarc(
            f"Editing {doc.path} would produce a file that conda cannot read back; "
            "it was not changed. Please report this with a copy of the file."
        )


def _same_lists(
    want: dict[str, list[tuple[str, bool]] | None], got: dict[str, list[str] | None]
) -> bool:
    for key, items in want.items():
        found = got[key]
        if items is None or found is None:
            if items is not found:
                return False
            continue
        # Only text entries: YAML 1.1 (libyaml) and 1.2 spell some numbers differently.
        texts = [(f, text) for f, (text, is_text) in zip(found, items, strict=False) if is_text]
        if len(found) != len(items) or any(f != text for f, text in texts):
            return False
    return True


def _node_list(root: Any, key: str) -> list[str] | None:
    if root is None:
        return None
    for k, v in root.value:
        if k.value == key:
            if v.tag.endswith(":null"):
                return None
            return [str(item.value) for item in v.value]
    return None
