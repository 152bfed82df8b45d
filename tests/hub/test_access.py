"""The hub keeps each user's API to that user: another user's token, or a narrow one, is refused."""

from __future__ import annotations

import pytest

from .conftest import HubSetup
from .hubhelpers import data_changes, snapshot


@pytest.mark.parametrize(("method", "route", "body"), [
    ("GET", "status", None),
    ("GET", "preferences", None),
    ("POST", "connect", {"service": "server", "username": "x", "password": "y"}),
    ("POST", "disconnect", None),
])  # fmt: skip
def test_another_users_token_is_refused(
    hub_env: HubSetup, method: str, route: str, body: object
) -> None:
    a, b = hub_env.users
    hub = hub_env.hub
    before = snapshot([a.home])
    requests_before = len(hub_env.sandbox.request_log)

    status, answer = hub.user_api(a, method, route, body, token=b.token)
    assert status == 403, (status, answer)

    # The same request with A's own token gets through (the refusal is about the token).
    if method == "GET":
        assert hub.user_api(a, method, route)[0] == 200
    assert data_changes(before, snapshot([a.home])) == []
    if method == "POST":
        assert len(hub_env.sandbox.request_log) == requests_before  # never reached the service


def test_a_hub_token_without_access_to_the_server_is_refused(hub_env: HubSetup) -> None:
    a, _ = hub_env.users
    hub = hub_env.hub
    # A's own token, but only allowed to read A's hub record: no access:servers.
    narrow = hub.new_token(a, scopes=[f"read:users!user={a.name}"])
    assert hub.request("GET", f"hub/api/users/{a.name}", narrow)[0] == 200  # a working token
    status, answer = hub.user_api(a, "GET", "status", token=narrow)
    assert status == 403, (status, answer)
    status, answer = hub.user_api(
        a, "POST", "connect", {"service": "server", "username": a.name,
                               "password": a.repo_password}, token=narrow,
    )  # fmt: skip
    assert status == 403, (status, answer)
    assert hub_env.sandbox.server_tokens == {}


def test_an_unknown_token_is_refused(hub_env: HubSetup) -> None:
    a, _ = hub_env.users
    status, answer = hub_env.hub.user_api(a, "GET", "status", token="not-a-token")
    assert status in (401, 403), (status, answer)
