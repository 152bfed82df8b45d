"""The one route table the server extension registers, under ``{base_url}repoconnect/``."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from .account_handlers import ACCOUNT_ROUTES
from .handlers import REPOSITORY_ROUTES, RepoConnectHandler


class UnknownRouteHandler(RepoConnectHandler):
    """Any other path under ``repoconnect/``: the documented JSON 404 (``not_found``), not
    Tornado's HTML page. Signed-in callers only, as for every route (others get 403)."""

    @web.authenticated
    @authorized
    def _not_found(self, *args: str) -> None:
        raise web.HTTPError(404, "There is no such route under repoconnect/.")

    get = post = put = patch = delete = head = _not_found


ROUTES: list[tuple[str, type[RepoConnectHandler]]] = [
    *REPOSITORY_ROUTES,
    *ACCOUNT_ROUTES,
    ("(.*)", UnknownRouteHandler),  # last: Tornado takes the first route that matches
]
