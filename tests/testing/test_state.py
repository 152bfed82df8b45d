"""Token records, reset, the request log, secrets never logged, and the control endpoint."""

from __future__ import annotations

import httpx
import pytest

from jupyter_repoconnect.testing import Sandbox as LazySandbox
from jupyter_repoconnect.testing.sandbox import Sandbox


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


def test_reset_keeps_seeds_only(sandbox: Sandbox, client: httpx.Client, session: str) -> None:
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
    sandbox: Sandbox, client: httpx.Client, capfd: pytest.CaptureFixture[str]
) -> None:
    token = sandbox.cloud_tokens[0]
    client.get(f"/t/{token}/cloud/repo/main/noarch/repodata.json")
    client.get("/server/api/channels?q=x&access_token=abc123")
    method, path, status = sandbox.request_log[-2]
    assert (method, path, status) == ("GET", "/t/<TOKEN>/cloud/repo/main/noarch/repodata.json", 200)
    assert "abc123" not in sandbox.request_log[-1][1]
    out, err = capfd.readouterr()
    assert token not in out + err and "abc123" not in out + err
    assert all(token not in entry[1] for entry in sandbox.request_log)


def test_control_state_reset_and_tokens(
    sandbox: Sandbox, client: httpx.Client, private_token: dict[str, str]
) -> None:
    state = client.get("/_sandbox/state").json()
    assert state["users"] == ["demo"] and state["channels"] == 200
    ids = [t["id"] for t in state["tokens"]["server"] if t["kind"] == "private"]
    assert ids == [private_token["id"]]
    assert private_token["token"] not in client.get("/_sandbox/state").text
    assert sandbox.cloud_tokens[0] not in client.get("/_sandbox/state").text

    revoked = client.post(f"/_sandbox/tokens/{private_token['id']}/revoke")
    assert revoked.json()["revoked"] is True
    cloud_id = next(iter(sandbox.cloud_token_records))
    assert client.post(f"/_sandbox/tokens/{cloud_id}/expire").json()["expired"] is True
    assert not sandbox.is_token_valid(sandbox.cloud_tokens[0])
    assert client.post("/_sandbox/tokens/nope/revoke").status_code == 404

    assert not any(path.startswith("/_sandbox") for _, path, _ in sandbox.request_log)
    assert client.post("/_sandbox/reset").status_code == 204
    assert sandbox.is_token_valid(sandbox.cloud_tokens[0])
    assert not sandbox.server_tokens


def test_unknown_paths(client: httpx.Client) -> None:
    assert client.get("/").json()["urls"]["server"].endswith("/server")
    assert client.get("/elsewhere").status_code == 404
    assert client.get("/server/api/nothing").status_code == 404
    assert client.get("/enterprise/api/nothing").status_code == 404
    assert client.get("/_sandbox/nothing").status_code == 404
