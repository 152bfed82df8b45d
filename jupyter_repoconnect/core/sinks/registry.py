"""The package managers besides conda that a sign-in also connects (docs/package-managers.md)."""

from __future__ import annotations

from collections.abc import Iterable

from . import mamba, rattler
from .base import CredentialSink

_ALL: tuple[CredentialSink, ...] = (rattler.SINK, mamba.SINK)


def all_sinks() -> tuple[CredentialSink, ...]:
    return _ALL


def active(wanted: Iterable[str] | None) -> list[CredentialSink]:
    """The sinks to write: those named in ``wanted`` (the ``package_managers`` setting), or,
    when it is None, those detected on this machine."""
    if wanted is None:
        return [s for s in _ALL if s.detected()]
    names = set(wanted)
    return [s for s in _ALL if s.id in names]
