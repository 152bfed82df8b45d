"""Fixtures for the REST API: a real Jupyter server with the extension, and an OpenAPI check.

Every response that goes through the ``api`` fixture is validated against
``jupyter_repoconnect/openapi.yaml`` for its route, method and status, and at the end of the
test no response body or captured server log line may contain a registered secret.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from traitlets.config import Config

OPENAPI_URI = "urn:jupyter-repoconnect:openapi"
# Loggers of the server side: Jupyter, tornado, our extension and core (not the sandbox's).
SERVER_LOGGERS = ("ServerApp", "RepoConnectApp", "tornado", "jupyter_repoconnect")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class OpenAPI:
    """Resolve and check the schema of a documented request or response."""

    def __init__(self) -> None:
        text = (files("jupyter_repoconnect") / "openapi.yaml").read_text(encoding="utf-8")
        self.doc: dict[str, Any] = yaml.safe_load(text)
        resource = DRAFT202012.create_resource(self.doc)
        self.registry = Registry().with_resource(OPENAPI_URI, resource)

    def operation(self, route: str, method: str) -> dict[str, Any]:
        path = self.doc["paths"].get(f"/{route}")
        assert path is not None, f"route {route!r} is not in openapi.yaml"
        assert method.lower() in path, f"{method} {route} is not in openapi.yaml"
        return path[method.lower()]

    def _pointer(self, obj: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
        while "$ref" in obj:
            pointer = obj["$ref"].lstrip("#")
            obj = self.doc
            for part in pointer.strip("/").split("/"):
                obj = obj[part.replace("~1", "/").replace("~0", "~")]
        return obj, pointer

    def response_schema(self, route: str, method: str, status: int) -> dict[str, Any]:
        responses = self.operation(route, method)["responses"]
        assert str(status) in responses, (
            f"{method} {route} answered {status}, which openapi.yaml does not document"
        )
        base = f"/paths/{_escape('/' + route)}/{method.lower()}/responses/{status}"
        response, pointer = self._pointer(responses[str(status)], base)
        assert "application/json" in response["content"]
        return {"$ref": f"{OPENAPI_URI}#{pointer}/content/application~1json/schema"}

    def request_schema(self, route: str, method: str) -> dict[str, Any] | None:
        if "requestBody" not in self.operation(route, method):
            return None
        pointer = f"/paths/{_escape('/' + route)}/{method.lower()}/requestBody"
        return {"$ref": f"{OPENAPI_URI}#{pointer}/content/application~1json/schema"}

    def validate_response(self, route: str, method: str, status: int, body: Any) -> None:
        schema = self.response_schema(route, method, status)
        Draft202012Validator(schema, registry=self.registry).validate(body)

    def validate_request(self, route: str, method: str, body: Any) -> None:
        schema = self.request_schema(route, method)
        assert schema is not None, f"{method} {route} takes no body in openapi.yaml"
        Draft202012Validator(schema, registry=self.registry).validate(body)


@pytest.fixture(scope="session")
def openapi() -> OpenAPI:
    return OpenAPI()


def server_config(settings: dict[str, Any] | None = None, **server_app: Any) -> Config:
    """Our extension on, unauthenticated access off (terminals off: they warn about auth)."""
    config: dict[str, Any] = {
        "ServerApp": {
            "jpserver_extensions": {"jupyter_repoconnect": True, "jupyter_server_terminals": False},
            "allow_unauthenticated_access": False,
            **server_app,
        }
    }
    if settings:
        config["RepoConnectSettings"] = settings
    return Config(config)


@pytest.fixture
def jp_server_config() -> Config:
    return server_config()


@pytest.fixture
def repoconnect_app(jp_serverapp: Any) -> Any:
    """The running RepoConnectApp (its settings may be changed live in a test)."""
    (app,) = jp_serverapp.extension_manager.extension_apps["jupyter_repoconnect"]
    app.log.propagate = True  # into caplog, like pytest-jupyter does for the ServerApp's log
    return app


@dataclass
class Reply:
    status: int
    body: Any

    @property
    def error(self) -> str | None:
        return self.body.get("error") if isinstance(self.body, dict) else None


@dataclass
class Api:
    """``await api.get("status")`` -> Reply, validated against openapi.yaml."""

    fetch: Any
    openapi: OpenAPI
    secrets: set[str] = field(default_factory=set)
    texts: list[str] = field(default_factory=list)
    # Set by the ``rest`` fixture: the repoconnect_env, its sandbox and the live settings.
    env: Any = None
    sandbox: Any = None
    settings: Any = None

    async def call(
        self,
        method: str,
        route: str,
        body: Any = None,
        *,
        raw: str | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        kwargs: dict[str, Any] = {}
        if method in ("POST", "PUT"):
            kwargs["body"] = raw if raw is not None else json.dumps({} if body is None else body)
        response = await self.fetch(
            "repoconnect",
            route,
            method=method,
            params=params,
            headers=headers,
            raise_error=False,
            **kwargs,
        )
        text = response.body.decode("utf-8")
        self.texts.append(text)
        assert response.headers.get("Content-Type", "").startswith("application/json"), text
        data = json.loads(text)
        self.openapi.validate_response(route, method, response.code, data)
        if response.code == 200 and body is not None and raw is None:
            self.openapi.validate_request(route, method, body)
        return Reply(response.code, data)

    async def get(self, route: str, **kwargs: Any) -> Reply:
        return await self.call("GET", route, **kwargs)

    async def post(self, route: str, body: Any = None, **kwargs: Any) -> Reply:
        return await self.call("POST", route, body, **kwargs)

    async def put(self, route: str, body: Any = None, **kwargs: Any) -> Reply:
        return await self.call("PUT", route, body, **kwargs)


def server_log_text(caplog: pytest.LogCaptureFixture, stream: Any) -> str:
    # At teardown caplog.records holds only the teardown's records: ask for each phase.
    phases = ("setup", "call", "teardown")
    records = [
        r for p in phases for r in caplog.get_records(p) if r.name.startswith(SERVER_LOGGERS)
    ]
    lines = [f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in records]
    return "\n".join(lines) + "\n" + stream.getvalue()


def assert_no_secrets(text: str, secrets: set[str]) -> None:
    for secret in secrets:
        if secret:
            assert secret not in text, "a password or token leaked into a response or a log line"


@pytest.fixture
def api(
    jp_fetch: Any,
    openapi: OpenAPI,
    caplog: pytest.LogCaptureFixture,
    jp_logging_stream: Any,
    repoconnect_app: Any,
) -> Any:
    for name in SERVER_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    client = Api(jp_fetch, openapi)
    yield client
    assert_no_secrets("\n".join(client.texts), client.secrets)
    assert_no_secrets(server_log_text(caplog, jp_logging_stream), client.secrets)


@pytest.fixture
def rest(api: Api, repoconnect_env: Any, repoconnect_app: Any) -> Any:
    """``api`` against the sandbox in a throw-away environment (``rest.env``, ``rest.sandbox``).

    Every password and token the sandbox knows at the end of the test counts as a secret.
    """
    api.env = repoconnect_env
    api.sandbox = repoconnect_env.sandbox
    api.settings = repoconnect_app.repoconnect_settings
    yield api
    sandbox = repoconnect_env.sandbox
    api.secrets.update(sandbox.users.values())
    api.secrets.update(record.token for record in sandbox.tokens.select().values())
