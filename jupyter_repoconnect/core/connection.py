"""Which repository this machine is signed in to: ours, or one made from a command line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import anaconda_client, auth_keyring
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

    @property
    def token_urls(self) -> tuple[str, ...]:
        """Every token-store key this connection uses (Server: the API and the repository)."""
        if self.service == "server":
            return (self.api_url, f"{self.api_url}/repo")
        return (self.api_url,)


def known_domains(settings: RepoConnectSettings, state: RecordedState) -> dict[str, str | None]:
    """The domains in use: remembered ones first, unless the administrator locked them."""
    s = settings
    if s.allow_domain_change:
        server = state.anaconda_server_api_url or s.server_domain or None
        enterprise = state.enterprise_4_repo_api_url or s.enterprise_domain or None
    else:
        server = s.server_domain or state.anaconda_server_api_url or None
        enterprise = s.enterprise_domain or state.enterprise_4_repo_api_url or None
    return {"cloud": s.resolved_cloud_repo_url(), "server": server, "enterprise": enterprise}


def detect(
    settings: RepoConnectSettings, state: RecordedState, tokens: TokenStore
) -> Connection | None:
    """The live connection: ours if recorded and its token exists, else one made by a CLI."""
    if state.service and state.logged_api_url:
        token = tokens.get(state.logged_api_url)
        if not token:
            return None
        domain = state.logged_api_url
        if state.service == "server":
            domain = state.logged_api_url.removesuffix("/api")
        return Connection(
            state.service, domain, state.logged_api_url, state.username, "repoconnect", token
        )
    domains = known_domains(settings, state)
    candidates: list[tuple[str, str, str]] = [
        ("cloud", domains["cloud"] or "", domains["cloud"] or "")
    ]
    if domains["server"]:
        candidates.append(("server", domains["server"], f"{domains['server']}/api"))
    if domains["enterprise"]:
        candidates.append(("enterprise", domains["enterprise"], domains["enterprise"]))
    cli_url = anaconda_client.configured_url()
    if cli_url and cli_url != anaconda_client.ANACONDA_ORG_API:
        candidates.append(("enterprise", cli_url, cli_url))
    for service, domain, api_url in candidates:
        token = tokens.get(api_url) if api_url else None
        if token:
            return Connection(service, domain, api_url, None, "cli", token)
    login = auth_keyring.detect()
    if login is not None and login.repo_tokens and domains["cloud"]:
        # `anaconda token install`: conda takes this token from anaconda-auth's keyring
        cloud = domains["cloud"]
        return Connection("cloud", cloud, cloud, None, "cli", login.repo_tokens[0], login.keyring)
    return None
