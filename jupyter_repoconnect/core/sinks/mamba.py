"""mamba and micromamba 2.x: their own authentication file. Source-verified, never run here
(no mamba binary is installable in this project's environment).

Read in the public source of mamba-org/mamba at commit
03564bf4875fd7a5491f11ccf059d50512adf8b3 (``libmamba/src/core/context.cpp`` last changed in
1cdb572ab5831ad13363990ee811762e67e71c62):

- ``Context::load_authentication_info`` (``libmamba/src/core/context.cpp``) reads
  ``~/.mamba/auth/authentication.json``: one JSON object whose keys are
  ``<host[:port][/path]>`` and whose values are ``{"type": "CondaToken", "token": T}`` (or
  ``BearerToken`` / ``BasicHTTPAuthentication``).
- A channel's credential is looked up (``libmamba/src/specs/channel.cpp``,
  ``set_fallback_credential_from_db``) with the channel URL without its scheme, walking up its
  path (``URLWeakener`` in ``libmamba/src/specs/authentication_info.cpp``): a key for the
  channel root serves every channel under it.
- ``CondaURL::set_token`` (``libmamba/src/specs/conda_url.cpp``) puts ``/t/<T>`` at the start
  of the path, right after the host, whatever key matched. So a token serves Cloud
  (``/t/<T>/repo/...``) only; Anaconda Server (``/api/repo/t/...``) and Enterprise 4
  (``/conda/t/...``) cannot be reached with it, and mamba's ``BearerToken`` is sent as an
  ``Authorization: Bearer`` header, which neither takes. Nothing is written for those two;
  the doctor says so.
- The legacy token folder ``~/.continuum/anaconda-client/tokens`` is read too, but its keys
  keep their scheme (only ``https://api.`` is rewritten, to ``conda.``), and the lookup key
  has none: a token file there never matches our repositories, so none is written.

mamba reads ``channel_alias``, ``channels`` and ``default_channels`` from ``.condarc``, which
the sign-in writes for conda already. The file is 0600; removal takes out only our key.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import RepoConnectError
from . import jsonfile
from .base import CredentialSink, Grant

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..models import Finding


def auth_path() -> Path:
    return _auth_path(os.environ.get("HOME"))


@functools.lru_cache(maxsize=8)
def _auth_path(home: str | None) -> Path:
    # the status asks on every poll: the path is made once per home
    return Path.home() / ".mamba" / "auth" / "authentication.json"


def location(url: str) -> str:
    """mamba's key for ``url``: host (lower case), port and path, no scheme, no credentials."""
    parts = urlsplit(url)
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    return host + parts.path.rstrip("/")


def _entry(grant: Grant) -> dict[str, str]:
    return {"type": "CondaToken", "token": grant.token}


class MambaSink(CredentialSink):
    id = "mamba"
    title = "mamba and micromamba"

    def detected(self) -> bool:
        on_path = shutil.which("mamba") or shutil.which("micromamba")
        return bool(on_path) or (Path.home() / ".mamba").is_dir()

    def files(self) -> list[Path]:
        return [auth_path()]

    def install(self, grant: Grant) -> None:
        if grant.token_after_host:  # elsewhere mamba puts the token where it is refused
            key = location(grant.channel_root)
            jsonfile.put(auth_path(), key, _entry(grant), "mamba's authentication file")

    def remove(self, grant: Grant) -> list[str]:
        jsonfile.drop(auth_path(), location(grant.channel_root), _entry(grant))
        return []

    def holds(self, grant: Grant) -> bool:
        found = jsonfile.members(auth_path()).get(location(grant.channel_root))
        return grant.token_after_host and found == _entry(grant)

    def request_url(self, url: str) -> str:
        """``url`` as mamba requests it: the token of the nearest key, right after the host."""
        stored = jsonfile.members(auth_path())
        key = location(url)
        while key:
            found = stored.get(key)
            if isinstance(found, dict):
                if found.get("type") == "CondaToken" and isinstance(found.get("token"), str):
                    parts = urlsplit(url)
                    return urlunsplit(parts._replace(path=f"/t/{found['token']}{parts.path}"))
                return url
            key = key.rpartition("/")[0] if "/" in key else ""
        return url

    def check(self, grant: Grant, caller: Any, channels: Sequence[str] = ()) -> Finding | None:
        from ..condarc import mask_token
        from ..models import Finding
        from ..services import peek

        if not grant.token_after_host:
            return Finding(
                "mamba",
                False,
                "mamba and micromamba put a token right after the host name, where this "
                "repository does not take it, so they cannot install from it (read in "
                "mamba's source; conda and pixi can).",
                "Install with conda or pixi from this repository.",
            )
        if not self.holds(grant):
            return Finding(
                "mamba",
                False,
                f"mamba and micromamba are not connected: {auth_path()} holds no token of "
                "this sign-in.",
                "Sign out, then sign in again (mamba is connected at sign-in).",
            )
        root = grant.channel_root + "/"
        probe = next((c for c in channels if c.startswith(root)), root + "main")
        try:
            code = peek(caller, self.request_url(probe.rstrip("/") + "/noarch/repodata.json"))
        except RepoConnectError as exc:
            return Finding("mamba", False, f"mamba and micromamba: {exc.message}")
        shown = mask_token(probe)
        if code in (200, 206):
            return Finding("mamba", True, f"mamba and micromamba can read {shown}.")
        return Finding(
            "mamba",
            False,
            f"mamba and micromamba are refused {shown} (HTTP {code}), asked as they ask it.",
            f"Check {auth_path()} for an entry added by hand for the same address.",
        )


SINK = MambaSink()
