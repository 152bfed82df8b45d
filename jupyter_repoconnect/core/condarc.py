"""The user's ``.condarc``: round-trip YAML editing that keeps comments, order and quoting."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import CorruptCondarc
from .files import atomic_write, read_bytes

_TOKEN_IN_URL = re.compile(r"/t/[^/]+/")
MASK = "/t/<TOKEN>/"


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
    originals = [(str(item), item, seq.ca.items.get(i)) for i, item in enumerate(seq)]
    used: set[int] = set()
    items: list[Any] = []
    comments: dict[int, Any] = {}
    for new_index, value in enumerate(values):
        for old_index, (text, item, comment) in enumerate(originals):
            if old_index not in used and text == value:
                used.add(old_index)
                items.append(item)
                if comment is not None:
                    comments[new_index] = comment
                break
        else:
            items.append(value)
    seq.ca.items.clear()
    del seq[:]
    seq.extend(items)
    seq.ca.items.update(comments)


@dataclass
class CondarcDocument:
    """A parsed ``.condarc`` plus the bytes it came from."""

    path: Path
    raw: bytes | None
    data: Any  # ruamel CommentedMap
    indent: tuple[int, int, int] = (2, 4, 2)

    @property
    def version(self) -> str:
        return version_of(self.raw)

    def get_list(self, key: str) -> list[str] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise CorruptCondarc(
                f"'{key}' in {self.path} must be a list of channels; fix the file and try again.",
            )
        return [str(v) for v in value]

    def set_list(self, key: str, values: list[str] | None) -> None:
        """Set ``key`` to ``values`` in place, keeping comments; ``None`` removes the key."""
        from ruamel.yaml.comments import CommentedSeq

        if values is None:
            if key in self.data:
                del self.data[key]
            return
        current = self.data.get(key)
        if isinstance(current, CommentedSeq) and not values:
            self._set_empty(key, current)
        elif isinstance(current, CommentedSeq):
            _replace_items(current, values)
        else:
            seq = CommentedSeq(values)
            if key in self.data:
                self.data[key] = seq
            else:
                self.data.insert(len(self.data), key, seq)

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
        if not self.data:
            return b""
        buf = io.StringIO()
        _yaml(self.indent).dump(self.data, buf)
        text = buf.getvalue()
        # A removed last key can leave its blank separator behind; keep the file's own ending.
        if text.endswith("\n\n") and not (self.raw or b"").endswith(b"\n\n"):
            text = text.rstrip("\n") + "\n"
        return text.encode("utf-8")


class Condarc:
    """Reads and atomically rewrites one ``.condarc`` file. Callers hold the lock."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> CondarcDocument:
        raw = read_bytes(self.path)
        data = self.parse(raw)
        indent = _guess_indent(raw.decode("utf-8")) if raw else (2, 4, 2)
        return CondarcDocument(self.path, raw, data, indent)

    def parse(self, raw: bytes | None) -> Any:
        from ruamel.yaml.comments import CommentedMap
        from ruamel.yaml.error import MarkedYAMLError, YAMLError

        if raw is None or not raw.strip():
            return CommentedMap()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CorruptCondarc(
                f"{self.path} is not a UTF-8 text file; fix or move it away and try again."
            ) from None
        try:
            data = _yaml().load(text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = f" at line {mark.line + 1}" if mark is not None else ""
            problem = exc.problem or exc.context or "invalid YAML"
            raise CorruptCondarc(
                f"{self.path} is not valid YAML{line} ({problem}); fix the file and try again. "
                "It was not changed."
            ) from None
        except YAMLError:
            raise CorruptCondarc(
                f"{self.path} is not valid YAML; fix the file and try again. It was not changed."
            ) from None
        if data is None:
            return CommentedMap()
        if not isinstance(data, CommentedMap):
            kind = type(data).__name__.replace("Commented", "").lower()
            raise CorruptCondarc(
                f"{self.path} must hold a mapping of settings (key: value) at line 1, "
                f"but its top level is a {kind}; fix the file and try again. It was not changed."
            )
        return data

    def edit(self, change: Callable[[CondarcDocument], None]) -> CondarcDocument:
        """Load, apply ``change``, write back if anything changed. Returns the new document."""
        doc = self.load()
        change(doc)
        new = doc.dump()
        self.parse(new)  # never write a file we could not read back
        if new != (doc.raw or b""):
            if not new and doc.raw is None:
                return doc
            atomic_write(self.path, new)
            doc.raw = new
        return doc
