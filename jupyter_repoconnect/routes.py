"""The one route table the server extension registers, under ``{base_url}repoconnect/``."""

from __future__ import annotations

from .account_handlers import ACCOUNT_ROUTES
from .handlers import REPOSITORY_ROUTES, RepoConnectHandler

ROUTES: list[tuple[str, type[RepoConnectHandler]]] = [*REPOSITORY_ROUTES, *ACCOUNT_ROUTES]
