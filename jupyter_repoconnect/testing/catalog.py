"""Channels the sandbox serves (their repodata and package files: `packages.py`)."""

from __future__ import annotations

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


SUBCHANNELS = ("stable", "dev")
# The channel listings' documented sort keys: Navigator sends `sort=name,updated_at`
# (protocols.md); a `-` prefix sorts descending (conda-repo-cli's `sort=-download_count` on the
# same API's /api/artifacts).
SORT_KEYS = frozenset({"name", "updated_at"})
# Private channels are visible to their members only; the default user is a member of some.
MEMBER = "demo"


@dataclass(frozen=True)
class ChannelInfo:
    """One Anaconda Server channel or sub-channel (`<channel>/<subchannel>`)."""

    name: str
    privacy: str
    description: str
    mirror_count: int
    owner: str
    members: tuple[str, ...] = ()

    @property
    def is_subchannel(self) -> bool:
        return "/" in self.name

    def visible_to(self, user: str | None) -> bool:
        if self.privacy == "public":
            return True
        if user is None:
            return False
        return self.privacy == "authenticated" or user == self.owner or user in self.members

    def to_dict(self) -> dict[str, Any]:
        # a sub-channel item names itself and its parent apart (issue 23's facts, from
        # conda-repo-cli's recorded answers and Navigator, which writes <parent>/<name>)
        parent, _, name = self.name.rpartition("/")
        found: dict[str, Any] = {"name": name}
        if parent:
            found["parent"] = parent
        return {
            **found,
            "privacy": self.privacy,
            "description": self.description,
            "mirror_count": self.mirror_count,
            "owners": [self.owner],
        }


def make_channels(count: int) -> list[ChannelInfo]:
    """`count` channels: the five fixed ones, then `team-<word>-<nnnn>`; every tenth team
    channel and `internal-tools` have the sub-channels `stable` and `dev`."""
    channels: list[ChannelInfo] = []
    for n, p, d, m in _FIXED[:count]:
        channels.append(ChannelInfo(n, p, d, m, "admin", (MEMBER,) if p == "private" else ()))
        if n == "internal-tools":
            channels += _subchannels(channels[-1])
    for i in range(1, count - len(_FIXED[:count]) + 1):
        word = WORDS[(i - 1) % len(WORDS)]
        privacy = PRIVACIES[i % len(PRIVACIES)]
        members = (MEMBER,) if privacy == "private" and i % 2 else ()
        info = ChannelInfo(
            f"team-{word}-{i:04d}", privacy, f"Packages of the {word} team", 0, word, members
        )
        channels.append(info)
        if i % 10 == 0:
            channels += _subchannels(info)
    return channels


def _subchannels(parent: ChannelInfo) -> list[ChannelInfo]:
    return [
        ChannelInfo(
            f"{parent.name}/{sub}",
            parent.privacy,
            f"{sub} builds of {parent.name}",
            0,
            parent.owner,
            parent.members,
        )
        for sub in SUBCHANNELS
    ]


class Catalog:
    """The server's channels (sorted by name, as `sort=name` asks), precomputed for paging."""

    def __init__(self, count: int) -> None:
        if count < 0:
            raise ValueError("channel count must be >= 0")
        self.channels = sorted(make_channels(count), key=lambda c: c.name)
        self._index = {c.name: c for c in self.channels}
        self._views: dict[tuple[str | None, bool, bool], list[ChannelInfo]] = {}
        self._added: list[str] = []

    def add(self, info: ChannelInfo) -> None:
        """Add a channel as a hostile or careless server may have it (any name and description:
        escape sequences, bidi controls); :meth:`remove_added` forgets them (a sandbox reset)."""
        self.channels = sorted([*self.channels, info], key=lambda c: c.name)
        self._index[info.name] = info
        self._added.append(info.name)
        self._views.clear()

    def remove_added(self) -> None:
        if self._added:
            added = set(self._added)
            self.channels = [c for c in self.channels if c.name not in added]
            self._index = {c.name: c for c in self.channels}
            self._added.clear()
            self._views.clear()

    def __len__(self) -> int:
        """The number of channels, sub-channels not counted."""
        return sum(1 for c in self.channels if not c.is_subchannel)

    def get(self, name: str) -> ChannelInfo | None:
        return self._index.get(name)

    def page(
        self,
        offset: int,
        limit: int,
        *,
        user: str | None,
        subchannels: bool,
        sort: tuple[tuple[str, bool], ...] = (("name", False),),
    ) -> tuple[list[dict[str, Any]], int]:
        """(items, total) of the channels `user` can see (None: all channels), ordered by
        `sort`: (key, descending) pairs of SORT_KEYS, the first one deciding first."""
        # The sandbox's channels were never updated (conda-repo-cli's recorded channels carry
        # "updated": null), so `updated_at` ties everywhere and the next key decides; the
        # order is that of the first `name` key (ascending when there is none).
        descending = next((desc for key, desc in sort if key == "name"), False)
        view = (user, subchannels, descending)
        matching = self._views.get(view)
        if matching is None:  # once per user: a client pages through 100,000 channels
            matching = [
                c
                for c in self.channels
                if (subchannels or not c.is_subchannel) and (user is None or c.visible_to(user))
            ]
            if descending:
                matching.reverse()
            self._views[view] = matching
        return [c.to_dict() for c in matching[offset : offset + limit]], len(matching)


def package_name(channel: str) -> str:
    """The package only `channel` holds (besides `repoconnect-demo`, which all hold)."""
    return channel.replace("/", "-").lower() + "-pkg"


def parse_sort(value: str) -> tuple[tuple[str, bool], ...] | None:
    """`name,-updated_at` as ((key, descending), ...); None if any key is not in SORT_KEYS,
    is empty or repeats."""
    keys: list[tuple[str, bool]] = []
    for item in value.split(","):
        descending = item.startswith("-")
        key = item[1:] if descending else item
        if key not in SORT_KEYS or any(k == key for k, _ in keys):
            return None
        keys.append((key, descending))
    return tuple(keys)
