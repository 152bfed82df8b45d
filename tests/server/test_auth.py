"""Authentication, authorization and XSRF on every route."""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from typing import Any

import pytest
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.serverapp import _has_tornado_web_authenticated
from tornado.web import RequestHandler

from jupyter_repoconnect.handlers import AUTH_RESOURCE
from jupyter_repoconnect.routes import ROUTES, UnknownRouteHandler

WRITE_METHODS = ("POST", "PUT")


def implemented_methods(handler: type[RequestHandler]) -> list[str]:
    """HTTP methods a handler answers (CORS preflight ``OPTIONS`` from APIHandler excluded)."""
    methods = []
    for name in handler.SUPPORTED_METHODS:
        method = getattr(handler, name.lower())
        if method is RequestHandler._unimplemented_method or method is APIHandler.options:
            continue
        methods.append(name)
    return methods


ROUTE_METHODS = [
    (path, m)
    for path, handler in ROUTES
    if handler is not UnknownRouteHandler  # the JSON 404 of every other path: undocumented
    for m in implemented_methods(handler)
]


def test_every_method_is_authenticated_then_authorized() -> None:
    assert len(ROUTE_METHODS) == 16 + 9  # the repository routes and the account's
    missing = []
    for path, handler in ROUTES:
        assert handler.auth_resource == AUTH_RESOURCE == "repoconnect"
        for name in implemented_methods(handler):
            method = getattr(handler, name.lower())
            # Outermost @tornado.web.authenticated, then jupyter_server's @authorized.
            inner = getattr(method, "__wrapped__", None)
            ok = (
                _has_tornado_web_authenticated(method)
                and inner is not None
                and inner.__code__.co_qualname == authorized(lambda: None).__code__.co_qualname
            )
            if not ok:
                missing.append(f"{name} {path} ({handler.__name__})")
    assert not missing, f"methods without @authenticated + @authorized: {missing}"


def test_route_table_matches_openapi(openapi: Any) -> None:
    documented = {
        (path.lstrip("/"), method.upper())
        for path, item in openapi.doc["paths"].items()
        for method in item
    }
    assert documented == set(ROUTE_METHODS)


def test_openapi_document_is_valid(openapi: Any) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(openapi.doc)


@pytest.fixture
def raw_fetch(http_server_client: Any, jp_base_url: str) -> Any:
    """A request with only the headers given: no token."""

    async def fetch(route: str, method: str = "GET", **kwargs: Any) -> Any:
        if method in WRITE_METHODS:
            kwargs.setdefault("body", "{")
        return await http_server_client.fetch(
            f"{jp_base_url}{route}", method=method, raise_error=False, **kwargs
        )

    return fetch


@pytest.mark.parametrize(("route", "method"), ROUTE_METHODS)
async def test_request_without_authentication_is_rejected(
    raw_fetch: Any, openapi: Any, route: str, method: str
) -> None:
    response = await raw_fetch(f"repoconnect/{route}", method)
    assert response.code == 403
    body = json.loads(response.body)
    assert body["error"] == "forbidden"
    openapi.validate_response(route, method, 403, body)


async def test_an_unknown_route_without_authentication_is_rejected(raw_fetch: Any) -> None:
    response = await raw_fetch("repoconnect/no/such/route")
    assert response.code == 403
    assert json.loads(response.body)["error"] == "forbidden"


def _cookies(response: Any, jar: SimpleCookie) -> SimpleCookie:
    for header in response.headers.get_list("Set-Cookie"):
        jar.load(header)
    return jar


def _cookie_header(jar: SimpleCookie) -> str:
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


async def browser_session(raw_fetch: Any, jp_auth_header: dict[str, str]) -> SimpleCookie:
    """Cookies of a browser that logged in: the login cookie and the ``_xsrf`` cookie."""
    jar: SimpleCookie = SimpleCookie()
    _cookies(await raw_fetch("login"), jar)  # the login page sets _xsrf
    _cookies(await raw_fetch("api/status", headers=jp_auth_header), jar)  # sets the login cookie
    assert "_xsrf" in jar
    assert any(name.startswith("username-") for name in jar)
    return jar


async def test_cookie_login_reads_without_xsrf(raw_fetch: Any, jp_auth_header: Any) -> None:
    session = await browser_session(raw_fetch, jp_auth_header)
    headers = {"Cookie": _cookie_header(session)}
    # limit=0 is refused by the handler itself: proof that auth let the request through.
    response = await raw_fetch("repoconnect/channels?limit=0", headers=headers)
    assert response.code == 400
    assert json.loads(response.body)["error"] == "bad_input"


@pytest.mark.parametrize(
    ("route", "method"), [(r, m) for r, m in ROUTE_METHODS if m in WRITE_METHODS]
)
async def test_cookie_login_needs_xsrf_to_change_anything(
    raw_fetch: Any, jp_auth_header: Any, openapi: Any, route: str, method: str
) -> None:
    session = await browser_session(raw_fetch, jp_auth_header)
    cookie = _cookie_header(session)
    refused = await raw_fetch(f"repoconnect/{route}", method, headers={"Cookie": cookie})
    assert refused.code == 403
    body = json.loads(refused.body)
    assert body["error"] == "forbidden"
    assert "_xsrf" in body["message"]
    openapi.validate_response(route, method, 403, body)

    forged = await raw_fetch(
        f"repoconnect/{route}", method, headers={"Cookie": cookie, "X-XSRFToken": "forged"}
    )
    assert forged.code == 403

    if route == "disconnect":
        return  # takes no body: the accepted request would really sign out
    xsrf = session["_xsrf"].value
    accepted = await raw_fetch(
        f"repoconnect/{route}", method, headers={"Cookie": cookie, "X-XSRFToken": xsrf}
    )
    # Past auth and XSRF, the handler itself refuses the malformed body "{".
    assert accepted.code == 400
    assert json.loads(accepted.body) == {
        "error": "bad_input",
        "message": "The request body is not valid JSON.",
        "state_moved": False,
    }
