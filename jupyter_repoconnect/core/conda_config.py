"""conda's configuration as conda itself sees it: the files it loads and its HTTP settings.

conda merges every file of its search path (system, user, ``$CONDA_PREFIX``, ``$CONDARC``),
then ``CONDA_*`` environment variables; later sources win. A CA bundle set by an
administrator in ``/etc/conda/.condarc`` therefore applies to the user, and our requests must
see it too, or sign-in fails with a TLS error where ``conda install`` works.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

# conda/base/constants.py SEARCH_PATH (POSIX), in conda's order.
SEARCH_PATH = (
    "/etc/conda/.condarc",
    "/etc/conda/condarc",
    "/etc/conda/condarc.d/",
    "/var/lib/conda/.condarc",
    "/var/lib/conda/condarc",
    "/var/lib/conda/condarc.d/",
    "$CONDA_ROOT/.condarc",
    "$CONDA_ROOT/condarc",
    "$CONDA_ROOT/condarc.d/",
    "$XDG_CONFIG_HOME/conda/.condarc",
    "$XDG_CONFIG_HOME/conda/condarc",
    "$XDG_CONFIG_HOME/conda/condarc.d/",
    "~/.config/conda/.condarc",
    "~/.config/conda/condarc",
    "~/.config/conda/condarc.d/",
    "~/.conda/.condarc",
    "~/.conda/condarc",
    "~/.conda/condarc.d/",
    "~/.condarc",
    "$CONDA_PREFIX/.condarc",
    "$CONDA_PREFIX/condarc",
    "$CONDA_PREFIX/condarc.d/",
    "$CONDARC",
)
CONDARC_NAMES = (".condarc", "condarc")
YAML_SUFFIXES = (".yml", ".yaml")
# The HTTP settings and their aliases (conda/base/context.py).
_ALIASES = {
    "ssl_verify": ("ssl_verify", "verify_ssl"),
    "client_ssl_cert": ("client_ssl_cert", "client_cert"),
    "client_ssl_cert_key": ("client_ssl_cert_key", "client_cert_key"),
}
_VARIABLE = re.compile(
    rf"\$(?P<named>{Template.idpattern})|\$\{{(?P<braced>{Template.idpattern})\}}",
    flags=re.IGNORECASE,
)


def expandvars(text: str) -> str:
    """conda's expansion of ``$VAR`` and ``${VAR}`` (unknown ones are left as they are)."""

    def convert(match: re.Match[str]) -> str:
        name = match.group("named") or match.group("braced")
        return os.environ.get(name, match.group())

    return _VARIABLE.sub(convert, text) if "$" in text else text


def conda_would_load(path: Path) -> bool:
    """conda ≥ 23.7 loads a file of its search path only by these names."""
    return path.name in CONDARC_NAMES or path.suffix in YAML_SUFFIXES


def _conda_root() -> str | None:
    """conda's root prefix, as far as it can be known without running conda."""
    root = os.environ.get("CONDA_ROOT")
    if root:
        return root
    exe = os.environ.get("CONDA_EXE")
    if exe:
        return str(Path(exe).resolve().parent.parent)
    prefix = Path(sys.prefix)
    return str(prefix) if (prefix / "conda-meta").is_dir() and not _in_envs(prefix) else None


def _in_envs(prefix: Path) -> bool:
    return prefix.parent.name == "envs"


def search_path() -> Iterator[Path]:
    """The existing files conda loads, in its order (later ones win)."""
    seen: set[Path] = set()
    root = _conda_root()
    for entry in SEARCH_PATH:
        if entry.startswith("$CONDA_ROOT"):
            if root is None:
                continue
            entry = root + entry[len("$CONDA_ROOT") :]
        path = Path(expandvars(entry)).expanduser()
        if "$" in str(path):
            continue
        for found in _files(path):
            key = found.resolve()
            if key not in seen:
                seen.add(key)
                yield found


def _files(path: Path) -> Iterator[Path]:
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if stat.S_ISREG(mode) and conda_would_load(path):
        yield path
    elif stat.S_ISDIR(mode):
        try:
            entries = sorted(path.iterdir())
        except OSError:
            return
        yield from (e for e in entries if e.suffix in YAML_SUFFIXES and e.is_file())


def _load(path: Path) -> Mapping[str, Any]:
    from ruamel.yaml import YAML

    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except Exception:  # conda reports a broken file itself; it cannot set anything for us
        return {}
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class HttpSettings:
    """What conda's session would use for TLS and proxies."""

    ssl_verify: bool | str = True  # True, False, "truststore", a CA bundle file or directory
    client_cert: str | None = None
    client_cert_key: str | None = None
    proxy_servers: tuple[tuple[str, str], ...] = ()
    ssl_verify_source: str | None = None  # the file or variable that set ssl_verify


def merged(user_condarc: Path, user_data: Mapping[str, Any] | None) -> dict[str, tuple[Any, str]]:
    """conda's merged values of the HTTP keys, each with where it came from.

    ``user_data`` stands for the file ``user_condarc`` (the one being edited, maybe unsaved).
    """
    values: dict[str, tuple[Any, str]] = {}
    proxies: dict[str, Any] = {}
    user_key = user_condarc.expanduser().resolve()
    sources: list[tuple[Mapping[str, Any], str]] = []
    user_seen = False
    for path in search_path():
        if path.resolve() == user_key and user_data is not None:
            sources.append((user_data, str(path)))
            user_seen = True
        else:
            sources.append((_load(path), str(path)))
    if user_data is not None and not user_seen and conda_would_load(user_condarc):
        sources.append((user_data, str(user_condarc)))
    for data, where in sources:
        for key, names in _ALIASES.items():
            for name in names:
                if data.get(name) is not None:
                    values[key] = (data[name], where)
        if isinstance(data.get("proxy_servers"), dict):
            proxies.update(data["proxy_servers"])
    for key, names in _ALIASES.items():
        for name in names:
            env = os.environ.get(f"CONDA_{name.upper()}")
            if env:
                values[key] = (env, f"${'CONDA_' + name.upper()}")
    if proxies:
        values["proxy_servers"] = (proxies, "")
    return values


def http_settings(user_condarc: Path, user_data: Mapping[str, Any] | None) -> HttpSettings:
    """conda's HTTP settings with ``$VAR`` expansion and ``ssl_verify``'s text forms read."""
    values = merged(user_condarc, user_data)
    verify, source = values.get("ssl_verify", (True, None))
    proxies = values.get("proxy_servers", ({}, ""))[0]
    cert = values.get("client_ssl_cert", (None, ""))[0]
    key = values.get("client_ssl_cert_key", (None, ""))[0]
    return HttpSettings(
        ssl_verify=_verify_value(verify),
        client_cert=expandvars(str(cert)) if cert else None,
        client_cert_key=expandvars(str(key)) if key else None,
        proxy_servers=tuple(
            sorted((str(k), expandvars(str(v))) for k, v in proxies.items() if v is not None)
        ),
        ssl_verify_source=source,
    )


def _verify_value(value: Any) -> bool | str:
    if isinstance(value, bool):
        return value
    text = expandvars(str(value)).strip()
    if text.lower() in ("true", "yes", "on", "1", ""):
        return True
    if text.lower() in ("false", "no", "off", "0"):
        return False
    return text
