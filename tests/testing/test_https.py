"""`Sandbox(ssl_context=...)`: the services over HTTPS with a test CA made here (trustme)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import httpx
import pytest
import trustme

from jupyter_repoconnect.testing.sandbox import Sandbox

SERVICE_CHECKS = {
    "cloud": ("/t/{T}/repo/main/noarch/repodata.json", 200),
    "server": ("/api/system", 200),
    "enterprise": ("/api", 200),
}


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def https_sandbox(ca: trustme.CA) -> Iterator[Sandbox]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with Sandbox(channels=5, ssl_context=context) as sb:
        yield sb


def _trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def test_urls_are_https_and_control_stays_http(https_sandbox: Sandbox) -> None:
    for name in SERVICE_CHECKS:
        assert https_sandbox.root(name).startswith("https://127.0.0.1:")
    assert https_sandbox.urls["cloud"].startswith("https://")
    assert https_sandbox.urls["enterprise"].startswith("https://")
    assert https_sandbox.base_url.startswith("http://127.0.0.1:")
    state = httpx.get(https_sandbox.base_url + "/_sandbox/state").json()
    assert state["urls"] == https_sandbox.urls


@pytest.mark.parametrize("service", SERVICE_CHECKS)
def test_client_trusting_the_ca_works(https_sandbox: Sandbox, ca: trustme.CA, service: str) -> None:
    path, status = SERVICE_CHECKS[service]
    url = https_sandbox.root(service) + path.format(T=https_sandbox.cloud_tokens[0])
    with httpx.Client(verify=_trusting(ca)) as http:
        assert http.get(url).status_code == status


@pytest.mark.parametrize("service", SERVICE_CHECKS)
def test_client_not_trusting_the_ca_fails(https_sandbox: Sandbox, service: str) -> None:
    url = https_sandbox.root(service) + SERVICE_CHECKS[service][0].format(T="x")
    with httpx.Client() as http, pytest.raises(httpx.ConnectError) as raised:
        http.get(url)
    assert "CERTIFICATE_VERIFY_FAILED" in str(raised.value)
    # a client trusting another CA fails the same way
    with httpx.Client(verify=_trusting(trustme.CA())) as http, pytest.raises(httpx.ConnectError):
        http.get(url)
    # and the sandbox keeps serving after the refused handshakes
    assert not https_sandbox.errors


def test_plain_http_to_an_https_port_fails(https_sandbox: Sandbox) -> None:
    plain = https_sandbox.urls["server"].replace("https://", "http://") + "/api/system"
    with pytest.raises(httpx.HTTPError):
        httpx.get(plain, timeout=5)


def test_full_server_sign_in_over_https(https_sandbox: Sandbox, ca: trustme.CA) -> None:
    with httpx.Client(base_url=https_sandbox.urls["server"], verify=_trusting(ca)) as http:
        login = {"username": "demo", "password": "demo-password"}
        session = http.post("/api/auth/login", json=login).json()["token"]
        created = http.post(
            "/api/account/tokens",
            headers={"Authorization": f"Bearer {session}"},
            json={"name": "tls", "expires_at": "2999-01-01", "scopes": ["channel:view"]},
        )
        assert created.status_code == 200
        token = created.json()["token"]
        assert http.get("/api/account", headers={"X-Auth": token}).json()["username"] == "demo"
