"""The repository services this product knows, in the order surfaces offer them."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import BadInput
from .base import RepositoryService
from .cloud import Cloud
from .enterprise import Enterprise
from .server import Server

_ALL: tuple[RepositoryService, ...] = (Cloud(), Server(), Enterprise())
SERVICES: dict[str, RepositoryService] = {s.id: s for s in _ALL}
DEFAULT = "server"  # offered first where allowed (Navigator's most common case)


def ids() -> tuple[str, ...]:
    return tuple(SERVICES)


def all_services() -> Iterator[RepositoryService]:
    return iter(_ALL)


def get(service_id: object) -> RepositoryService:
    """The service called ``service_id``; an unknown one is bad input."""
    found = SERVICES.get(service_id) if isinstance(service_id, str) else None
    if found is None:
        quoted = [f"'{s}'" for s in SERVICES]
        names = ", ".join(quoted[:-1]) + " or " + quoted[-1]
        raise BadInput(f"Unknown service {service_id!r}; choose {names}.", code="bad_service")
    return found


def find(service_id: object) -> RepositoryService | None:
    """The service called ``service_id``, or None (a damaged record names no service)."""
    return SERVICES.get(service_id) if isinstance(service_id, str) else None


def for_organisation_tokens() -> RepositoryService:
    """The service an anaconda.com organisation's repository token connects to."""
    return next(s for s in _ALL if s.capabilities.organisation_channels)
