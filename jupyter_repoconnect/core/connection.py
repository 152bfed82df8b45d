"""Which repository this machine is signed in to: ours, or one made from a command line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .services import registry
from .settings import RepoConnectSettings
from .state import RecordedState
from .tokens import TokenStore


@dataclass(frozen=True)
class Connection:
    """The live connection, with its secret (never leaves the core)."""

    service: str
    domain: str
    api_url: str  # the token store's key
    username: str | None
    source: str
    token: str = ""
    keyring: Path | None = None  # anaconda-auth's keyring file, for a login made with it
    token_urls: tuple[str, ...] = ()  # every token-store key it uses (Server: API and repo)


def known_domains(settings: RepoConnectSettings, state: RecordedState) -> dict[str, str | None]:
    """The domain of each service in use: remembered ones first, unless locked."""
    return {s.id: s.known_domain(settings, state) for s in registry.all_services()}


def detect(
    settings: RepoConnectSettings, state: RecordedState, tokens: TokenStore
) -> Connection | None:
    """The live connection: ours if recorded and its token exists, else one made by a CLI."""
    recorded = registry.find(state.service)
    if recorded is not None and state.logged_api_url:
        token = tokens.get(state.logged_api_url)
        if not token:
            return None
        return Connection(
            recorded.id,
            recorded.domain_of(state.logged_api_url),
            state.logged_api_url,
            state.username,
            "repoconnect",
            token,
            token_urls=recorded.token_urls(state.logged_api_url),
        )
    domains = known_domains(settings, state)
    for service in registry.all_services():
        for domain, api_url in service.cli_api_urls(domains[service.id]):
            token = tokens.get(api_url) if api_url else None
            if token:
                urls = service.token_urls(api_url)
                return Connection(service.id, domain, api_url, None, "cli", token, None, urls)
    for service in registry.all_services():
        seen = service.detect_elsewhere(domains[service.id])
        if seen is not None:
            return Connection(
                service.id,
                seen.domain,
                seen.api_url,
                None,
                "cli",
                seen.token,
                seen.keyring,
                service.token_urls(seen.api_url),
            )
    return None
