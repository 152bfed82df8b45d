"""Token records, reset, the request log, secrets never logged, and the control endpoint."""

from __future__ import annotations

import httpx
import pytest

from jupyter_repoconnect.testing import Sandbox as LazySandbox
from jupyter_repoconnect.testing.sandbox import LoggedRequest, Sandbox
from jupyter_repoconnect.testing.wire import split_request_path


def test_defaults(sandbox: Sandbox) -> None:
    assert sandbox.users == {"demo": "demo-password"}
    assert len(sandbox.cloud_tokens) == 1 and len(sandbox.cloud_tokens[0]) >= 20
    assert len(sandbox.catalog) == 200
    assert LazySandbox is Sandbox


def test_custom_users_and_stop() -> None:
    sb = Sandbox(users={"alice": "wonderland"}, channels=3).start()
    try:
        assert sb.users == {"alice": "wonderland"}
        response = httpx.post(
            sb.urls["server"] + "/api/auth/login",
            json={"username": "alice", "password": "wonderland"},
        )
        assert response.status_code == 200
    finally:
        sb.stop()
    with pytest.raises(RuntimeError):
        _ = sb.base_url


def test_reset_keeps_seeds_only(sandbox: Sandbox, session: str) -> None:
    sandbox.add_user("bob", "builder")
    sandbox.inject("latency", value=0)
    sandbox.revoke_token(sandbox.cloud_tokens[0])
    assert sandbox.server_sessions and sandbox.request_log
    sandbox.reset()
    assert sandbox.users == {"demo": "demo-password"}
    assert not sandbox.server_sessions and not sandbox.server_tokens
    assert not sandbox.faults.list() and not sandbox.request_log
    assert sandbox.is_token_valid(sandbox.cloud_tokens[0])
    assert not sandbox.is_token_valid(session)


def test_revoke_and_expire_by_id_or_value(sandbox: Sandbox, private_token: dict[str, str]) -> None:
    assert sandbox.is_token_valid(private_token["token"])
    assert not sandbox.is_token_valid(private_token["id"])  # an id is not a token
    sandbox.expire_token(private_token["id"])
    assert sandbox.server_tokens[private_token["id"]].expired
    assert not sandbox.is_token_valid(private_token["token"])
    with pytest.raises(KeyError):
        sandbox.revoke_token("unknown")


def test_record_repr_hides_secret(sandbox: Sandbox, private_token: dict[str, str]) -> None:
    record = sandbox.server_tokens[private_token["id"]]
    assert private_token["token"] not in repr(record)
    assert private_token["token"] not in str(record.to_dict())


def test_request_log_masks_tokens(
    sandbox: Sandbox, hosts: dict[str, httpx.Client], capfd: pytest.CaptureFixture[str]
) -> None:
    token = sandbox.cloud_tokens[0]
    hosts["cloud"].get(f"/t/{token}/repo/main/noarch/repodata.json")
    hosts["server"].get("/api/channels?q=x&access_token=abc123")
    hosts["server"].get(f"/t/{token}/api/repo/main/noarch/repodata.json")  # undocumented spot
    hosts["enterprise"].get(f"/conda/t/{token}/anaconda/noarch/repodata.json")
    cloud, listing, stray, conda = sandbox.request_log[-4:]
    assert cloud == LoggedRequest("GET", "/t/<TOKEN>/repo/main/noarch/repodata.json", 200, "cloud")
    assert listing.service == "server" and listing.status == 401
    assert listing.path == "/api/channels?q=x&access_token=<MASKED>"
    assert stray.path == "/t/<TOKEN>/api/repo/main/noarch/repodata.json" and stray.status == 404
    assert conda.path == "/conda/t/<TOKEN>/anaconda/noarch/repodata.json"
    assert conda.service == "enterprise" and conda.status == 401  # not an Enterprise token
    out, err = capfd.readouterr()
    assert token not in out + err and "abc123" not in out + err
    assert token not in str(sandbox.request_log)
    assert sandbox.requests("cloud") == [("GET", cloud.path, 200)]
    assert [r[1] for r in sandbox.requests("server")] == [listing.path, stray.path]


def test_control_state_reset_and_tokens(
    sandbox: Sandbox, control: httpx.Client, private_token: dict[str, str]
) -> None:
    state = control.get("/_sandbox/state").json()
    assert state["users"] == ["demo"] and state["channels"] == 200
    assert state["urls"] == sandbox.urls
    ids = [t["id"] for t in state["tokens"]["server"] if t["kind"] == "private"]
    assert ids == [private_token["id"]]
    assert private_token["token"] not in control.get("/_sandbox/state").text
    assert sandbox.cloud_tokens[0] not in control.get("/_sandbox/state").text

    revoked = control.post(f"/_sandbox/tokens/{private_token['id']}/revoke")
    assert revoked.json()["revoked"] is True
    assert not sandbox.is_token_valid(private_token["token"])
    cloud_id = next(iter(sandbox.cloud_token_records))
    assert control.post(f"/_sandbox/tokens/{cloud_id}/expire").json()["expired"] is True
    assert not sandbox.is_token_valid(sandbox.cloud_tokens[0])
    assert control.post("/_sandbox/tokens/nope/revoke").status_code == 404
    assert control.post(f"/_sandbox/tokens/{cloud_id}/explode").status_code == 404

    assert not any(r.path.startswith("/_sandbox") for r in sandbox.request_log)
    assert control.post("/_sandbox/reset").status_code == 204
    assert sandbox.is_token_valid(sandbox.cloud_tokens[0])
    assert not sandbox.server_tokens


def test_control_port_serves_no_service(
    sandbox: Sandbox, control: httpx.Client, hosts: dict[str, httpx.Client]
) -> None:
    assert control.get("/").json() == {"urls": sandbox.urls}
    token = sandbox.cloud_tokens[0]
    for path in (
        "/api/system",
        "/api",
        f"/t/{token}/repo/main/noarch/repodata.json",
        "/server/api/system",
        "/elsewhere",
        "/_sandbox/nothing",
    ):
        assert control.get(path).status_code == 404, path
    assert not sandbox.request_log
    # and no service answers the control routes
    for name in ("cloud", "server", "enterprise"):
        assert hosts[name].get("/_sandbox/state").status_code == 404
        assert hosts[name].post("/_sandbox/reset").status_code in (404, 405)


def test_unknown_paths(hosts: dict[str, httpx.Client]) -> None:
    assert hosts["server"].get("/api/nothing").status_code == 404
    assert hosts["server"].get("/elsewhere").status_code == 404
    assert hosts["enterprise"].get("/api/nothing").status_code == 404
    assert hosts["enterprise"].get("/elsewhere").status_code == 404
    assert hosts["cloud"].get("/elsewhere").status_code == 404


@pytest.mark.parametrize(
    ("raw", "service", "token", "masked"),
    [
        ("/api/repo/t/ab-12/main/noarch/x", "server", "ab-12", "/api/repo/t/<TOKEN>/main/noarch/x"),
        ("/t/ab-12/repo/main/noarch/x", "cloud", "ab-12", "/t/<TOKEN>/repo/main/noarch/x"),
        ("/conda/t/ab-12/demo/noarch/x", "enterprise", "ab-12", "/conda/t/<TOKEN>/demo/noarch/x"),
        ("/t/ab-12/api/repo/main", "server", None, "/t/<TOKEN>/api/repo/main"),
        ("/api/repo/t/ab_12/main", "server", None, "/api/repo/t/<TOKEN>/main"),
        ("/api/repo/t/ab-12", "server", None, "/api/repo/t/<TOKEN>"),  # nothing after it
        ("/x/t/ab-12/t/cd-34/y", "cloud", None, "/x/t/<TOKEN>/t/<TOKEN>/y"),
        ("/t/ab-12/repo/x", None, None, "/t/<TOKEN>/repo/x"),  # the control port parses none
    ],
)
def test_split_request_path(raw: str, service: str | None, token: str | None, masked: str) -> None:
    _, _, found, logged = split_request_path(raw, service)
    assert (found, logged) == (token, masked)


def test_control_requests_gives_the_masked_log(sandbox: Sandbox, control: httpx.Client) -> None:
    """`GET /_sandbox/requests`: the request log as JSON, masked as in process."""
    token = sandbox.cloud_tokens[0]
    httpx.get(f"{sandbox.root('cloud')}/t/{token}/repo/main/noarch/repodata.json")
    httpx.get(f"{sandbox.root('account')}/api/x?access_token=s3cret&page=2")
    login = {"username": "demo", "password": "demo-password"}
    httpx.post(sandbox.urls["server"] + "/api/auth/login", json=login)
    body = control.get("/_sandbox/requests")
    assert body.status_code == 200
    entries = body.json()["requests"]
    assert entries[0] == {
        "method": "GET",
        "path": "/t/<TOKEN>/repo/main/noarch/repodata.json",
        "status": 200,
        "service": "cloud",
    }
    assert entries[1]["path"] == "/api/x?access_token=<MASKED>&page=2"
    assert entries[2] == {
        "method": "POST",
        "path": "/api/auth/login",
        "status": 200,
        "service": "server",
    }
    text = body.text
    assert token not in text and "s3cret" not in text and "demo-password" not in text
    only = control.get("/_sandbox/requests", params={"service": "server"}).json()["requests"]
    assert [e["service"] for e in only] == ["server"]
    assert not any(e["path"].startswith("/_sandbox") for e in entries)
