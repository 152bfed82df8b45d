"""The administrator's lock holds on every surface of a user's server: REST, magics, CLI."""

from __future__ import annotations

import pytest

from .conftest import HubSetup
from .hubhelpers import Kernel, data_changes, snapshot

OTHER = "https://other.example.com"


@pytest.mark.parametrize(("method", "route", "body"), [
    ("PUT", "preferences", {"server_domain": OTHER}),
    ("POST", "connect", {"service": "server", "domain": OTHER, "username": "u", "password": "p"}),
    ("POST", "connect", {"service": "cloud", "token": "some-token"}),
    ("POST", "connect", {"service": "enterprise", "domain": OTHER + "/api", "username": "u",
                         "password": "p"}),
])  # fmt: skip
def test_rest_refuses_another_domain_or_service(
    hub_env: HubSetup, method: str, route: str, body: dict
) -> None:
    a, _ = hub_env.users
    before = snapshot([a.home])
    status, answer = hub_env.hub.user_api(a, method, route, body)
    assert status == 403, (status, answer)
    assert answer["error"] == "not_allowed"
    assert "administrator" in answer["message"]
    assert data_changes(before, snapshot([a.home])) == []
    assert hub_env.sandbox.request_log == []


def test_magics_in_a_kernel_started_by_the_hub_refuse(hub_env: HubSetup) -> None:
    a, _ = hub_env.users
    before = snapshot([a.home])
    kernel = Kernel(hub_env.hub, a)
    try:
        out, errors = kernel.execute(
            "import os, sys; print(sys.prefix); print(os.environ['HOME'])\n"
            "%load_ext jupyter_repoconnect\n"
            "%repo_connect domain --text"
        )
        assert not errors, errors
        assert str(a.home) in out  # the kernel runs in A's environment
        assert hub_env.domain in out  # and sees the preset

        out, errors = kernel.execute(f"%repo_connect domain server {OTHER} --text")
        assert errors[-1].startswith("repo_connect: Your administrator has set"), errors
        assert hub_env.domain in errors[-1]

        out, errors = kernel.execute(
            "os.environ['RC_TOKEN'] = 'some-token'\n%repo_connect cloud --token-env RC_TOKEN --text"
        )
        assert errors[-1].startswith("repo_connect: Your administrator does not allow"), errors

        out, errors = kernel.execute(
            "os.environ['RC_PW'] = 'p'\n"
            f"%repo_connect server --domain {OTHER} --username u --password-env RC_PW --text"
        )
        assert errors[-1].startswith("repo_connect: Your administrator has set"), errors
    finally:
        kernel.close()
    assert hub_env.sandbox.request_log == []
    changes = [p for p in data_changes(before, snapshot([a.home])) if "/.ipython" not in p
               and "/.local/share/jupyter" not in p]  # fmt: skip
    assert changes == []


def test_cli_in_the_users_environment_refuses(hub_env: HubSetup) -> None:
    a, _ = hub_env.users
    env = hub_env.user_env(a)
    before = snapshot([a.home])

    shown = a.run(["jupyter", "repoconnect", "domain"], env=env)
    assert shown.returncode == 0, shown.stderr
    assert hub_env.domain in shown.stdout

    for args in (
        ["domain", "server", OTHER],
        ["login", "server", "--domain", OTHER, "--username", "u", "--password-env", "RC_PW"],
        ["login", "cloud", "--token-env", "RC_TOKEN"],
        ["login", "enterprise", "--domain", OTHER + "/api", "--username", "u",
         "--password-env", "RC_PW"],
    ):  # fmt: skip
        done = a.run(
            ["jupyter", "repoconnect", *args],
            env={**env, "RC_PW": "p", "RC_TOKEN": "some-token"},
        )
        assert done.returncode != 0, (args, done.stdout)
        assert "administrator" in done.stderr, (args, done.stderr)
    assert data_changes(before, snapshot([a.home])) == []
    assert hub_env.sandbox.request_log == []
