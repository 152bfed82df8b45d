"""Channels the sandbox serves and the small repodata it answers for them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

WORDS = (
    "analytics", "bio", "data", "finance", "geo", "infra",
    "ml", "mobile", "ops", "research", "risk", "web",
)  # fmt: skip
PRIVACIES = ("public", "authenticated", "private")
SUBDIRS = frozenset(
    {
        "noarch", "linux-64", "linux-aarch64", "linux-ppc64le", "linux-s390x", "linux-32",
        "osx-64", "osx-arm64", "win-64", "win-32", "win-arm64",
    }
)  # fmt: skip
REPODATA_FILES = frozenset({"repodata.json", "current_repodata.json"})

# Cloud: the defaults mirrors, the optional archive channels, and organisation channels
# (value: the organisation whose tokens may read it; None = any valid token).
CLOUD_CHANNELS: dict[str, str | None] = {
    "main": None,
    "r": None,
    "msys2": None,
    "free": None,
    "pro": None,
    "mro": None,
    "mro-archive": None,
    "acme/internal": "acme",
    "acme/tools": "acme",
    "globex/private": "globex",
}
CLOUD_ORG = "acme"
ENTERPRISE_OWNERS = ("anaconda",)

_FIXED = (
    ("main", "public", "Mirror of Anaconda's main channel", 1),
    ("r", "public", "Mirror of Anaconda's r channel", 1),
    ("msys2", "public", "Mirror of Anaconda's msys2 channel", 1),
    ("conda-forge", "public", "Mirror of conda-forge", 1),
    ("internal-tools", "private", "Tools built by the platform team", 0),
)


@dataclass(frozen=True)
class ChannelInfo:
    """One Anaconda Server channel."""

    name: str
    privacy: str
    description: str
    mirror_count: int
    owner: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "privacy": self.privacy,
            "description": self.description,
            "mirror_count": self.mirror_count,
            "owners": [self.owner],
        }


def make_channels(count: int) -> list[ChannelInfo]:
    """`count` channels: the five fixed ones, then `team-<word>-<nnnn>`."""
    channels = [ChannelInfo(n, p, d, m, "admin") for n, p, d, m in _FIXED[:count]]
    for i in range(1, count - len(channels) + 1):
        word = WORDS[(i - 1) % len(WORDS)]
        privacy = PRIVACIES[i % len(PRIVACIES)]
        channels.append(
            ChannelInfo(f"team-{word}-{i:04d}", privacy, f"Packages of the {word} team", 0, word)
        )
    return channels


class Catalog:
    """The server's channel list, precomputed for fast paging and filtering."""

    def __init__(self, count: int) -> None:
        if count < 0:
            raise ValueError("channel count must be >= 0")
        self.channels = make_channels(count)
        self._dicts = [c.to_dict() for c in self.channels]
        self._lower = [c.name.lower() for c in self.channels]
        self._index = {c.name: c for c in self.channels}

    def __len__(self) -> int:
        return len(self.channels)

    def get(self, name: str) -> ChannelInfo | None:
        return self._index.get(name)

    def page(self, q: str, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """(items, total matching) for a case-insensitive name substring `q`."""
        if q:
            needle = q.lower()
            matching = [d for d, low in zip(self._dicts, self._lower, strict=True) if needle in low]
        else:
            matching = self._dicts
        return [dict(d) for d in matching[offset : offset + limit]], len(matching)


def repodata(channel: str, subdir: str) -> bytes:
    """A small but valid repodata.json; noarch holds one demo package."""
    packages: dict[str, Any] = {}
    if subdir == "noarch":
        name = "repoconnect-demo"
        packages[f"{name}-1.0.0-0.tar.bz2"] = {
            "name": name,
            "version": "1.0.0",
            "build": "0",
            "build_number": 0,
            "depends": [],
            "license": "BSD-3-Clause",
            "md5": "0" * 32,
            "sha256": "0" * 64,
            "size": 1024,
            "subdir": "noarch",
            "noarch": "generic",
            "timestamp": 1700000000000,
        }
    data = {
        "info": {"subdir": subdir},
        "packages": packages,
        "packages.conda": {},
        "removed": [],
        "repodata_version": 1,
    }
    return json.dumps(data).encode("utf-8")
