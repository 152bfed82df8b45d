"""Cloud repository: repodata behind `/t/<TOKEN>/`."""

from __future__ import annotations

import httpx
import pytest

from jupyter_repoconnect.testing.sandbox import Sandbox


def _repodata(base: str, token: str | None, channel: str = "main", subdir: str = "noarch") -> str:
    prefix = f"/t/{token}" if token else ""
    return f"{base}{prefix}/cloud/repo/{channel}/{subdir}/repodata.json"


def test_urls_shape(sandbox: Sandbox) -> None:
    assert sandbox.urls == {
        "cloud": f"{sandbox.base_url}/cloud/repo/",
        "server": f"{sandbox.base_url}/server",
        "enterprise": f"{sandbox.base_url}/enterprise/api",
    }
    assert sandbox.base_url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("channel", ["main", "r", "msys2", "acme/internal"])
def test_valid_token_reads_repodata(sandbox: Sandbox, channel: str) -> None:
    token = sandbox.cloud_tokens[0]
    url = _repodata(sandbox.base_url, token, channel)
    assert httpx.head(url).status_code == 200
    data = httpx.get(url).json()
    assert data["info"] == {"subdir": "noarch"}
    assert set(data) >= {"packages", "packages.conda"}
    linux = httpx.get(_repodata(sandbox.base_url, token, channel, "linux-64")).json()
    assert linux["info"]["subdir"] == "linux-64"


def test_validation_url_as_the_token_tool_builds_it(sandbox: Sandbox) -> None:
    # conda inserts /t/<TOKEN> right after the host of CONDA_TOKEN_REPO_URL
    repo = sandbox.urls["cloud"]
    host, path = repo.split("/cloud/", 1)
    url = f"{host}/t/{sandbox.cloud_tokens[0]}/cloud/{path}main/noarch/repodata.json"
    assert httpx.head(url).status_code == 200


def test_authorization_header_also_works(client: httpx.Client, sandbox: Sandbox) -> None:
    headers = {"Authorization": f"token {sandbox.cloud_tokens[0]}"}
    assert client.get("/cloud/repo/main/noarch/repodata.json", headers=headers).status_code == 200


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_missing_or_wrong_token_is_refused(sandbox: Sandbox, token: str | None) -> None:
    assert httpx.head(_repodata(sandbox.base_url, token)).status_code == 401


def test_tokens_are_case_sensitive(sandbox: Sandbox) -> None:
    token = sandbox.add_cloud_token()
    other = token.swapcase()
    assert httpx.head(_repodata(sandbox.base_url, other)).status_code == 401


def test_other_organisation_channel_is_forbidden(sandbox: Sandbox) -> None:
    url = _repodata(sandbox.base_url, sandbox.cloud_tokens[0], "globex/private")
    assert httpx.get(url).status_code == 403


def test_unknown_channel_and_subdir(sandbox: Sandbox) -> None:
    token = sandbox.cloud_tokens[0]
    assert httpx.get(_repodata(sandbox.base_url, token, "nope")).status_code == 404
    assert httpx.get(_repodata(sandbox.base_url, token, "main", "amiga-68k")).status_code == 404


def test_revoked_and_expired_cloud_tokens(sandbox: Sandbox) -> None:
    token = sandbox.cloud_tokens[0]
    sandbox.revoke_token(token)
    assert httpx.head(_repodata(sandbox.base_url, token)).status_code == 401
    assert not sandbox.is_token_valid(token)
    sandbox.reset()
    assert httpx.head(_repodata(sandbox.base_url, token)).status_code == 200
    minted = sandbox.add_cloud_token(ttl=3600)
    assert httpx.head(_repodata(sandbox.base_url, minted)).status_code == 200
    sandbox.expire_token(minted)
    assert httpx.head(_repodata(sandbox.base_url, minted)).status_code == 401


def test_seeded_tokens_given_explicitly() -> None:
    with Sandbox(cloud_tokens=["tok-A", "tok-B"], channels=5) as sb:
        assert sb.cloud_tokens == ["tok-A", "tok-B"]
        assert httpx.head(_repodata(sb.base_url, "tok-B")).status_code == 200
        assert sb.is_token_valid("tok-A")
