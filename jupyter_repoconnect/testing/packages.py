"""Small, valid conda packages the sandbox serves, and the repodata that lists them.

Every channel's `noarch/repodata.json` lists two packages (version 1.0.0, build 0, noarch generic):
- `repoconnect-demo` as a `.conda` (format v2) — the same file in every channel, made once when
  the sandbox starts;
- `<channel>-pkg` (`catalog.package_name`) as a `.tar.bz2` (format v1) — only that channel holds
  it, so a test can tell which channel conda really read; made the first time its channel's
  repodata is asked for, then kept (a sandbox with 10,000 channels builds none it never serves).

Each package installs one text file, `share/repoconnect/<name>.txt`, and carries `info/index.json`,
`info/files` and `info/paths.json` (the layout conda-package-handling documents). `.conda` files
are written with `conda_package_streaming.create` (the library conda itself uses) when it is
importable, else with the standard library in the same layout (zip of `metadata.json`,
`pkg-<stem>.tar.zst`, `info-<stem>.tar.zst`, stored uncompressed); without any zstd library the
sandbox serves `.tar.bz2` only. Repodata carries each file's true `size`, `md5` and `sha256`.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalog import REPODATA_FILES, SUBDIRS, package_name
from .wire import Request, Response

if TYPE_CHECKING:
    from .sandbox import Sandbox

DEMO = "repoconnect-demo"
VERSION = "1.0.0"
BUILD = "0"
TIMESTAMP_MS = 1700000000000  # fixed: the same name gives the same bytes within a sandbox
_MTIME = TIMESTAMP_MS // 1000


def _zstd_module() -> Any:
    """A zstd binding with `ZstdFile` (`compression.zstd`, `backports.zstd`), or None."""
    try:
        import compression.zstd as zstd  # type: ignore[import-not-found]  # Python >= 3.14
    except ImportError:
        try:
            import backports.zstd as zstd  # type: ignore[import-not-found]
        except ImportError:
            return None
    return zstd


def zstd_compress(data: bytes) -> bytes | None:
    """`data` as one zstd frame, or None without a zstd library (also `zstandard`)."""
    zstd = _zstd_module()
    if zstd is not None:
        return bytes(zstd.compress(data))
    try:
        import zstandard
    except ImportError:
        return None
    return bytes(zstandard.ZstdCompressor().compress(data))


def zstd_available() -> bool:
    return _zstd_module() is not None or _has_zstandard()


def _has_zstandard() -> bool:
    try:
        import zstandard  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class PackageFile:
    """One package file with the checksums repodata must carry."""

    filename: str
    data: bytes
    record: dict[str, Any]  # its repodata entry


def _index(name: str) -> dict[str, Any]:
    return {
        "arch": None,
        "build": BUILD,
        "build_number": 0,
        "depends": [],
        "license": "BSD-3-Clause",
        "name": name,
        "noarch": "generic",
        "platform": None,
        "subdir": "noarch",
        "timestamp": TIMESTAMP_MS,
        "version": VERSION,
    }


def _members(name: str) -> list[tuple[str, bytes]]:
    """(path, content) of every file of the package, payload first."""
    payload_path = f"share/repoconnect/{name}.txt"
    payload = f"{name} {VERSION}: installed from the repoconnect sandbox.\n".encode()
    paths = {
        "paths": [
            {
                "_path": payload_path,
                "path_type": "hardlink",
                "sha256": hashlib.sha256(payload).hexdigest(),
                "size_in_bytes": len(payload),
            }
        ],
        "paths_version": 1,
    }
    return [
        (payload_path, payload),
        ("info/files", (payload_path + "\n").encode()),
        ("info/index.json", json.dumps(_index(name), indent=2, sort_keys=True).encode()),
        ("info/paths.json", json.dumps(paths, indent=2, sort_keys=True).encode()),
    ]


def _tarinfo(path: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(path)
    info.size, info.mtime, info.mode = size, _MTIME, 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""  # anonymised, as conda-package-handling writes them
    return info


def _add_all(tar: tarfile.TarFile, members: list[tuple[str, bytes]]) -> None:
    for path, content in members:
        tar.addfile(_tarinfo(path, len(content)), io.BytesIO(content))


def build_tar_bz2(name: str) -> bytes:
    """A format v1 package: one bz2 tarball, `info/` first (conda-package-handling's order)."""
    members = _members(name)
    ordered = [m for m in members if m[0].startswith("info/")] + [
        m for m in members if not m[0].startswith("info/")
    ]
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:bz2") as tar:
        _add_all(tar, ordered)
    return out.getvalue()


def build_conda(name: str) -> bytes | None:
    """A format v2 package (`.conda`), or None without a zstd library."""
    stem = f"{name}-{VERSION}-{BUILD}"
    members = _members(name)
    try:
        from conda_package_streaming.create import conda_builder
    except ImportError:
        return _build_conda_stdlib(stem, members)
    with tempfile.TemporaryDirectory(prefix="repoconnect-pkg-") as folder:
        try:
            builder = conda_builder(stem, folder, compression_level=3)  # >= 0.13
        except TypeError:  # an older conda-package-streaming (a zstandard compressor)
            return _build_conda_stdlib(stem, members)
        with builder as tar:
            _add_all(tar, members)
        return Path(folder, f"{stem}.conda").read_bytes()


def _build_conda_stdlib(stem: str, members: list[tuple[str, bytes]]) -> bytes | None:
    parts = {}
    for part, wanted in (("pkg", False), ("info", True)):
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w") as tar:
            _add_all(tar, [m for m in members if m[0].startswith("info/") == wanted])
        compressed = zstd_compress(raw.getvalue())
        if compressed is None:
            return None
        parts[part] = compressed
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("metadata.json", json.dumps({"conda_pkg_format_version": 2}))
        archive.writestr(f"pkg-{stem}.tar.zst", parts["pkg"])
        archive.writestr(f"info-{stem}.tar.zst", parts["info"])
    return out.getvalue()


def _package_file(name: str, extension: str, data: bytes) -> PackageFile:
    record = {
        **{k: v for k, v in _index(name).items() if v is not None},
        "md5": hashlib.md5(data).hexdigest(),  # noqa: S324 - conda's checksum, not security
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }
    return PackageFile(f"{name}-{VERSION}-{BUILD}{extension}", data, record)


class PackageShelf:
    """The package files of one sandbox, each made once, and the repodata listing them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._own: dict[str, PackageFile] = {}  # by channel
        self._repodata: dict[tuple[str, str], bytes] = {}
        data = build_conda(DEMO)
        self.demo = _package_file(DEMO, ".conda", data) if data is not None else None
        if self.demo is None:  # no zstd library: the demo package as .tar.bz2
            self.demo = _package_file(DEMO, ".tar.bz2", build_tar_bz2(DEMO))

    def own(self, channel: str) -> PackageFile:
        """The `.tar.bz2` only `channel` holds (made on first use)."""
        with self._lock:
            found = self._own.get(channel)
        if found is None:
            name = package_name(channel)
            found = _package_file(name, ".tar.bz2", build_tar_bz2(name))
            with self._lock:
                found = self._own.setdefault(channel, found)
        return found

    def files(self, channel: str, subdir: str) -> dict[str, PackageFile]:
        """The package files of `channel`'s `subdir`, by file name."""
        if subdir != "noarch":
            return {}
        assert self.demo is not None
        own = self.own(channel)
        return {self.demo.filename: self.demo, own.filename: own}

    def file(self, channel: str, subdir: str, filename: str) -> PackageFile | None:
        return self.files(channel, subdir).get(filename)

    def repodata(self, channel: str, subdir: str) -> bytes:
        """`repodata.json` of `channel`'s `subdir` (cached)."""
        key = (channel, subdir)
        with self._lock:
            cached = self._repodata.get(key)
        if cached is not None:
            return cached
        packages: dict[str, Any] = {}
        packages_conda: dict[str, Any] = {}
        for filename, pkg in self.files(channel, subdir).items():
            target = packages_conda if filename.endswith(".conda") else packages
            target[filename] = pkg.record
        data = {
            "info": {"subdir": subdir},
            "packages": packages,
            "packages.conda": packages_conda,
            "removed": [],
            "repodata_version": 1,
        }
        body = json.dumps(data, sort_keys=True).encode("utf-8")
        with self._lock:
            self._repodata.setdefault(key, body)
        return body


def accepted_encodings(req: Request) -> set[str]:
    """The content codings of `Accept-Encoding` the client accepts (q > 0), in lower case."""
    accepted = set()
    for item in (req.headers.get("Accept-Encoding") or "").split(","):
        coding, _, params = item.strip().partition(";")
        q = params.strip().lower()
        if q.startswith("q="):
            try:
                if float(q[2:]) <= 0:
                    continue
            except ValueError:
                continue
        if coding.strip():
            accepted.add(coding.strip().lower())
    return accepted


def _compressed(req: Request, body: bytes) -> tuple[bytes, dict[str, str]]:
    """What the CDN in front of the host sends for a JSON body, as the client's
    `Accept-Encoding` asks: gzip first (Cloudflare's default prefers Brotli, then Gzip; the
    sandbox has no Brotli), zstd to a client that offers zstd but not gzip (Zstandard is a
    zone's opt-in there), identity otherwise; `Vary` either way."""
    headers = {"Vary": "Accept-Encoding"}
    accepted = accepted_encodings(req)
    if "gzip" in accepted or "x-gzip" in accepted:
        return gzip.compress(body, mtime=0), {**headers, "Content-Encoding": "gzip"}
    if "zstd" in accepted:
        packed = zstd_compress(body)
        if packed is not None:
            return packed, {**headers, "Content-Encoding": "zstd"}
    return body, headers


def serve_channel_file(
    sb: Sandbox, req: Request, channel: str, subdir: str, filename: str, *, cdn: bool = False
) -> Response | None:
    """A channel's repodata or package file (None: no such file), once the caller has
    authorised the channel.

    A `Range` header is ignored (200 and the whole file): no public source says any of the
    services honours it, and conda starts a partial download again on a 200. With `cdn`
    (the Cloud repository), repodata is compressed as the client's `Accept-Encoding` asks;
    package files are sent as they are (already compressed).
    """
    if subdir not in SUBDIRS:
        return None
    if filename in REPODATA_FILES:
        body = sb.packages.repodata(channel, subdir)
        headers: dict[str, str] = {}
        if cdn:
            body, headers = _compressed(req, body)
        return Response(200, body, "application/json", headers)
    pkg = sb.packages.file(channel, subdir, filename)
    if pkg is None:
        return None
    return Response(200, pkg.data, "application/octet-stream")
