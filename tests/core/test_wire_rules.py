"""What goes over the wire follows the reference tools (issue "Real installs", findings):
Cloud validation by HEAD, redirects only within a site and never a secret to another one,
a typed ``/api`` stripped, anaconda-client's Enterprise 4 body and Basic encoding, the Cloud
sign-out removing only its organisation's token from anaconda-auth's keyring, and conda's
index cache cleaned after a change."""

from __future__ import annotations

import base64
import json
import os
import ssl
import stat
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from jupyter_repoconnect.core import Connector, RepoConnectSettings, ServiceUnavailable
from jupyter_repoconnect.core.services.enterprise import basic_auth


class Front:
    """A loopback front door that answers every request with a redirect to ``target`` (the
    same path), as an nginx ``return 301 https://...`` would, and records what reached it."""

    def __init__(self, target: str, status: int = 301) -> None:
        front = self
        self.seen: list[dict[str, Any]] = []

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                front.seen.append(
                    {"method": self.command, "path": self.path, "headers": dict(self.headers),
                     "body": body}
                )  # fmt: skip
                self.send_response(status)
                self.send_header("Location", front.target + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_HEAD = do_POST = do_DELETE = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.target = target
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def front_to_elsewhere() -> Iterator[tuple[Front, Front]]:
    """A front redirecting to a second loopback origin, itself a recording front."""
    elsewhere = Front("http://127.0.0.1:9")  # its own redirects are never followed
    front = Front(elsewhere.url)
    yield front, elsewhere
    front.close()
    elsewhere.close()


def secrets_in(seen: list[dict[str, Any]], *secrets: str) -> list[str]:
    text = json.dumps([{**s, "body": s["body"].decode("latin-1")} for s in seen])
    return [s for s in secrets if s and s in text]


# --- Cloud: HEAD, as the token tools and anaconda-auth ----------------------------------------
def test_cloud_token_is_validated_with_head(env, connector, sandbox):
    connector.connect("cloud", token=sandbox.cloud_tokens[0])
    methods = [m for m, path, _ in sandbox.requests("cloud") if "main/noarch/repodata" in path]
    assert methods == ["HEAD"]  # as the token tools and anaconda-auth: the repodata is not read


# --- redirects --------------------------------------------------------------------------------
@pytest.mark.parametrize("service", ["server", "enterprise"])
def test_a_redirect_to_another_site_gets_no_password(
    env, connector, sandbox, snapshot, front_to_elsewhere, service
):
    front, elsewhere = front_to_elsewhere
    domain = front.url + ("/api" if service == "enterprise" else "")
    before = snapshot()
    with pytest.raises(ServiceUnavailable) as info:
        connector.connect(service, domain=domain, username="demo", password="demo-password")
    assert info.value.code == "redirected_elsewhere"
    assert f"127.0.0.1:{elsewhere.httpd.server_address[1]}" in info.value.message
    assert elsewhere.seen == []  # nothing at all reached the other origin
    assert secrets_in(front.seen, "demo-password") == [] or service == "enterprise"
    assert snapshot() == before


def test_a_cloud_redirect_to_another_site_gets_no_token(
    env, sandbox, snapshot, front_to_elsewhere, monkeypatch
):
    front, elsewhere = front_to_elsewhere
    monkeypatch.setenv("CONDA_TOKEN_REPO_URL", front.url + "/repo/")
    before = snapshot()
    with pytest.raises(ServiceUnavailable) as info:
        Connector(RepoConnectSettings(timeout=3.0)).connect("cloud", token=sandbox.cloud_tokens[0])
    assert info.value.code == "redirected_elsewhere"
    assert elsewhere.seen == []
    assert snapshot() == before


@pytest.fixture(scope="module")
def https_sandbox(tmp_path_factory) -> Iterator[tuple[Any, Path]]:
    import trustme

    from jupyter_repoconnect.testing import Sandbox

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    pem = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    with Sandbox(channels=5, ssl_context=context) as sb:
        yield sb, pem


def test_http_typed_for_an_https_server_follows_and_records_https(env, https_sandbox):
    """A user types http:// for a server that redirects to https://: the sign-in works and
    records the https:// address, so conda never goes through the redirect."""
    sb, pem = https_sandbox
    https_domain = sb.urls["server"]
    front = Front(https_domain)
    try:
        connector = Connector(RepoConnectSettings(timeout=5.0, ssl_verify=str(pem)))
        status = connector.connect(
            "server", domain=front.url, username="demo", password="demo-password"
        )
    finally:
        front.close()
    assert status.connected and status.domain == https_domain
    assert status.channel_alias == f"{https_domain}/api/repo"
    assert front.seen and all(s["path"] == "/api/system" for s in front.seen)
    assert connector.preferences().domains["server"] == https_domain
    connector.disconnect()


def test_a_typed_api_suffix_is_stripped_from_a_server_domain(env, connector, sandbox):
    status = connector.connect(
        "server", domain=sandbox.urls["server"] + "/api", username="demo", password="demo-password"
    )
    assert status.domain == sandbox.urls["server"]
    assert status.channel_alias == sandbox.urls["server"] + "/api/repo"


# --- Enterprise 4: anaconda-client's login body and Basic encoding ----------------------------
def test_enterprise_login_asks_for_default_scopes(env, connector, sandbox):
    connector.connect(
        "enterprise", domain=sandbox.urls["enterprise"], username="demo", password="demo-password"
    )
    (record,) = [r for r in sandbox.enterprise_tokens.values() if r.valid]
    assert record.scopes == []  # scopes: null, as anaconda-client sends it (not ["all"])


def test_basic_credentials_are_encoded_as_anaconda_client_does():
    import requests  # anaconda-client's transport: its rule is the reference

    for password in ("demo-password", "pässwörd", "密码"):
        prepared = requests.Request("POST", "http://127.0.0.1:9/", auth=("demo", password))
        try:
            expected = prepared.prepare().headers["Authorization"]
        except UnicodeEncodeError:  # requests cannot send it; we send UTF-8
            expected = "Basic " + base64.b64encode(f"demo:{password}".encode()).decode()
        assert basic_auth("demo", password) == expected


# --- Cloud sign-out and anaconda-auth's keyring -----------------------------------------------
def _write_keyring(path: Path, repo_tokens: list[dict[str, str]], api_key: str | None) -> None:
    info = {"domain": "anaconda.com", "username": "demo", "repo_tokens": repo_tokens, "version": 2}
    if api_key:
        info["api_key"] = api_key
    value = base64.b64encode(json.dumps(info).encode()).decode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"Anaconda Cloud": {"anaconda.com": value}}))


def _keyring_tokens(path: Path) -> list[dict[str, str]]:
    value = json.loads(path.read_text())["Anaconda Cloud"]["anaconda.com"]
    return json.loads(base64.b64decode(value))["repo_tokens"]


def test_cloud_sign_out_removes_only_its_organisations_token(env, connector, sandbox):
    keyring = Path(os.environ["HOME"]) / ".anaconda" / "keyring"
    ours, theirs = sandbox.cloud_tokens[0], "another-organisations-token"
    _write_keyring(
        keyring,
        [{"token": ours, "org_name": "acme"}, {"token": theirs, "org_name": "globex"}],
        api_key="account-api-key",
    )
    assert connector.status().source == "cli"  # anaconda-auth's login, first token
    status = connector.disconnect()
    assert _keyring_tokens(keyring) == [{"token": theirs, "org_name": "globex"}]
    said = " ".join(status.warnings)
    assert "other organisations" in said and "anaconda logout" in said
    assert stat.S_IMODE(keyring.stat().st_mode) == 0o600
    # conda still uses the other organisation's token: status says so, truthfully
    assert connector.status().connected


# --- conda's index cache ----------------------------------------------------------------------
def test_index_cache_is_cleaned_by_conda_after_sign_in_and_out(
    env, connector, sandbox, tmp_path, monkeypatch
):
    calls = tmp_path / "calls"
    fake_conda = tmp_path / "conda"
    fake_conda.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    fake_conda.chmod(0o755)
    monkeypatch.setenv("CONDA_EXE", str(fake_conda))
    connector.connect("cloud", token=sandbox.cloud_tokens[0])
    connector.disconnect()
    assert calls.read_text().splitlines() == ["clean --index-cache --yes --quiet"] * 2


def test_a_failed_index_cache_cleaning_is_said(env, connector, sandbox, tmp_path, monkeypatch):
    failing = tmp_path / "conda"
    failing.write_text("#!/bin/sh\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setenv("CONDA_EXE", str(failing))
    status = connector.connect("cloud", token=sandbox.cloud_tokens[0])
    assert status.connected
    assert any("conda clean --index-cache" in w for w in status.warnings)
