"""Configure Conda: edit the ``channels`` and ``default_channels`` lists of ``.condarc``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import validate
from .condarc import MASK, Condarc, CondarcDocument, mask_token
from .errors import BadInput, Conflict
from .models import CondarcChannels

LISTS = ("channels", "default_channels")
DEFAULT_CHANNEL_ALIAS = "https://conda.anaconda.org"  # conda's own default
DEFAULTS_WARNING = (
    "Anaconda recommends against removing 'defaults' from channels: conda would stop finding "
    "packages from your default channels. Confirm to remove it anyway."
)


def read(doc: CondarcDocument) -> CondarcChannels:
    defaults = doc.get_list("default_channels")
    return CondarcChannels(
        path=str(doc.path),
        channels=[mask_token(c) for c in doc.get_list("channels") or []],
        default_channels=None if defaults is None else [mask_token(c) for c in defaults],
        version=doc.version,
        exists=doc.raw is not None,
    )


def apply(
    condarc: Condarc,
    change: Callable[[CondarcDocument], None],
    *,
    version: str | None,
    confirm_defaults: bool,
) -> CondarcChannels:
    """One checked edit: the version still matches, ``defaults`` kept unless confirmed."""

    def guarded(doc: CondarcDocument) -> None:
        if version is not None and version != doc.version:
            raise Conflict(
                f"{doc.path} changed on disk since you opened it (another window or program "
                "edited it). Reload it and make your changes again.",
                code="stale_version",
            )
        had_defaults = "defaults" in (doc.get_list("channels") or [])
        change(doc)
        if (
            had_defaults
            and "defaults" not in (doc.get_list("channels") or [])
            and not confirm_defaults
        ):
            raise BadInput(DEFAULTS_WARNING, code="confirm_defaults")

    return read(condarc.edit(guarded))


def _which(from_list: str | None) -> tuple[str, ...]:
    if from_list is None:
        return LISTS
    if from_list not in LISTS:
        raise BadInput("Choose 'channels' or 'default_channels'.", code="bad_list")
    return (from_list,)


def channel_alias_of(doc: CondarcDocument) -> str:
    """The ``channel_alias`` conda applies to ``doc``'s channel names (conda's default if unset)."""
    return str(doc.get_scalar("channel_alias") or DEFAULT_CHANNEL_ALIAS).rstrip("/")


def same_channel(shown: str, original: str, alias: str = DEFAULT_CHANNEL_ALIAS) -> bool:
    """``shown`` (as typed or listed, maybe masked) names the ``original`` entry of the file.

    A channel name and its URL under ``alias`` are the same channel for conda, so
    ``channels remove NAME`` finds ``<alias>/NAME`` and the URL finds ``NAME``.
    """
    return bool(_matcher([shown], alias)(original))


def already_listed(names: Sequence[str], entries: Sequence[str], alias: str) -> set[str]:
    """The ``names`` that some entry of ``entries`` already stands for (linear)."""
    match = _matcher(names, alias)
    found: set[str] = set()
    for entry in entries:
        found |= match(entry)
    return found


def _matcher(names: Sequence[str], alias: str) -> Callable[[str], set[str]]:
    """For a file entry, the ``names`` that name it (each entry costs two masks, not one per
    name: a list of 10,000 entries is searched in linear time)."""
    masked_alias = mask_token(alias + "/")[:-1]
    by_name: dict[str, set[str]] = {}
    for name in names:
        by_name.setdefault(name, set()).add(name)
        by_name.setdefault("\0" + _as_name(name, alias, masked_alias), set()).add(name)

    def match(entry: str) -> set[str]:
        masked = mask_token(entry)
        found: set[str] = set()
        for key in (entry, masked):
            found |= by_name.get(key, set())
            found |= by_name.get("\0" + _as_name(key, alias, masked_alias), set())
        return found

    return match


def _as_name(channel: str, alias: str, masked_alias: str) -> str:
    """``channel`` without a leading ``<alias>/`` (compared masked when it carries a token)."""
    channel = channel.rstrip("/")
    for url, prefix in ((channel, alias), (mask_token(channel), masked_alias)):
        if url.startswith(prefix + "/") and len(url) > len(prefix) + 1:
            return url[len(prefix) + 1 :]
    return channel


def remove(doc: CondarcDocument, names: Sequence[str], from_list: str | None) -> None:
    if isinstance(names, str) or not names:
        raise BadInput("Name at least one channel to remove.")
    match = _matcher(names, channel_alias_of(doc))
    found: set[str] = set()
    for key in _which(from_list):
        values = doc.get_list(key)
        if values is None:
            continue
        kept = []
        for value in values:
            hits = match(value)
            found |= hits
            if not hits:
                kept.append(value)
        if len(kept) != len(values):
            if key == "default_channels" and not kept:
                doc.set_list(key, None)
            else:
                doc.set_list(key, kept)
    missing = [n for n in names if n not in found]
    if missing and len(missing) == len(names):
        where = from_list or "channels or default_channels"
        raise BadInput(f"{', '.join(missing)} is not in {where} of {doc.path}.", code="not_found")
    if missing:
        raise BadInput(
            f"{', '.join(missing)} is not in {doc.path}; nothing was removed.", code="not_found"
        )


def move(doc: CondarcDocument, name: str, position: int, in_list: str) -> None:
    (key,) = _which(in_list)
    values = doc.get_list(key) or []
    match = _matcher([name], channel_alias_of(doc))
    index = next((i for i, v in enumerate(values) if match(v)), None)
    if index is None:
        raise BadInput(f"{name} is not in {key} of {doc.path}.", code="not_found")
    if not isinstance(position, int) or not 0 <= position < len(values):
        raise BadInput(f"The position must be from 0 to {len(values) - 1}.")
    item = values.pop(index)
    values.insert(position, item)
    doc.set_list(key, values)


def replace_lists(
    doc: CondarcDocument, channels: Sequence[str] | None, default_channels: Sequence[str] | None
) -> None:
    for key, new in (("channels", channels), ("default_channels", default_channels)):
        if new is None:
            continue
        if isinstance(new, str) or not all(isinstance(v, str) for v in new):
            raise BadInput(f"{key} must be a list of channel names or URLs.")
        originals = doc.get_list(key) or []
        resolved = [_unmask(v.strip(), originals, key) for v in new]
        if any(not v for v in resolved):
            raise BadInput(f"{key} contains an empty entry; remove it or type a channel.")
        if any(ch.isspace() for v in resolved for ch in v):
            raise BadInput(f"A channel in {key} contains spaces; channel names and URLs cannot.")
        validate.channel_list([v for v in resolved if v not in originals], key)  # new entries
        if len(set(resolved)) != len(resolved):
            raise BadInput(f"{key} lists the same channel twice.")
        if key == "default_channels" and not resolved:
            doc.set_list(key, None)
        else:
            doc.set_list(key, resolved)


def _unmask(value: str, originals: list[str], key: str) -> str:
    """A masked URL as shown to the user maps back to the file's URL with its real token."""
    if MASK not in value:
        return value
    for original in originals:
        if mask_token(original) == value:
            return original
    raise BadInput(
        f"{value} in {key} hides a token that is not in the file; paste the full channel URL.",
        code="unknown_masked_channel",
    )
