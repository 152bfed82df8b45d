"""Sign in and sign out: the network steps, then one all-or-nothing write of every file."""

from __future__ import annotations

import contextlib
import datetime as dt
import platform
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import anaconda_client
from .condarc import CondarcDocument
from .errors import AuthenticationRefused, Conflict, CorruptCondarc, RepoConnectError
from .files import read_bytes, restore_bytes
from .models import SERVICE_TITLES, Status
from .state import RecordedState, StateStore
from .tokens import TokenStore, anaconda_client_config_path

if TYPE_CHECKING:
    from .connector import Connection, Connector


def connect_cloud(
    connector: Connector,
    store: StateStore,
    state: RecordedState,
    tokens: TokenStore,
    doc: CondarcDocument,
    token: str,
) -> Status:
    repo_url = connector.settings.resolved_cloud_repo_url()
    cloud = connector.service_client("cloud", repo_url, doc.data)
    cloud.validate(token)
    defaults = cloud.default_channels()

    def change(d: CondarcDocument) -> None:
        if d.get_list("default_channels") != defaults:
            d.set_list("default_channels", defaults)
        if "restore_free_channel" in d.data:
            del d.data["restore_free_channel"]

    new_state = replace(
        state,
        service="cloud",
        logged_api_url=repo_url,
        username=None,
        condarc_path=str(connector.condarc.path),
    )
    commit(connector, store, tokens, repo_url, token, doc, change, new_state)
    return connector.status()


def connect_server(
    connector: Connector,
    store: StateStore,
    state: RecordedState,
    tokens: TokenStore,
    doc: CondarcDocument,
    domain: str,
    username: str,
    password: str,
) -> Status:
    server = connector.service_client("server", domain, doc.data)
    session = server.login(username, password)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
    issued = server.create_token(
        session, f"jupyter_repoconnect-{platform.node() or 'jupyter'}-{stamp}"
    )
    try:
        confirmed = server.whoami(issued.token) or username
        new_state = replace(
            state,
            service="server",
            logged_api_url=server.api,
            username=confirmed,
            anaconda_server_token=issued.token,
            anaconda_server_token_id=issued.id,
            anaconda_server_api_url=domain,
            condarc_path=str(connector.condarc.path),
        )
        commit(connector, store, tokens, server.api, issued.token, doc, empty_channels, new_state)
    except BaseException:
        quietly(lambda: server.revoke_token(issued.token, issued.id))
        raise
    return connector.status()


def connect_enterprise(
    connector: Connector,
    store: StateStore,
    state: RecordedState,
    tokens: TokenStore,
    doc: CondarcDocument,
    domain: str,
    username: str,
    password: str,
) -> Status:
    enterprise = connector.service_client("enterprise", domain, doc.data)
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
        confirmed = enterprise.whoami(token) or username
        new_state = replace(
            state,
            service="enterprise",
            logged_api_url=domain,
            username=confirmed,
            enterprise_4_repo_api_url=domain,
            condarc_path=str(connector.condarc.path),
        )
        commit(
            connector,
            store,
            tokens,
            domain,
            token,
            doc,
            empty_channels,
            new_state,
            client_url=domain,
        )
    except BaseException:
        quietly(lambda: enterprise.logout(token))
        raise
    return connector.status()


def commit(
    connector: Connector,
    store: StateStore,
    tokens: TokenStore,
    api_url: str,
    token: str,
    doc: CondarcDocument,
    change: Callable[[CondarcDocument], None],
    new_state: RecordedState,
    client_url: str | None = None,
) -> None:
    """Write everything a login changes, or nothing: any failure puts every file back."""
    client_config = anaconda_client_config_path()
    files = [connector.condarc.path, store.ini, store.saved_condarc, store.saved_client_config]
    if client_url:
        files.append(client_config)
    with all_or_nothing(files, tokens, api_url):
        store.save_copy(store.saved_condarc, doc.raw)
        if client_url:
            store.save_copy(store.saved_client_config, read_bytes(client_config))
        tokens.set(api_url, token)
        if doc.raw != read_bytes(connector.condarc.path):
            raise Conflict(".condarc changed while signing in; try again.", code="stale_version")
        connector.condarc.edit(change)
        if client_url:
            anaconda_client.set_url(client_url, client_config)
        store.save(new_state)


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
