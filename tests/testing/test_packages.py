"""The sandbox serves real packages: valid `.conda` and `.tar.bz2` files whose repodata entries
carry their true size and checksums, authorised exactly as their channel's repodata, made once
per sandbox; the Cloud repository compresses repodata as a CDN does and ignores `Range`."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from jupyter_repoconnect.testing import packages
from jupyter_repoconnect.testing.catalog import package_name
from jupyter_repoconnect.testing.sandbox import Sandbox

from .conftest import NAVIGATOR_SCOPES, create_token

conda_streaming = pytest.importorskip("conda_package_streaming.package_streaming")


def _members(filename: str, data: bytes) -> dict[str, bytes]:
    """Every file of a package, read with the library conda uses, by component."""
    found: dict[str, bytes] = {}
    for component in ("info", "pkg"):
        stream = conda_streaming.stream_conda_component(filename, io.BytesIO(data), component)
        for tar, member in stream:
            if member.isfile():
                extracted = tar.extractfile(member)
                assert extracted is not None
                found[member.name] = extracted.read()
    return found


def _check_package(filename: str, data: bytes, record: dict[str, Any]) -> None:
    assert record["size"] == len(data)
    assert record["md5"] == hashlib.md5(data).hexdigest()  # noqa: S324
    assert record["sha256"] == hashlib.sha256(data).hexdigest()
    files = _members(filename, data)
    index = json.loads(files["info/index.json"])
    assert {k: index[k] for k in ("name", "version", "build", "subdir")} == {
        k: record[k] for k in ("name", "version", "build", "subdir")
    }
    payload = f"share/repoconnect/{record['name']}.txt"
    assert files["info/files"].decode().split() == [payload]
    paths = json.loads(files["info/paths.json"])["paths"]
    assert [p["_path"] for p in paths] == [payload]
    assert paths[0]["sha256"] == hashlib.sha256(files[payload]).hexdigest()
    assert paths[0]["size_in_bytes"] == len(files[payload])


# (service, repodata URL path of a channel's noarch with the token placed as documented)
def _noarch(sandbox: Sandbox, service: str, token: str | None, channel: str) -> str:
    t = f"/t/{token}" if token else ""
    root = sandbox.root(service)
    if service == "cloud":
        return f"{root}{t}/repo/{channel}/noarch/"
    if service == "server":
        return f"{root}/api/repo{t}/{channel}/noarch/"
    return f"{root}/conda{t}/{channel}/noarch/"


@pytest.fixture
def tokens(sandbox: Sandbox, server: httpx.Client, session: str) -> dict[str, str]:
    """A live token per service: Cloud (organisation acme), Server (Navigator's scopes),
    Enterprise 4 (user demo)."""
    enterprise = httpx.post(
        sandbox.urls["enterprise"] + "/authentications",
        auth=("demo", "demo-password"),
        json={"note": "test", "scopes": ["all"]},
    )
    assert enterprise.status_code == 200
    return {
        "cloud": sandbox.cloud_tokens[0],
        "server": create_token(server, session, NAVIGATOR_SCOPES)["token"],
        "enterprise": enterprise.json()["token"],
    }


CHANNELS = {"cloud": "acme/internal", "server": "internal-tools/stable", "enterprise": "demo"}


@pytest.mark.parametrize("service", list(CHANNELS))
def test_repodata_lists_real_packages(
    sandbox: Sandbox, tokens: dict[str, str], service: str
) -> None:
    channel = CHANNELS[service]
    base = _noarch(sandbox, service, tokens[service], channel)
    repodata = httpx.get(base + "repodata.json", headers={"Accept-Encoding": "identity"})
    assert repodata.status_code == 200
    data = repodata.json()
    entries = {**data["packages"], **data["packages.conda"]}
    assert set(data["packages.conda"]) == {"repoconnect-demo-1.0.0-0.conda"}
    assert set(data["packages"]) == {f"{package_name(channel)}-1.0.0-0.tar.bz2"}
    for filename, record in entries.items():
        served = httpx.get(base + filename)
        assert served.status_code == 200, filename
        assert served.headers["content-type"] == "application/octet-stream"
        assert "content-encoding" not in served.headers  # already compressed: sent as is
        _check_package(filename, served.content, record)
    assert httpx.get(base + "nope-1.0.0-0.tar.bz2").status_code == 404
    other = package_name("main") + "-1.0.0-0.tar.bz2"  # another channel's package
    assert httpx.get(base + other).status_code == 404
    linux = _noarch(sandbox, service, tokens[service], channel).replace("noarch", "linux-64")
    assert httpx.get(linux + next(iter(data["packages"]))).status_code == 404


# What each service answers for a channel's repodata must be what it answers for its files.
def _refusals(sandbox: Sandbox, tokens: dict[str, str], server: httpx.Client, session: str):
    narrow = create_token(server, session, ["channel:view", "channel:view-artifacts"])["token"]
    revoked = create_token(server, session, NAVIGATOR_SCOPES)["token"]
    sandbox.revoke_token(revoked)
    other_org = sandbox.add_cloud_token(org="globex")
    return [
        ("cloud", None, "acme/internal", 401),
        ("cloud", "not-a-token", "acme/internal", 401),
        ("cloud", other_org, "acme/internal", 403),
        ("cloud", tokens["cloud"], "acme/internal", 200),
        ("cloud", tokens["cloud"], "globex/private", 403),
        ("server", None, "internal-tools", 401),
        ("server", revoked, "internal-tools", 401),
        ("server", narrow, "internal-tools/stable", 403),  # no sub-channel scopes
        ("server", narrow, "internal-tools", 200),
        ("server", tokens["server"], "internal-tools/stable", 200),
        ("server", tokens["server"], "no-such-channel", 404),
        ("enterprise", None, "demo", 401),
        ("enterprise", "xx-not-a-token", "demo", 401),
        ("enterprise", tokens["enterprise"], "demo", 200),
        ("enterprise", None, "anaconda", 200),  # a public owner
    ]


def test_files_are_authorised_exactly_as_their_repodata(
    sandbox: Sandbox, tokens: dict[str, str], server: httpx.Client, session: str
) -> None:
    for service, token, channel, expected in _refusals(sandbox, tokens, server, session):
        base = _noarch(sandbox, service, token, channel)
        files = ["repodata.json", f"{package_name(channel)}-1.0.0-0.tar.bz2"]
        files.append("repoconnect-demo-1.0.0-0.conda")
        statuses = {f: httpx.get(base + f).status_code for f in files}
        assert set(statuses.values()) == {expected}, (service, channel, statuses)
        # and a token at an undocumented position is no token at all
        if token and service == "server":
            stray = f"{sandbox.root('server')}/t/{token}/api/repo/{channel}/noarch/{files[1]}"
            assert httpx.get(stray).status_code in (401, 404)


def test_each_package_is_made_once_and_shared(sandbox: Sandbox) -> None:
    shelf = sandbox.packages
    assert shelf.demo is not None and shelf.demo.filename.endswith(".conda")
    made = len(shelf._own)
    first = shelf.own("team-geo-0006")
    assert shelf.own("team-geo-0006") is first
    assert len(shelf._own) <= made + 1
    # the demo package is one file for every channel of every service
    one = shelf.files("main", "noarch")["repoconnect-demo-1.0.0-0.conda"]
    two = shelf.files("team-geo-0006", "noarch")["repoconnect-demo-1.0.0-0.conda"]
    assert one is two is shelf.demo
    assert shelf.repodata("main", "noarch") is shelf.repodata("main", "noarch")
    assert shelf.files("main", "linux-64") == {}


def test_ten_thousand_channels_cost_no_packages_until_asked() -> None:
    with Sandbox(channels=10_000) as sb:
        assert sb.packages._own == {}
        assert len(sb.catalog) == 10_000


def test_standard_library_conda_layout_matches_the_library() -> None:
    """Without conda-package-streaming the sandbox writes the same `.conda` layout itself."""
    if packages.zstd_compress(b"x") is None:
        pytest.skip("no zstd library")
    stem = "repoconnect-demo-1.0.0-0"
    data = packages._build_conda_stdlib(stem, packages._members("repoconnect-demo"))
    assert data is not None
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names == ["metadata.json", f"pkg-{stem}.tar.zst", f"info-{stem}.tar.zst"]
    library = packages.build_conda("repoconnect-demo")
    assert library is not None
    assert _members(stem + ".conda", data) == _members(stem + ".conda", library)
    tarball = packages.build_tar_bz2("repoconnect-demo")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:bz2") as tar:
        assert tar.getnames()[0].startswith("info/")  # info first, as conda-package-handling
        assert {m.uname for m in tar.getmembers()} == {""}


# --- the Cloud repository as a CDN -----------------------------------------------------------


def _raw(url: str, headers: dict[str, str]) -> httpx.Response:
    """The response with its body as sent (httpx would otherwise decode it)."""
    with httpx.stream("GET", url, headers=headers) as response:
        response.raw_body = b"".join(response.iter_raw())  # type: ignore[attr-defined]
    return response


def test_cloud_compresses_repodata_as_asked(sandbox: Sandbox) -> None:
    url = _noarch(sandbox, "cloud", sandbox.cloud_tokens[0], "main") + "repodata.json"
    plain = _raw(url, {"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"
    expected = plain.raw_body  # type: ignore[attr-defined]
    gz = _raw(url, {"Accept-Encoding": "gzip, deflate"})
    assert gz.headers["content-encoding"] == "gzip"
    assert gzip.decompress(gz.raw_body) == expected  # type: ignore[attr-defined]
    assert int(gz.headers["content-length"]) == len(gz.raw_body)  # type: ignore[attr-defined]
    refused = _raw(url, {"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused.headers
    conda_like = _raw(url, {"Accept-Encoding": "gzip,deflate,zstd"})  # urllib3 2.x with zstd
    assert conda_like.headers["content-encoding"] == "gzip"  # Cloudflare's default order
    zstd_only = _raw(url, {"Accept-Encoding": "zstd"})
    if packages.zstd_available():
        assert zstd_only.headers["content-encoding"] == "zstd"
        zstd = packages._zstd_module()
        if zstd is not None:
            assert zstd.decompress(zstd_only.raw_body) == expected  # type: ignore[attr-defined]
    else:
        assert "content-encoding" not in zstd_only.headers


@pytest.mark.parametrize("service", ["server", "enterprise"])
def test_server_and_enterprise_send_repodata_as_is(
    sandbox: Sandbox, tokens: dict[str, str], service: str
) -> None:
    url = _noarch(sandbox, service, tokens[service], CHANNELS[service]) + "repodata.json"
    response = _raw(url, {"Accept-Encoding": "gzip, zstd"})
    assert response.status_code == 200 and "content-encoding" not in response.headers


@pytest.mark.parametrize("service", list(CHANNELS))
def test_range_is_ignored(sandbox: Sandbox, tokens: dict[str, str], service: str) -> None:
    """No public source says these hosts honour Range: the whole file, 200 (conda starts a
    partial download again on a 200)."""
    channel = CHANNELS[service]
    url = _noarch(sandbox, service, tokens[service], channel)
    url += f"{package_name(channel)}-1.0.0-0.tar.bz2"
    whole = httpx.get(url)
    part = httpx.get(url, headers={"Range": "bytes=10-"})
    assert part.status_code == 200 and part.content == whole.content
    assert "content-range" not in part.headers and "accept-ranges" not in part.headers


def test_package_files_of_a_running_sandbox_are_stable(sandbox: Sandbox, tmp_path: Path) -> None:
    """The same URL gives the same bytes for the sandbox's life (conda caches by checksum)."""
    base = _noarch(sandbox, "cloud", sandbox.cloud_tokens[0], "main")
    filename = f"{package_name('main')}-1.0.0-0.tar.bz2"
    assert httpx.get(base + filename).content == httpx.get(base + filename).content
    sandbox.reset()
    assert httpx.get(base + filename).content == sandbox.packages.own("main").data
