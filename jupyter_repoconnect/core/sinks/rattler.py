"""pixi and rattler (py-rattler, rattler-build): the credential store and pixi's mirrors.

rattler reads neither ``.condarc`` nor conda's token store. What it reads, from the public
source of conda/rattler at commit 92dc77433054d6c7f2d135ae17ecbb6d35cce05f:

- ``crates/rattler_networking/src/authentication_storage/storage.rs``: credentials from
  ``$RATTLER_AUTH_FILE``, the OS keyring, ``~/.rattler/credentials.json``, netrc, first found
  wins. The file is one JSON object keyed by the host name alone; ``{"CondaToken": T}``.
- ``authentication_middleware.rs``: a ``CondaToken`` always goes right after the host
  (``/t/<T>/<path>``). Right for Cloud (``repo.anaconda.cloud/t/<T>/repo/…``); Anaconda
  Server and Enterprise 4 take it after ``/api/repo`` and ``/conda``. For those, a
  ``mirrors`` entry (``mirror_middleware.rs``: the longest matching URL prefix is replaced)
  maps ``<channel_root>/`` to ``<token_root>/``, in pixi's configuration file
  (``crates/rattler_config/src/locations.rs``: ``$PIXI_HOME/config.toml``, else
  ``~/.pixi/config.toml``). Measured against the sandbox with py-rattler 0.28.0: both solve
  and install, and the environment's conda-meta holds no token (a token in a channel URL
  would land there, so none is ever written into one).

The OS keyring is not used: on a headless server or a JupyterHub single-user server there
is usually no keyring daemon (or a locked one nobody can unlock), and a credential file is
what the rest of this sign-in writes too (conda's token store). Files holding a token are
0600. Removal takes out only our host key or our mirror line; every other byte of a user's
file stays as it was, and a file we created goes when nothing else is left in it.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from ..cache import FILES
from ..errors import FileProblem, RepoConnectError
from ..files import atomic_write, read_bytes, unlink
from . import jsonfile
from .base import CredentialSink, Grant

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..models import Finding

MARK = "# added by jupyter_repoconnect at sign-in; removed at sign-out"
_TABLE = re.compile(r"^\[\s*mirrors\s*\][^\n]*\n", re.MULTILINE)


def credentials_path() -> Path:
    """The file rattler reads first (and pixi writes): ``$RATTLER_AUTH_FILE`` or the default."""
    return _credentials_path(os.environ.get("RATTLER_AUTH_FILE"), os.environ.get("HOME"))


@functools.lru_cache(maxsize=8)
def _credentials_path(env: str | None, home: str | None) -> Path:
    # the status asks on every poll: the paths are made once per environment
    return Path(env) if env else Path.home() / ".rattler" / "credentials.json"


def pixi_home() -> Path:
    return _pixi_home(os.environ.get("PIXI_HOME"), os.environ.get("HOME"))


@functools.lru_cache(maxsize=8)
def _pixi_home(env: str | None, home: str | None) -> Path:
    return Path(env) if env else Path.home() / ".pixi"


def config_path() -> Path:
    return pixi_home() / "config.toml"


def _mirror(grant: Grant) -> tuple[str, str]:
    """The ``mirrors`` entry: channel root → the same root with the token where it belongs."""
    return grant.channel_root + "/", grant.token_root + "/"


def _line(key: str, value: str) -> str:
    # TOML basic strings take JSON's escapes; URLs need none
    return f"{json.dumps(key)} = [{json.dumps(value)}]\n"


def _block(key: str, value: str) -> str:
    return f"[mirrors]  {MARK}\n{_line(key, value)}"


def _parse_toml(text: str) -> Any:
    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        return tomlkit.parse(text)
    except ParseError as exc:
        raise FileProblem(
            f"{config_path()} (pixi's configuration) is not valid TOML ({exc}), so it was not "
            "changed; the sign-in was not made."
        ) from None


def _mirrors_of(raw: bytes | None) -> dict[str, list[str]]:
    """pixi's ``mirrors`` as plain values ({} when absent or not TOML)."""
    if not raw:
        return {}
    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        found = tomlkit.parse(raw.decode("utf-8")).unwrap().get("mirrors")
    except (ParseError, UnicodeDecodeError):
        return {}
    return found if isinstance(found, dict) else {}


def mirrors() -> dict[str, list[str]]:
    """pixi's ``mirrors`` in the file we write (cheap while it is unchanged)."""
    try:
        return FILES.get(config_path(), _mirrors_of)
    except FileProblem:
        return {}


def _with_mirror(text: str, key: str, value: str) -> str:
    """``text`` with our mirror line, every other byte kept where the layout allows it."""
    doc = _parse_toml(text)
    table = doc.get("mirrors")
    if table is not None and not isinstance(table.unwrap(), dict):
        raise FileProblem(
            f"{config_path()} (pixi's configuration) has a 'mirrors' that is not a table, so it "
            "was not changed; the sign-in was not made."
        )
    if table is not None and table.unwrap().get(key) == [value]:
        return text
    if table is None:
        new = _block(key, value) if not text else f"{text}\n{_block(key, value)}"
    elif key not in table and (head := _TABLE.search(text)):
        new = text[: head.end()] + _line(key, value) + text[head.end() :]
    else:
        new = ""
    if new and _mirrors_of(new.encode()).get(key) == [value]:
        return new
    table = doc.get("mirrors")  # an inline table, dotted keys, or our key replaced
    if table is None:
        import tomlkit

        table = tomlkit.table()
        table.comment(MARK.removeprefix("# "))
        doc["mirrors"] = table
    table[key] = [value]
    import tomlkit

    return str(tomlkit.dumps(doc))


def _without_mirror(text: str, key: str, value: str) -> str:
    """``text`` without our mirror line (and without our ``[mirrors]`` table if now empty)."""
    block = "\n" + _block(key, value)
    if text == _block(key, value):
        return ""
    at = text.find(block)
    after = text[at + len(block) :] if at >= 0 else ""
    if at >= 0 and (not after.strip() or after.lstrip().startswith("[")):
        return text[:at] + after
    line = _line(key, value)
    at = text.find("\n" + line)
    if at >= 0:
        new = text[: at + 1] + text[at + 1 + len(line) :]
        if key not in _mirrors_of(new.encode()):
            return new
    doc = _parse_toml(text)
    table = doc.get("mirrors")
    table.pop(key)
    if not table and MARK.removeprefix("# ") in str(getattr(table.trivia, "comment", "")):
        doc.pop("mirrors")
    import tomlkit

    return str(tomlkit.dumps(doc))


class RattlerSink(CredentialSink):
    id = "rattler"
    title = "pixi and rattler"

    def detected(self) -> bool:
        on_path = shutil.which("pixi") or shutil.which("rattler")
        return bool(on_path) or pixi_home().is_dir() or (Path.home() / ".rattler").is_dir()

    def files(self) -> list[Path]:
        return [credentials_path(), config_path()]

    def install(self, grant: Grant) -> None:
        if grant.token_after_host:
            path = credentials_path()
            jsonfile.put(path, grant.host, {"CondaToken": grant.token}, "rattler's credentials")
            return
        path = config_path()
        raw = read_bytes(path)
        text = raw.decode("utf-8") if raw is not None else ""
        new = _with_mirror(text, *_mirror(grant))
        if raw is None or new != text:
            atomic_write(path, new.encode("utf-8"), mode=jsonfile.SECRET_MODE)
        else:
            os.chmod(path, jsonfile.SECRET_MODE)

    def remove(self, grant: Grant) -> list[str]:
        if grant.token_after_host:
            jsonfile.drop(credentials_path(), grant.host, {"CondaToken": grant.token})
            return []
        key, value = _mirror(grant)
        if mirrors().get(key) != [value]:
            return []
        path = config_path()
        raw = read_bytes(path)
        new = _without_mirror(raw.decode("utf-8") if raw else "", key, value)
        if new:
            atomic_write(path, new.encode("utf-8"))
        else:
            unlink(path)
        return []

    def holds(self, grant: Grant) -> bool:
        if grant.token_after_host:
            found = jsonfile.members(credentials_path()).get(grant.host)
            return found == {"CondaToken": grant.token}
        key, value = _mirror(grant)
        return mirrors().get(key) == [value]

    def request_url(self, url: str) -> str:
        """``url`` as rattler requests it: pixi's mirror applied, then a stored CondaToken."""
        found = mirrors()
        for prefix in sorted(found, key=lambda k: len(urlsplit(k).path), reverse=True):
            with_slash = prefix if prefix.endswith("/") else prefix + "/"
            targets = found[prefix]
            if url.startswith(with_slash) and targets:
                base = str(targets[0]).rstrip("/")
                url = f"{base}/{url[len(with_slash) :].lstrip('/')}"
                break
        parts = urlsplit(url)
        credential = jsonfile.members(credentials_path()).get(parts.hostname or "")
        if isinstance(credential, dict) and isinstance(credential.get("CondaToken"), str):
            token = credential["CondaToken"]
            url = urlunsplit(parts._replace(path=f"/t/{token}{parts.path}"))
        return url

    def check(self, grant: Grant, caller: Any, channels: Sequence[str] = ()) -> Finding | None:
        from ..condarc import mask_token
        from ..models import Finding
        from ..services import peek

        if not self.holds(grant):
            return Finding(
                "pixi",
                False,
                f"pixi and rattler are not connected: {self._where(grant)} holds no "
                "credential of this sign-in.",
                "Sign out, then sign in again (pixi and rattler are connected at sign-in).",
            )
        root = grant.channel_root + "/"
        probe = next((c for c in channels if c.startswith(root)), None)
        if probe is None:
            if not grant.token_after_host:
                where = self._where(grant)
                return Finding("pixi", True, f"pixi and rattler are connected ({where}).")
            probe = root + "main"
        try:
            code = peek(caller, self.request_url(probe.rstrip("/") + "/noarch/repodata.json"))
        except RepoConnectError as exc:
            return Finding("pixi", False, f"pixi and rattler: {exc.message}")
        shown = mask_token(probe)
        if code in (200, 206):
            return Finding("pixi", True, f"pixi and rattler can read {shown}.")
        return Finding(
            "pixi",
            False,
            f"pixi and rattler are refused {shown} (HTTP {code}), asked as they ask it.",
            f"Check {self._where(grant)}: an entry for the same address added by hand, or a "
            "rattler credential in the OS keyring, wins over ours. Then sign out and in again.",
        )

    def _where(self, grant: Grant) -> str:
        return str(credentials_path() if grant.token_after_host else config_path())


SINK = RattlerSink()
