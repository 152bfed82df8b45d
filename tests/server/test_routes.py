"""Every route's success and error statuses, against the sandbox repository."""

from __future__ import annotations

import json
from typing import Any

import pytest

CORRUPT = "channels: [defaults\nssl_verify: : :\n"


async def connect_server(rest: Any) -> dict[str, Any]:
    reply = await rest.post(
        "connect",
        {
            "service": "server",
            "domain": rest.sandbox.urls["server"],
            "username": "demo",
            "password": "demo-password",
        },
    )
    assert reply.status == 200, reply.body
    return reply.body


# --- GET status ------------------------------------------------------------------------------
async def test_status_signed_out(rest: Any) -> None:
    reply = await rest.get("status")
    assert reply.status == 200
    assert reply.body["connected"] is False
    assert reply.body["condarc_path"] == str(rest.env.condarc)


async def test_status_reports_a_corrupt_condarc_as_a_warning(rest: Any) -> None:
    rest.env.condarc.write_text(CORRUPT)
    reply = await rest.get("status")
    assert reply.status == 200
    assert reply.body["warnings"]


# --- POST connect ----------------------------------------------------------------------------
async def test_connect_server(rest: Any) -> None:
    status = await connect_server(rest)
    assert status["connected"] is True
    assert (status["service"], status["username"]) == ("server", "demo")
    assert status["domain"] == rest.sandbox.urls["server"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"service": "gitlab"}, "bad_service"),
        ({"service": "server", "username": "demo"}, "missing_input"),
        ({"service": "cloud"}, "missing_input"),
        ({"service": "server", "domain": "anaconda.example.com", "username": "demo",
          "password": "demo-password"}, "invalid_domain"),
        ({"service": "server", "username": "demo", "password": "demo-password"},
         "domain_required"),
    ],
)  # fmt: skip
async def test_connect_bad_input(rest: Any, body: dict[str, Any], code: str) -> None:
    reply = await rest.post("connect", body)
    assert (reply.status, reply.error) == (400, code)


async def test_connect_wrong_password_is_401(rest: Any) -> None:
    rest.secrets.add("not-the-password")
    reply = await rest.post(
        "connect",
        {"service": "server", "domain": rest.sandbox.urls["server"], "username": "demo",
         "password": "not-the-password"},
    )  # fmt: skip
    assert (reply.status, reply.error) == (401, "wrong_credentials")


async def test_connect_wrong_cloud_token_is_401(rest: Any) -> None:
    rest.secrets.add("no-such-token")
    reply = await rest.post("connect", {"service": "cloud", "token": "no-such-token"})
    assert (reply.status, reply.error) == (401, "invalid_token")


async def test_connect_to_a_service_the_admin_disallowed_is_403(rest: Any) -> None:
    rest.settings.allowed_services = ["server"]
    reply = await rest.post("connect", {"service": "cloud", "token": rest.sandbox.cloud_tokens[0]})
    assert (reply.status, reply.error) == (403, "not_allowed")


async def test_connect_twice_is_409(rest: Any) -> None:
    await connect_server(rest)
    reply = await rest.post("connect", {"service": "cloud", "token": rest.sandbox.cloud_tokens[0]})
    assert (reply.status, reply.error) == (409, "already_connected")


async def test_connect_with_corrupt_condarc_is_422(rest: Any) -> None:
    rest.env.condarc.write_text(CORRUPT)
    reply = await rest.post("connect", {"service": "cloud", "token": rest.sandbox.cloud_tokens[0]})
    assert (reply.status, reply.error) == (422, "corrupt_condarc")
    assert rest.env.condarc.read_text() == CORRUPT


@pytest.mark.parametrize(
    ("service", "kind", "code"),
    [
        ("cloud", "status", "service_unavailable"),
        ("cloud", "drop", "service_unavailable"),
        ("server", "html", "wrong_domain"),  # /api/system answers like no Anaconda Server
        ("server", "garbage", "wrong_domain"),
    ],
)
async def test_connect_to_a_failing_service_is_502(
    rest: Any, service: str, kind: str, code: str
) -> None:
    rest.sandbox.inject(kind, service)
    body = {"service": service, "token": rest.sandbox.cloud_tokens[0]}
    if service == "server":
        body = {"service": "server", "domain": rest.sandbox.urls["server"], "username": "demo",
                "password": "demo-password"}  # fmt: skip
    reply = await rest.post("connect", body)
    assert (reply.status, reply.error) == (502, code)
    assert not rest.env.condarc.exists()
    assert not rest.env.token_dir.exists() or not any(rest.env.token_dir.iterdir())


async def test_connect_to_a_slow_service_is_504(rest: Any) -> None:
    rest.settings.timeout = 0.2
    rest.sandbox.inject("latency", "cloud", 1.0, times=1)
    reply = await rest.post("connect", {"service": "cloud", "token": rest.sandbox.cloud_tokens[0]})
    assert (reply.status, reply.error) == (504, "service_timeout")


async def test_connect_tls_failure_is_502(rest: Any) -> None:
    # An https:// URL to the sandbox's plain-HTTP port: the TLS handshake fails.
    domain = rest.sandbox.urls["server"].replace("http://", "https://")
    reply = await rest.post(
        "connect",
        {"service": "server", "domain": domain, "username": "demo", "password": "demo-password"},
    )
    assert (reply.status, reply.error) == (502, "tls_failure")


# --- GET channels ----------------------------------------------------------------------------
async def test_channels_need_a_connection(rest: Any) -> None:
    reply = await rest.get("channels")
    assert (reply.status, reply.error) == (409, "not_connected")


async def test_channels_paging_and_filter(rest: Any) -> None:
    await connect_server(rest)
    first = await rest.get("channels", params={"limit": "10"})
    assert first.status == 200
    assert (len(first.body["items"]), first.body["offset"], first.body["limit"]) == (10, 0, 10)
    total = first.body["total"]
    assert total >= 10
    last = await rest.get("channels", params={"offset": str(total - 3), "limit": "10"})
    assert len(last.body["items"]) == 3
    name = first.body["items"][0]["name"]
    found = await rest.get("channels", params={"q": name})
    assert found.body["q"] == name
    assert name in [item["name"] for item in found.body["items"]]


async def test_channels_of_cloud_are_not_listed(rest: Any) -> None:
    await rest.post("connect", {"service": "cloud", "token": rest.sandbox.cloud_tokens[0]})
    reply = await rest.get("channels")
    assert (reply.status, reply.error) == (400, "no_channel_listing")


async def test_channels_with_a_revoked_token_is_401(rest: Any) -> None:
    await connect_server(rest)
    for record in rest.sandbox.server_tokens.values():
        rest.sandbox.revoke_token(record.token)
    reply = await rest.get("channels")
    assert (reply.status, reply.error) == (401, "auth_refused")


async def test_channels_of_a_failing_service(rest: Any) -> None:
    await connect_server(rest)
    rest.sandbox.inject("status", "server", 500)
    reply = await rest.get("channels")
    assert (reply.status, reply.error) == (502, "service_unavailable")
    rest.sandbox.clear_faults()
    rest.settings.timeout = 0.2
    rest.sandbox.inject("latency", "server", 1.0, times=1)
    reply = await rest.get("channels")
    assert (reply.status, reply.error) == (504, "service_timeout")


# --- POST channels ---------------------------------------------------------------------------
async def test_add_channels_by_name_when_connected_to_server(rest: Any) -> None:
    await connect_server(rest)
    reply = await rest.post("channels", {"channels": ["main", "r"], "default_channels": ["main"]})
    assert reply.status == 200
    # by name under channel_alias (Navigator's form); `defaults` so conda searches
    # default_channels at all
    assert reply.body["channels"] == ["defaults", "main", "r"]
    assert reply.body["default_channels"] == ["main"]
    assert reply.body["exists"] is True


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "no_channels"),
        ({"channels": []}, "no_channels"),
        ({"channels": ["has space"]}, "bad_channel"),
        ({"channels": ["ftp://x/y"]}, "bad_channel"),
        ({"channels": ["http://"]}, "bad_channel"),
        ({"channels": ["a\x00b"]}, "bad_characters"),
    ],
)
async def test_add_channels_bad_input(rest: Any, body: dict[str, Any], code: str) -> None:
    reply = await rest.post("channels", body)
    assert (reply.status, reply.error) == (400, code)
    assert not rest.env.condarc.exists()


async def test_add_channels_to_a_corrupt_condarc_is_422(rest: Any) -> None:
    rest.env.condarc.write_text(CORRUPT)
    reply = await rest.post("channels", {"channels": ["conda-forge"]})
    assert (reply.status, reply.error) == (422, "corrupt_condarc")
    assert rest.env.condarc.read_text() == CORRUPT


# --- GET / PUT condarc -----------------------------------------------------------------------
async def test_condarc_read_and_replace(rest: Any) -> None:
    rest.env.condarc.write_text("channels:\n  - defaults\n  - conda-forge\n")
    read = await rest.get("condarc")
    assert read.status == 200
    assert read.body["channels"] == ["defaults", "conda-forge"]
    assert read.body["default_channels"] is None
    assert read.body["path"] == str(rest.env.condarc)

    reply = await rest.put(
        "condarc",
        {"channels": ["conda-forge", "defaults"], "default_channels": ["https://x.example/main"],
         "version": read.body["version"]},
    )  # fmt: skip
    assert reply.status == 200
    assert reply.body["channels"] == ["conda-forge", "defaults"]
    assert reply.body["default_channels"] == ["https://x.example/main"]

    stale = await rest.put("condarc", {"channels": ["defaults"], "version": read.body["version"]})
    assert (stale.status, stale.error) == (409, "stale_version")

    removed = await rest.put(
        "condarc", {"default_channels": None, "version": reply.body["version"]}
    )
    assert removed.status == 200
    assert removed.body["default_channels"] is None
    assert removed.body["channels"] == ["conda-forge", "defaults"]


async def test_removing_defaults_needs_confirmation(rest: Any) -> None:
    rest.env.condarc.write_text("channels:\n  - defaults\n  - conda-forge\n")
    version = (await rest.get("condarc")).body["version"]
    refused = await rest.put("condarc", {"channels": ["conda-forge"], "version": version})
    assert (refused.status, refused.error) == (400, "confirm_defaults")
    done = await rest.put(
        "condarc", {"channels": ["conda-forge"], "version": version, "confirm_defaults": True}
    )
    assert done.status == 200
    assert done.body["channels"] == ["conda-forge"]


async def test_condarc_corrupt_is_422(rest: Any) -> None:
    rest.env.condarc.write_text(CORRUPT)
    assert (await rest.get("condarc")).status == 422
    reply = await rest.put("condarc", {"channels": [], "version": "x"})
    assert (reply.status, reply.error) == (422, "corrupt_condarc")
    assert rest.env.condarc.read_text() == CORRUPT


# --- POST disconnect -------------------------------------------------------------------------
async def test_disconnect_when_signed_out_is_409(rest: Any) -> None:
    reply = await rest.post("disconnect")
    assert (reply.status, reply.error) == (409, "not_connected")


async def test_disconnect(rest: Any) -> None:
    await connect_server(rest)
    reply = await rest.post("disconnect")
    assert reply.status == 200
    assert reply.body["connected"] is False


# --- GET / PUT preferences -------------------------------------------------------------------
async def test_preferences(rest: Any) -> None:
    reply = await rest.get("preferences")
    assert reply.status == 200
    services = reply.body.pop("services")
    assert reply.body == {
        "server_domain": None,
        "enterprise_domain": None,
        "allow_domain_change": True,
        "allowed_services": ["cloud", "server", "enterprise"],
        "domains": {"server": None, "enterprise": None},
        "default_service": "server",
        "default_methods": {"cloud": "token", "server": "password", "enterprise": "password"},
        "package_managers": {"rattler": "pixi and rattler", "mamba": "mamba and micromamba"},
    }
    assert [s["id"] for s in services] == ["cloud", "server", "enterprise"]
    forms = {s["id"]: [f["name"] for f in s["sign_in"][0]["fields"]] for s in services}
    assert forms == {
        "cloud": ["token"],
        "server": ["username", "password"],
        "enterprise": ["username", "password"],
    }
    server, enterprise = rest.sandbox.urls["server"], rest.sandbox.urls["enterprise"]
    both = {"server_domain": server, "enterprise_domain": enterprise}
    reply = await rest.put("preferences", both)
    assert reply.status == 200
    assert (reply.body["server_domain"], reply.body["enterprise_domain"]) == (server, enterprise)
    assert (await rest.get("preferences")).body == reply.body


async def test_preferences_take_domains_by_service_id(rest: Any) -> None:
    server = rest.sandbox.urls["server"]
    reply = await rest.put("preferences", {"domains": {"server": server}})
    assert reply.status == 200
    assert reply.body["domains"]["server"] == reply.body["server_domain"] == server
    refused = await rest.put("preferences", {"domains": {"cloud": server}})
    assert (refused.status, refused.error) == (400, "bad_service")
    unknown = await rest.put("preferences", {"domains": {"anaconda.org": server}})
    assert (unknown.status, unknown.error) == (400, "bad_service")


@pytest.mark.parametrize(
    "domain", ["anaconda.example.com", "ftp://anaconda.example.com", "https://a.example.com/"]
)
async def test_preferences_refuse_a_bad_domain(rest: Any, domain: str) -> None:
    reply = await rest.put("preferences", {"server_domain": domain})
    assert (reply.status, reply.error) == (400, "invalid_domain")
    assert "http" in reply.body["message"]


async def test_preferences_locked_by_the_admin_is_403(rest: Any) -> None:
    rest.settings.server_domain = "https://anaconda.example.com"
    rest.settings.allow_domain_change = False
    assert (await rest.get("preferences")).body["server_domain"] == "https://anaconda.example.com"
    reply = await rest.put("preferences", {"server_domain": "https://elsewhere.example.com"})
    assert (reply.status, reply.error) == (403, "not_allowed")


async def test_changing_the_domain_while_signed_in_is_409(rest: Any) -> None:
    await connect_server(rest)
    reply = await rest.put("preferences", {"server_domain": "https://elsewhere.example.com"})
    assert (reply.status, reply.error) == (409, "conflict")


# --- GET doctor ------------------------------------------------------------------------------
async def test_doctor(rest: Any) -> None:
    signed_out = await rest.get("doctor")
    assert signed_out.status == 200
    await connect_server(rest)
    signed_in = await rest.get("doctor")
    assert signed_in.status == 200
    assert signed_in.body["findings"]
    assert signed_in.body["checked"]["connected"] is True
    assert signed_in.body["checked"]["username"] == "demo"


async def test_doctor_checks_a_sign_in_attempted(rest: Any) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    reply = await rest.get("doctor", params={"service": "server", "domain": closed})
    assert reply.status == 200
    assert reply.body["checked"] == {
        "connected": False,
        "service": "server",
        "domain": closed,
        "username": None,
        "attempt": True,
    }
    (reachable,) = [f for f in reply.body["findings"] if f["check"] == "reachable"]
    assert reachable["message"].startswith(f"Nothing answers at {closed}")
    bad = await rest.get("doctor", params={"service": "server", "domain": "example.com/"})
    assert (bad.status, bad.error) == (400, "invalid_domain")
    unknown = await rest.get("doctor", params={"service": "nope"})
    assert unknown.status == 400 and set(unknown.body) == {"error", "message", "state_moved"}


# --- bounded bodies and query arguments ------------------------------------------------------
async def test_a_body_over_256_kib_is_413(rest: Any) -> None:
    raw = '{"service": "cloud", "token": "' + "x" * 300_000 + '"}'
    reply = await rest.post("connect", raw=raw)
    assert (reply.status, reply.error) == (413, "body_too_large")


@pytest.mark.parametrize("depth", [20, 100_000])
async def test_a_deeply_nested_body_is_400(rest: Any, depth: int) -> None:
    raw = '{"channels": ' + "[" * depth + "]" * depth + "}"
    reply = await rest.post("channels", raw=raw)
    assert (reply.status, reply.error) == (400, "bad_input")


@pytest.mark.parametrize("params", [{"limit": ""}, {"offset": ""}, {"offset": "9" * 30}])
async def test_an_empty_or_huge_paging_argument_is_400(rest: Any, params: dict[str, str]) -> None:
    await connect_server(rest)
    reply = await rest.get("channels", params=params)
    assert (reply.status, reply.error) == (400, "bad_input")


async def test_a_condarc_that_is_a_folder_is_409_naming_it(rest: Any) -> None:
    rest.env.condarc.mkdir(parents=True)
    reply = await rest.get("condarc")
    assert (reply.status, reply.error) == (409, "file_problem")
    assert str(rest.env.condarc) in reply.body["message"]


# --- an unknown route ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "no-such-route"), ("POST", "status/extra"), ("GET", "account/nope"), ("DELETE", "x")],
)
async def test_an_unknown_route_is_a_json_404(
    rest: Any, jp_fetch: Any, method: str, path: str
) -> None:
    body = "{}" if method == "POST" else None
    response = await jp_fetch(
        "repoconnect", *path.split("/"), method=method, body=body, raise_error=False
    )
    assert response.code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    reply = json.loads(response.body)
    assert reply["error"] == "not_found" and reply["state_moved"] is False
    assert "<html" not in response.body.decode().lower()
