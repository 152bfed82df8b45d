"""Cloud repository at the root of its own host: repodata behind `/t/<TOKEN>/repo/...`."""

from __future__ import annotations

import httpx
import pytest

from jupyter_repoconnect.testing.catalog import package_name
from jupyter_repoconnect.testing.sandbox import Sandbox

from .conftest import package_names


def _repodata(token: str | None, channel: str = "main", subdir: str = "noarch") -> str:
    """A repodata path on the Cloud host, as conda builds it (token right after the host)."""
    prefix = f"/t/{token}" if token else ""
    return f"{prefix}/repo/{channel}/{subdir}/repodata.json"


@pytest.fixture
def cloud(hosts: dict[str, httpx.Client]) -> httpx.Client:
    """A client on the Cloud host root."""
    return hosts["cloud"]


def test_urls_shape(sandbox: Sandbox) -> None:
    roots = {name: sandbox.root(name) for name in ("cloud", "server", "enterprise")}
    assert sandbox.urls == {
        "cloud": roots["cloud"] + "/repo/",
        "server": roots["server"],
        "enterprise": roots["enterprise"] + "/api",
        "account": sandbox.root("account"),
        "oidc": sandbox.root("oidc"),  # the Server's single sign-on provider
    }
    ports = {sandbox.port, *(int(root.rsplit(":", 1)[1]) for root in roots.values())}
    assert len(ports) == 4  # one port per service, plus the control port
    assert all(root.startswith("http://127.0.0.1:") for root in roots.values())
    assert sandbox.base_url == f"http://127.0.0.1:{sandbox.port}"


@pytest.mark.parametrize("channel", ["main", "r", "msys2", "acme/internal"])
def test_valid_token_reads_repodata(sandbox: Sandbox, cloud: httpx.Client, channel: str) -> None:
    token = sandbox.cloud_tokens[0]
    url = _repodata(token, channel)
    assert cloud.head(url).status_code == 200
    data = cloud.get(url).json()
    assert data["info"] == {"subdir": "noarch"}
    assert set(data) >= {"packages", "packages.conda"}
    names = package_names(data)
    assert names == {"repoconnect-demo", package_name(channel)}
    linux = cloud.get(_repodata(token, channel, "linux-64")).json()
    assert linux["info"]["subdir"] == "linux-64"


def test_validation_url_as_the_token_tool_builds_it(sandbox: Sandbox) -> None:
    # conda inserts /t/<TOKEN> right after the host of CONDA_TOKEN_REPO_URL (no alias)
    scheme, rest = sandbox.urls["cloud"].split("://", 1)
    host, path = rest.split("/", 1)
    url = f"{scheme}://{host}/t/{sandbox.cloud_tokens[0]}/{path}main/noarch/repodata.json"
    assert httpx.head(url).status_code == 200
    assert sandbox.requests("cloud") == [("HEAD", "/t/<TOKEN>/repo/main/noarch/repodata.json", 200)]


def test_authorization_token_header_also_works(sandbox: Sandbox, cloud: httpx.Client) -> None:
    # anaconda-auth's conda auth handler sends the token as a header
    headers = {"Authorization": f"token {sandbox.cloud_tokens[0]}"}
    assert cloud.get(_repodata(None), headers=headers).status_code == 200


@pytest.mark.parametrize("header", ["Authorization: Bearer", "Authorization: Basic", "X-Auth:"])
def test_other_header_schemes_are_refused(
    sandbox: Sandbox, cloud: httpx.Client, header: str
) -> None:
    token = sandbox.cloud_tokens[0]
    name, _, scheme = header.partition(": ")
    headers = {name.rstrip(":"): f"{scheme} {token}".strip()}
    assert cloud.get(_repodata(None), headers=headers).status_code == 401


def test_an_account_api_key_reads_as_bearer(sandbox: Sandbox, cloud: httpx.Client) -> None:
    """anaconda-auth's conda handler sends `Bearer <API key>` (main-x, or every channel with
    use_unified_repo_api_key): a live key with repo:read reads its organisations' channels."""
    key = sandbox.account.add_api_key()
    bearer = {"Authorization": f"Bearer {key}"}
    assert cloud.get(_repodata(None), headers=bearer).status_code == 200
    org_channel = "/repo/acme/internal/noarch/repodata.json"
    assert cloud.get(org_channel, headers=bearer).status_code == 200
    both = cloud.get(_repodata(sandbox.cloud_tokens[0]), headers=bearer)
    assert both.status_code == 401  # one credential per request
    sandbox.account.revoke_api_key(key)
    assert cloud.get(_repodata(None), headers=bearer).status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/repo/t/{T}/main/noarch/repodata.json",
        "/repo/main/t/{T}/noarch/repodata.json",
        "/t/{T}/main/noarch/repodata.json",
    ],
)
def test_token_at_undocumented_position_is_not_accepted(
    sandbox: Sandbox, cloud: httpx.Client, path: str
) -> None:
    token = sandbox.cloud_tokens[0]
    assert cloud.get(_repodata(token)).status_code == 200
    response = cloud.get(path.format(T=token))
    assert response.status_code in (401, 404)
    assert token not in str(sandbox.request_log)


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_missing_or_wrong_token_is_refused(
    sandbox: Sandbox, cloud: httpx.Client, token: str | None
) -> None:
    assert cloud.head(_repodata(token)).status_code == 401


def test_tokens_are_case_sensitive(sandbox: Sandbox, cloud: httpx.Client) -> None:
    token = sandbox.add_cloud_token()
    assert token != token.upper()  # hex: has letters, so a lower-cased URL loses it
    assert cloud.head(_repodata(token)).status_code == 200
    assert cloud.head(_repodata(token.upper())).status_code == 401


def test_cloud_tokens_are_hex(sandbox: Sandbox) -> None:
    for token in (sandbox.cloud_tokens[0], sandbox.add_cloud_token()):
        assert len(token) == 40 and int(token, 16) >= 0


def test_other_organisation_channel_is_forbidden(sandbox: Sandbox, cloud: httpx.Client) -> None:
    url = _repodata(sandbox.cloud_tokens[0], "globex/private")
    assert cloud.get(url).status_code == 403
    globex = sandbox.add_cloud_token(org="globex")
    assert cloud.get(_repodata(globex, "globex/private")).status_code == 200


def test_unknown_channel_and_subdir(sandbox: Sandbox, cloud: httpx.Client) -> None:
    token = sandbox.cloud_tokens[0]
    assert cloud.get(_repodata(token, "nope")).status_code == 404
    assert cloud.get(_repodata(token, "main", "amiga-68k")).status_code == 404
    assert cloud.post(_repodata(token)).status_code == 405


def test_revoked_and_expired_cloud_tokens(sandbox: Sandbox, cloud: httpx.Client) -> None:
    token = sandbox.cloud_tokens[0]
    sandbox.revoke_token(token)
    assert cloud.head(_repodata(token)).status_code == 401
    assert not sandbox.is_token_valid(token)
    sandbox.reset()
    assert cloud.head(_repodata(token)).status_code == 200
    minted = sandbox.add_cloud_token(ttl=3600)
    assert cloud.head(_repodata(minted)).status_code == 200
    sandbox.expire_token(minted)
    assert cloud.head(_repodata(minted)).status_code == 401


def test_seeded_tokens_given_explicitly() -> None:
    seeds = ["tok-A", "tok_B", "tok.C"]
    with (
        Sandbox(cloud_tokens=seeds, channels=5) as sb,
        httpx.Client(base_url=sb.root("cloud")) as http,
    ):
        assert sb.cloud_tokens == seeds
        assert http.head(_repodata("tok-A")).status_code == 200
        assert sb.is_token_valid("tok_B") and sb.is_token_valid("tok.C")
        # conda parses /t/<TOKEN> only for [A-Za-z0-9-]: a token with `_` or `.` is a path
        for odd in ("tok_B", "tok.C"):
            assert http.head(_repodata(odd)).status_code in (401, 404)
            headers = {"Authorization": f"token {odd}"}
            assert http.head(_repodata(None), headers=headers).status_code == 200
        assert "tok_B" not in str(sb.request_log) and "tok.C" not in str(sb.request_log)
