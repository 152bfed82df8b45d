"""Sign in and sign out: the network steps, then one all-or-nothing write of every file."""

from __future__ import annotations

import contextlib
import datetime as dt
import platform
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import anaconda_client
from .condarc import CondarcDocument
from .errors import AuthenticationRefused, Conflict, CorruptCondarc, RepoConnectError
from .files import read_bytes, restore_bytes
from .models import SERVICE_TITLES
from .state import RecordedState, StateStore
from .tokens import TokenStore, anaconda_client_config_path

if TYPE_CHECKING:
    from .connection import Connection
    from .connector import Connector


@dataclass(frozen=True)
class Attempt:
    """What a sign-in works with, read under the lock before any network call."""

    connector: Connector
    store: StateStore
    state: RecordedState
    tokens: TokenStore
    doc: CondarcDocument

    def client(self, service: str, domain: str) -> Any:
        return self.connector.service_client(service, domain, self.doc.data)

    def commit(
        self,
        api_url: str,
        token: str,
        change: Callable[[CondarcDocument], None],
        recorded: dict[str, str | None],
        client_url: str | None = None,
    ) -> None:
        """Write everything a login changes, or nothing: any failure puts every file back."""
        store, condarc = self.store, self.connector.condarc
        new_state = replace(self.state, condarc_path=str(condarc.path), **recorded)
        client_config = anaconda_client_config_path()
        files = [condarc.path, store.ini, store.saved_condarc, store.saved_client_config]
        if client_url:
            files.append(client_config)
        with all_or_nothing(files, self.tokens, api_url):
            store.save_copy(store.saved_condarc, self.doc.raw)
            if client_url:
                store.save_copy(store.saved_client_config, read_bytes(client_config))
            self.tokens.set(api_url, token)
            if self.doc.raw != read_bytes(condarc.path):
                raise Conflict(
                    ".condarc changed while signing in; try again.", code="stale_version"
                )
            condarc.edit(change)
            if client_url:
                anaconda_client.set_url(client_url, client_config)
            store.save(new_state)


def connect_cloud(attempt: Attempt, token: str) -> None:
    repo_url = attempt.connector.settings.resolved_cloud_repo_url()
    cloud = attempt.client("cloud", repo_url)
    cloud.validate(token)
    defaults = cloud.default_channels()

    def change(d: CondarcDocument) -> None:
        # what the token tool does: manage default_channels, drop restore_free_channel
        if d.get_list("default_channels") != defaults:
            d.set_list("default_channels", defaults)
        if "restore_free_channel" in d.data:
            del d.data["restore_free_channel"]

    recorded = {"service": "cloud", "logged_api_url": repo_url, "username": None}
    attempt.commit(repo_url, token, change, recorded)


def connect_server(attempt: Attempt, domain: str, username: str, password: str) -> None:
    server = attempt.client("server", domain)
    session = server.login(username, password)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
    issued = server.create_token(
        session, f"jupyter_repoconnect-{platform.node() or 'jupyter'}-{stamp}"
    )
    try:
        recorded = {
            "service": "server",
            "logged_api_url": server.api,
            "username": server.whoami(issued.token) or username,
            "anaconda_server_token": issued.token,
            "anaconda_server_token_id": issued.id,
            "anaconda_server_api_url": domain,
        }
        attempt.commit(server.api, issued.token, empty_channels, recorded)
    except BaseException:
        quietly(lambda: server.revoke_token(issued.token, issued.id))
        raise


def connect_enterprise(attempt: Attempt, domain: str, username: str, password: str) -> None:
    enterprise = attempt.client("enterprise", domain)
    enterprise.check_reachable()
    if enterprise.authentication_type() == "kerberos":
        raise AuthenticationRefused(
            f"{_title('enterprise')} at {domain} uses Kerberos single sign-on, which cannot be "
            "done with a password here. Run 'anaconda login' in a terminal; it will be "
            "detected.",
            code="kerberos_required",
        )
    token = enterprise.login(username, password)
    try:
        recorded = {
            "service": "enterprise",
            "logged_api_url": domain,
            "username": enterprise.whoami(token) or username,
            "enterprise_4_repo_api_url": domain,
        }
        attempt.commit(domain, token, empty_channels, recorded, client_url=domain)
    except BaseException:
        quietly(lambda: enterprise.logout(token))
        raise


def revoke(connector: Connector, current: Connection, state: RecordedState) -> list[str]:
    """Revoke the token on the service where it supports that; a failure is only a warning."""
    if current.service == "cloud":
        return []  # organisation tokens are re-issued on the website, not revoked by the client
    try:
        doc_data = connector.condarc.load().data
    except CorruptCondarc:
        doc_data = None
    client = connector.service_client(current.service, current.domain, doc_data)
    try:
        if current.service == "server":
            token_id = state.anaconda_server_token_id if current.source == "repoconnect" else None
            if token_id:
                client.revoke_token(current.token, token_id)
        else:
            client.logout(current.token)
    except RepoConnectError as exc:
        return [
            f"The token could not be revoked on the server ({exc.message}). It was removed "
            "from this machine and stays valid on the server until it expires."
        ]
    return []


def sign_out(
    connector: Connector,
    store: StateStore,
    state: RecordedState,
    tokens: TokenStore,
    current: Connection | None,
) -> list[str]:
    """Remove the token, restore the saved files, reset the state, revoke; returns warnings."""
    api_url = current.api_url if current else state.logged_api_url or ""
    found, saved = store.read_copy(store.saved_condarc)
    found_client, saved_client = store.read_copy(store.saved_client_config)
    client_config = anaconda_client_config_path()
    files = [
        connector.condarc.path,
        Path(state.condarc_path or connector.condarc.path),
        store.ini,
        store.saved_condarc,
        store.saved_client_config,
        client_config,
    ]
    with all_or_nothing(files, tokens, api_url):
        if api_url:
            tokens.remove(api_url)
        if state.service and found:
            restore_bytes(Path(state.condarc_path or connector.condarc.path), saved)
        elif current is not None and current.service == "cloud":
            connector.condarc.edit(lambda d: d.set_list("default_channels", None))
        if state.service == "enterprise" and found_client:
            restore_bytes(client_config, saved_client)
        store.save(state.signed_out())
        store.drop_copy(store.saved_condarc)
        store.drop_copy(store.saved_client_config)
    # revoke only once this machine is signed out, so a failed write leaves a working login
    return revoke(connector, current, state) if current else []


def empty_channels(doc: CondarcDocument) -> None:
    """What Navigator does after a Server or Enterprise 4 login."""
    doc.set_list("channels", [])
    doc.set_list("default_channels", None)


def quietly(action: Callable[[], object]) -> None:
    # best effort cleanup of a half-done login; the original error is what matters
    with contextlib.suppress(Exception):
        action()


@contextmanager
def all_or_nothing(files: list[Path], tokens: TokenStore, api_url: str) -> Iterator[None]:
    """Snapshot ``files`` and the token files of ``api_url``; put them all back on failure."""
    before = {Path(p): read_bytes(Path(p)) for p in files}
    token_before = tokens.snapshot(api_url) if api_url else {}
    try:
        yield
    except BaseException:
        for path, content in before.items():
            quietly(lambda p=path, c=content: restore_bytes(p, c))  # type: ignore[misc]
        TokenStore.restore(token_before)
        raise


def _title(service: str) -> str:
    return SERVICE_TITLES.get(service, service)
