"""Sign in and sign out: the network steps, then one journalled write of every file."""

from __future__ import annotations

import datetime as dt
import platform
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import anaconda_client
from .condarc import CondarcDocument
from .errors import Conflict, RepoConnectError
from .files import read_bytes, restore_bytes
from .journal import Journal
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

    trust_server: bool = False  # the user confirmed: do not verify this server's certificate

    def client(self, service: str, domain: str) -> Any:
        data = self.doc.data
        if self.trust_server:
            data = {**data, "ssl_verify": False}
        return self.connector.service_client(service, domain, data)

    @contextmanager
    def transaction(self, token_urls: list[str], **remote: Any) -> Iterator[Journal]:
        """Everything a sign-in may change, journalled before the first change; on any
        failure every file is put back and what was created on the service revoked."""
        journal = Journal.begin(
            self.store.directory,
            "sign-in",
            touched_files(self.connector, self.store, self.tokens, token_urls),
            **remote,
        )
        try:
            yield journal
        except BaseException as exc:
            notes = journal.rollback(lambda r: undo_remote(self.connector, r, killed=False))
            if notes and isinstance(exc, RepoConnectError):
                exc.message = " ".join([exc.message, *notes])
                exc.args = (exc.message,)
            raise
        journal.finish()

    def commit(
        self,
        tokens: dict[str, str],
        change: Callable[[CondarcDocument], None],
        recorded: dict[str, str | None],
        client_url: str | None = None,
        session: str | None = None,
    ) -> None:
        """Write everything a login changes; called inside :meth:`transaction`."""
        store, condarc = self.store, self.connector.condarc
        new_state = replace(self.state, condarc_path=str(condarc.path), **recorded)
        client_config = anaconda_client_config_path()

        def edit(doc: CondarcDocument) -> None:
            change(doc)
            if self.trust_server:
                doc.data["ssl_verify"] = False  # Navigator's "trust this server", confirmed

        store.save_copy(store.saved_condarc, self.doc.raw)
        if client_url:
            store.save_copy(store.saved_client_config, read_bytes(client_config))
        for url, token in tokens.items():
            self.tokens.set(url, token)
        if session:
            store.save_copy(store.server_session, session.encode())
        if self.doc.raw != read_bytes(condarc.path):
            raise Conflict(".condarc changed while signing in; try again.", code="stale_version")
        condarc.edit(edit)
        if client_url:
            anaconda_client.set_url(client_url, client_config)
        store.save(new_state)


def touched_files(
    connector: Connector, store: StateStore, tokens: TokenStore, token_urls: list[str]
) -> list[Path]:
    """Every file a sign-in or sign-out may change."""
    files = [
        connector.condarc.path,
        store.ini,
        store.saved_condarc,
        store.saved_client_config,
        store.server_session,
        anaconda_client_config_path(),
    ]
    for url in token_urls:
        files += list(tokens.snapshot(url))
    return files


def connect_cloud(attempt: Attempt, token: str) -> None:
    repo_url = attempt.connector.settings.resolved_cloud_repo_url()
    cloud = attempt.client("cloud", repo_url)
    cloud.validate(token)
    defaults = cloud.default_channels()

    def change(d: CondarcDocument) -> None:
        # what the token tools do: default_channels, add_anaconda_token, restore_free_channel
        if d.get_list("default_channels") != defaults:
            d.set_list("default_channels", defaults)
        if d.data.get("add_anaconda_token") is not True:
            d.data["add_anaconda_token"] = True
        if "restore_free_channel" in d.data and d.data["restore_free_channel"] is not False:
            d.data["restore_free_channel"] = False
        if d.get_list("channels") is None:
            # conda >= 25.3 uses default_channels only where `defaults` is in channels
            d.set_list("channels", ["defaults"])

    recorded = {"service": "cloud", "logged_api_url": repo_url, "username": None}
    with attempt.transaction([repo_url]):
        attempt.commit({repo_url: token}, change, recorded)


def connect_server(attempt: Attempt, domain: str, username: str, password: str) -> None:
    server = attempt.client("server", domain)
    server.check_system()
    session = server.login(username, password)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
    name = f"jupyter_repoconnect-{platform.node() or 'jupyter'}-{stamp}"
    # journalled before the token exists: a kill right after its creation still finds it
    with attempt.transaction(
        [server.api, server.repo], service="server", domain=domain, session=session, name=name
    ) as journal:
        issued = server.create_token(session, name)
        journal.note(token_id=issued.id)
        recorded = {
            "service": "server",
            "logged_api_url": server.api,
            "username": username,  # the token was just issued to it: no who-am-I needed
            "anaconda_server_token": issued.token,
            "anaconda_server_token_id": issued.id,
            "anaconda_server_api_url": domain,
        }
        # conda and the CLIs look the token up by the API URL and by the repository URL
        tokens = {server.api: issued.token, server.repo: issued.token}
        attempt.commit(tokens, alias_change(server.repo), recorded, session=session)


def connect_enterprise(attempt: Attempt, domain: str, username: str, password: str) -> None:
    enterprise = attempt.client("enterprise", domain)
    # Journalled before the login: a kill between the server's answer and the note below
    # leaves a token only the server knows; recovery says so, and the next login from this
    # host replaces it (anaconda-client's note + hostname rule).
    with attempt.transaction([domain], service="enterprise", domain=domain) as journal:
        token = enterprise.login(username, password)
        journal.note(token=token)
        recorded: dict[str, str | None] = {
            "service": "enterprise",
            "logged_api_url": domain,
            "username": username,
            "enterprise_4_repo_api_url": domain,
        }
        change = alias_change(enterprise.conda)
        attempt.commit({domain: token}, change, recorded, client_url=domain)


def undo_remote(connector: Connector, remote: dict[str, Any], killed: bool = True) -> list[str]:
    """Revoke what an unfinished sign-in created on the service; say what could not be.

    ``killed``: the sign-in's process died, so a request may have been answered unseen."""
    service, domain = remote.get("service"), str(remote.get("domain") or "")
    try:
        client = connector.service_client(str(service), domain, None)
        if service == "server" and remote.get("session"):
            token_id = remote.get("token_id") or client.find_token(
                remote["session"], str(remote.get("name"))
            )
            if token_id:
                client.revoke_token(remote["session"], str(token_id))
            return []
        if service == "enterprise" and remote.get("token"):
            client.logout(str(remote["token"]))
            return []
        if service == "enterprise" and killed:
            return [
                f"A sign-in to {domain} was interrupted while the repository was creating a "
                "token; if it did, the token stays valid until the next sign-in from this "
                "machine replaces it. You can also revoke it on the repository's web page."
            ]
    except Exception:
        where = "server's web page (your account's access tokens)"
        if service == "enterprise":
            where = "repository's web page"
        return [
            f"The token created on {domain} could not be revoked after the failed sign-in; it "
            f"stays valid until it expires. Revoke it on the {where}."
        ]
    return []


def pending_revoke(
    current: Connection | None, state: RecordedState, session: bytes | None
) -> dict[str, Any]:
    """What a sign-out must revoke on the service, in a form the journal can keep."""
    if current is None or current.service == "cloud":
        return {}  # organisation tokens are re-issued on the website, not revoked by a client
    token_id = state.anaconda_server_token_id if current.source == "repoconnect" else None
    return {
        "service": current.service,
        "domain": current.domain,
        "token": current.token,
        "token_id": token_id,
        "session": session.decode("utf-8", "replace") if session else None,
    }


def revoke(connector: Connector, pending: dict[str, Any]) -> list[str]:
    """Revoke the token on the service where it supports that; what could not be revoked is
    said, with what to do (a token left valid on a server must never be silent)."""
    if not pending:
        return []
    service, domain = str(pending["service"]), str(pending["domain"])
    try:
        doc_data = connector.condarc.load().data
    except RepoConnectError:
        doc_data = None
    client = connector.service_client(service, domain, doc_data)
    try:
        if service == "enterprise":
            client.logout(str(pending["token"]))
            return []
        if pending.get("token_id") and pending.get("session"):
            client.revoke_token(str(pending["session"]), str(pending["token_id"]))
            return []
        reason = "the server needs a fresh login to revoke an access token"
    except RepoConnectError as exc:
        reason = exc.message.rstrip(".")
    what = (
        "Revoke it on the server's web page (your account's access tokens)."
        if service == "server"
        else "Revoke it on the repository's web page, or run 'anaconda logout' after signing "
        "in there again."
    )
    return [
        f"Signed out on this machine, but the token could not be revoked on {_title(service)} "
        f"at {domain} ({reason}): it stays valid there until it expires. {what}"
    ]


def sign_out(
    connector: Connector,
    store: StateStore,
    state: RecordedState,
    tokens: TokenStore,
    current: Connection | None,
) -> list[str]:
    """Remove the token, restore the saved files, reset the state, revoke; returns warnings."""
    api_url = current.api_url if current else state.logged_api_url or ""
    urls = list(current.token_urls) if current else ([api_url] if api_url else [])
    if state.service == "server" and api_url and f"{api_url}/repo" not in urls:
        urls.append(f"{api_url}/repo")
    _, session = store.read_copy(store.server_session)
    found, saved = store.read_copy(store.saved_condarc)
    found_client, saved_client = store.read_copy(store.saved_client_config)
    client_config = anaconda_client_config_path()
    files = [Path(state.condarc_path or connector.condarc.path)]
    files += touched_files(connector, store, tokens, urls)
    pending = pending_revoke(current, state, session)
    journal = Journal.begin(store.directory, "sign-out", files, revoke=pending)
    try:
        for url in urls:
            tokens.remove(url)
        if found:  # also when the record is damaged: the saved original is what counts
            restore_bytes(Path(state.condarc_path or connector.condarc.path), saved)
        elif current is not None and current.service == "cloud":
            connector.condarc.edit(lambda d: d.set_list("default_channels", None))
        if state.service == "enterprise" and found_client:
            restore_bytes(client_config, saved_client)
        store.save(state.signed_out())
        store.drop_copy(store.saved_condarc)
        store.drop_copy(store.saved_client_config)
        store.drop_copy(store.server_session)
    except BaseException:
        journal.rollback(lambda remote: [])
        raise
    # Signed out here: from now on a recovery finishes the sign-out (the revoke) instead of
    # undoing it. Revoking only now means a failed write leaves a working login.
    journal.note(signed_out=True)
    notes = _forget_keyring_login(current)
    notes += revoke(connector, pending)
    journal.finish()
    return tokens.problems + notes


def _forget_keyring_login(current: Connection | None) -> list[str]:
    """A Cloud sign-out also removes the repository tokens anaconda-auth keeps for conda."""
    from . import auth_keyring

    if current is None or current.service != "cloud":
        return []
    login = auth_keyring.detect()
    if login is None or not login.repo_tokens:
        return []
    try:
        removed = auth_keyring.remove_repo_tokens(login.keyring)
    except RepoConnectError as exc:
        return [
            f"anaconda-auth still keeps a repository token in {login.keyring} ({exc.message}); "
            "run 'anaconda token uninstall' to remove it, or conda keeps using it."
        ]
    return [
        f"Also removed {removed} repository token(s) that anaconda-auth kept in "
        f"{login.keyring} (its account sign-in is kept: 'anaconda logout' ends it)."
    ]


def alias_change(alias: str) -> Callable[[CondarcDocument], None]:
    """What Navigator writes after a Server or Enterprise 4 login: channel names resolve under
    ``alias`` (so conda puts the token where the service expects it), no channels yet."""

    def change(doc: CondarcDocument) -> None:
        if doc.data.get("channel_alias") != alias:
            doc.data["channel_alias"] = alias
        doc.set_list("channels", [])
        doc.set_list("default_channels", None)

    return change


def _title(service: str) -> str:
    return SERVICE_TITLES.get(service, service)
