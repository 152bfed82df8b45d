"""The site URL in anaconda-client's user config, so the ``anaconda`` CLI sees our login."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from .cache import FILES
from .files import atomic_write, read_bytes
from .tokens import anaconda_client_config_path

ANACONDA_ORG_API = "https://api.anaconda.org"


def _load(raw: bytes | None) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    if not raw or not raw.strip():
        return CommentedMap()
    try:
        data = YAML(typ="rt").load(raw.decode("utf-8"))
    except Exception:  # anaconda-client itself tolerates a broken file; so do we
        return None
    return data if isinstance(data, dict) else None


def configured_url(path: Path | None = None) -> str | None:
    """The API URL the ``anaconda`` CLI uses (its default site's ``url``), if any."""
    # Parsed again only when the file changed (cache.py): every status call asks.
    url: str | None = FILES.get(path or anaconda_client_config_path(), _url_in)
    return url


def _url_in(raw: bytes | None) -> str | None:
    data = _load(raw)
    if not data:
        return None
    url = data.get("url")
    site = data.get("default_site")
    sites = data.get("sites")
    if isinstance(site, str) and isinstance(sites, dict) and isinstance(sites.get(site), dict):
        url = sites[site].get("url", url)
    # Only text: a list or an alias bomb in a hand-edited file is not a URL.
    return url.rstrip("/") if isinstance(url, str) and url else None


def set_url(url: str, path: Path | None = None) -> None:
    """Point the CLI at ``url``: the top-level ``url`` and every ``sites.<name>.url``, as
    Navigator does (with a ``default_site`` the CLI reads that site's url, not the top one).
    Everything else in the file is kept."""
    from ruamel.yaml import YAML

    path = path or anaconda_client_config_path()
    data = _load(read_bytes(path))
    if data is None:
        return  # never overwrite a file we cannot read
    sites = data.get("sites") if isinstance(data.get("sites"), dict) else {}
    site_maps = [site for site in sites.values() if isinstance(site, dict)]
    if data.get("url") == url and all(s.get("url") == url for s in site_maps):
        return
    data["url"] = url
    for site in site_maps:
        site["url"] = url
    buf = io.StringIO()
    YAML(typ="rt").dump(data, buf)
    atomic_write(path, buf.getvalue().encode("utf-8"))
