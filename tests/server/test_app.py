"""The extension app: config, cheap loading, base_url, error mapping in one place."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

import jupyter_repoconnect
from jupyter_repoconnect.app import RepoConnectApp
from jupyter_repoconnect.core import errors
from jupyter_repoconnect.core.settings import RepoConnectSettings
from jupyter_repoconnect.handlers import INTERNAL_ERROR_MESSAGE, status_for

from .conftest import server_config

HEAVY_MODULES = ("httpx", "httpcore", "ruamel.yaml", "filelock")
ROOT = Path(__file__).resolve().parents[2]

LOAD_SCRIPT = """
import json, sys
from jupyter_server.serverapp import ServerApp
app = ServerApp.instance(jpserver_extensions={"jupyter_repoconnect": True}, open_browser=False)
app.initialize(argv=[], find_extensions=False, new_httpserver=False)
assert "jupyter_repoconnect" in app.extension_manager.extension_apps
rules = [r.matcher.regex.pattern for r in app.web_app.default_router.rules[0].target.rules]
print(json.dumps({"heavy": [m for m in %r if m in sys.modules],
                  "routes": [r for r in rules if "repoconnect" in r]}))
"""


def test_enabled_on_install() -> None:
    points = jupyter_repoconnect._jupyter_server_extension_points()
    assert points == [{"module": "jupyter_repoconnect", "app": RepoConnectApp}]
    assert RepoConnectApp.name == "jupyter_repoconnect"
    enabling = ROOT / "jupyter-config" / "server-config" / "jupyter_repoconnect.json"
    assert json.loads(enabling.read_text()) == {
        "ServerApp": {"jpserver_extensions": {"jupyter_repoconnect": True}}
    }


def test_loading_the_extension_imports_no_http_or_yaml_library(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(
        HOME=str(tmp_path),
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
    )
    out = subprocess.run(
        [sys.executable, "-c", LOAD_SCRIPT % (HEAVY_MODULES,)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["heavy"] == []
    from jupyter_repoconnect.routes import ROUTES

    assert len(result["routes"]) == len(ROUTES)  # every route of the table, registered


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.BadInput, 400),
        (errors.AuthenticationRefused, 401),
        (errors.NotAllowed, 403),
        (errors.Conflict, 409),
        (errors.NotConnected, 409),
        (errors.CorruptCondarc, 422),
        (errors.ServiceUnavailable, 502),
        (errors.TLSFailure, 502),
        (errors.ServiceTimeout, 504),
        (errors.RepoConnectError, 500),
    ],
)
def test_status_of_each_core_error(error: type[errors.RepoConnectError], status: int) -> None:
    assert status_for(error("x")) == status


@pytest.fixture
def config_dir_file(jp_config_dir: Path) -> Path:
    path = jp_config_dir / "jupyter_repoconnect_config.py"
    path.write_text(
        "c.RepoConnectSettings.server_domain = 'https://anaconda.example.com'\n"
        "c.RepoConnectSettings.timeout = 7.0\n"
    )
    return path


@pytest.fixture
def jp_server_config(config_dir_file: Path) -> Config:
    return server_config(settings={"allowed_services": ["server"], "timeout": 3.0})


def test_settings_come_from_server_config_and_extension_config_file(repoconnect_app: Any) -> None:
    settings = repoconnect_app.repoconnect_settings
    assert isinstance(settings, RepoConnectSettings)
    assert repoconnect_app.connector.settings is settings
    assert settings.server_domain == "https://anaconda.example.com"  # jupyter_repoconnect_config.py
    assert settings.allowed_services == ["server"]  # server config
    assert settings.timeout == 3.0  # server config wins, as in config_files.load_settings
    assert RepoConnectSettings in repoconnect_app.classes


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.BadInput("That is not a domain."), 400),
        (errors.AuthenticationRefused("Wrong username or password."), 401),
        (errors.NotAllowed("Your administrator does not allow this."), 403),
        (errors.Conflict("Sign out first.", code="already_connected"), 409),
        (errors.NotConnected("Not signed in."), 409),
        (errors.CorruptCondarc("Cannot parse .condarc."), 422),
        (errors.ServiceUnavailable("Unreachable."), 502),
        (errors.TLSFailure("Certificate check failed."), 502),
        (errors.ServiceTimeout("No answer."), 504),
    ],
)
async def test_core_errors_become_json_errors(
    api: Any, repoconnect_app: Any, monkeypatch: Any, error: Exception, status: int
) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise error

    monkeypatch.setattr(repoconnect_app.connector, "connect", fail)
    reply = await api.post("connect", {"service": "server", "username": "u", "password": "p"})
    assert reply.status == status
    moved = error.code in ("already_connected", "not_connected")  # the state moved elsewhere
    assert reply.body == {"error": error.code, "message": error.message, "state_moved": moved}


async def test_unexpected_error_is_a_generic_500_and_its_text_is_not_logged(
    api: Any, repoconnect_app: Any, monkeypatch: Any, caplog: Any
) -> None:
    secret = "https://srv.example.com/t/tk-s3cr3t/api/repo"
    api.secrets.add(secret)
    api.secrets.add("tk-s3cr3t")

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"could not GET {secret}")

    monkeypatch.setattr(repoconnect_app.connector, "status", fail)
    reply = await api.get("status")
    assert reply.status == 500
    assert reply.body == {
        "error": "internal_error",
        "message": INTERNAL_ERROR_MESSAGE,
        "state_moved": False,
    }
    assert "Unexpected RuntimeError in GET" in caplog.text  # logged, with frames, without text
    assert "in fail" in caplog.text


@pytest.mark.parametrize(
    ("method", "route", "raw", "message"),
    [
        ("POST", "connect", '{"service": "server", "password": "hunter2"', "not valid JSON"),
        ("POST", "connect", '["server"]', "must be a JSON object"),
        ("POST", "connect", '{"service": "server", "pasword": "hunter2"}', "Unknown field"),
        ("POST", "connect", '{"username": "demo"}', "'service' is required"),
        ("POST", "connect", '{"service": "server", "password": 5}', "'password' must be"),
        ("POST", "channels", '{"channels": "main"}', "must be a list of strings"),
        ("PUT", "condarc", '{"channels": []}', "'version' is required"),
        ("PUT", "condarc", '{"version": "v", "confirm_defaults": "yes"}', "true or false"),
        ("PUT", "preferences", "{}", "server_domain"),
        ("PUT", "preferences", '{"server_domain": null}', "must be a string"),
    ],
)
async def test_malformed_bodies_are_refused_without_echo(
    api: Any, method: str, route: str, raw: str, message: str
) -> None:
    api.secrets.add("hunter2")
    reply = await api.call(method, route, raw=raw)
    assert (reply.status, reply.error) == (400, "bad_input")
    assert message in reply.body["message"]


@pytest.mark.parametrize(
    "params",
    [{"limit": "0"}, {"limit": "501"}, {"limit": "ten"}, {"offset": "-1"}, {"offset": "1.5"}],
)
async def test_channel_paging_is_validated(api: Any, params: dict[str, str]) -> None:
    reply = await api.get("channels", params=params)
    assert (reply.status, reply.error) == (400, "bad_input")


async def test_unknown_method_is_a_json_405(api: Any, jp_fetch: Any) -> None:
    response = await jp_fetch("repoconnect", "status", method="DELETE", raise_error=False)
    assert response.code == 405
    assert json.loads(response.body)["error"] == "method_not_allowed"
