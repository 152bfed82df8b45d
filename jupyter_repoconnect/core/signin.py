"""Sign in and sign out: the network steps (in each service's module), then one journalled
write of every file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import anaconda_client, auth_keyring, http
from .condarc import CondarcDocument
from .errors import Cancelled, Conflict, RepoConnectError
from .files import read_bytes, restore_bytes
from .files import sweep_temps as sweep_folder
from .journal import Journal
from .parts import Parts
from .services import registry
from .sinks import registry as sink_registry
from .state import RecordedState

if TYPE_CHECKING:
    from .connection import Connection
    from .services.base import RepositoryService
    from .sinks.base import Grant


@dataclass(frozen=True)
class Attempt:
    """What a sign-in works with, read under the lock before any network call."""

    parts: Parts
    state: RecordedState
    doc: CondarcDocument

    trust_server: bool = False  # the user confirmed: do not verify this server's certificate
    # Renew: a new token for the live connection; .condarc, its saved original and the
    # recorded preferences stay as they are (the user's channel choices are kept).
    renewing: Grant | None = None  # the connection's credential being replaced

    def client(self, service: RepositoryService, domain: str) -> Any:
        settings = self.doc.settings()
        if self.trust_server:
            settings = {**settings, "ssl_verify": False}
        return self.parts.client(service, domain, settings)

    @contextmanager
    def transaction(self, token_urls: list[str], **remote: Any) -> Iterator[Journal]:
        """Everything a sign-in may change, journalled before the first change; on any
        failure every file is put back and what was created on the service revoked."""
        journal = Journal.begin(
            self.parts.store.directory,
            "sign-in",
            touched_files(self.parts, token_urls, every_sink=self.renewing is not None),
            **remote,
        )
        try:
            yield journal
        except BaseException as exc:
            # A cancelled sign-in may have been answered unseen (its socket was shut), and
            # what it created is revoked outside it, with the settings' own timeout.
            op = http.current_operation()
            killed = op is not None and op.cancelled
            with http.operation(None):
                notes = journal.rollback(lambda r: undo_remote(self.parts, r, killed=killed))
            if notes and isinstance(exc, RepoConnectError):
                raise exc.with_notes(notes) from exc
            raise
        journal.finish()

    def commit(
        self,
        tokens: dict[str, str],
        change: Callable[[CondarcDocument], None],
        recorded: dict[str, str | None],
        client_url: str | None = None,
        session: str | None = None,
        grant: Grant | None = None,
    ) -> None:
        """Write everything a login changes; called inside :meth:`transaction`.

        ``grant``: the credential other package managers get (core/sinks/)."""
        if (op := http.current_operation()) is not None and op.cancelled:
            raise Cancelled("The sign-in was cancelled.")  # before the first local write
        parts = self.parts
        store, condarc = parts.store, parts.condarc
        new_state = replace(self.state, condarc_path=str(condarc.path), **recorded)

        def edit(doc: CondarcDocument) -> None:
            change(doc)
            if self.trust_server:
                doc.set_scalar("ssl_verify", False)  # Navigator's "trust this server", confirmed

        if self.renewing is not None:
            self._replace_token(tokens, new_state, session, grant)
            return
        store.save_copy(store.saved_condarc, self.doc.raw)
        if client_url:
            store.save_copy(store.saved_client_config, read_bytes(parts.client_config))
        for url, token in tokens.items():
            parts.tokens.set(url, token)
        if session:
            store.save_copy(store.server_session, session.encode())
        if self.doc.raw != read_bytes(condarc.path):
            raise Conflict(".condarc changed while signing in; try again.", code="stale_version")
        condarc.edit(edit)
        if client_url:
            anaconda_client.set_url(client_url, parts.client_config)
        for sink in parts.sinks if grant else []:
            sink.install(grant)
        store.save(new_state)

    def _replace_token(
        self,
        tokens: dict[str, str],
        new_state: RecordedState,
        session: str | None,
        grant: Grant | None,
    ) -> None:
        """Renew's writes: the new token where the old one was, and the record."""
        parts, store = self.parts, self.parts.store
        for url, token in tokens.items():
            parts.tokens.set(url, token)
        if session:
            store.save_copy(store.server_session, session.encode())
        else:
            store.drop_copy(store.server_session)
        for sink in sink_registry.all_sinks():
            if self.renewing is not None:
                sink.remove(self.renewing)
        for sink in parts.sinks if grant else []:
            sink.install(grant)
        # the sign-in's record of the .condarc stays: it names the saved original's file
        store.save(replace(new_state, condarc_path=self.state.condarc_path))


def _names_another_file(recorded: str | None, current: Path) -> bool:
    """Whether a recorded ``.condarc`` path is another file than ``current`` (unreadable
    or missing records name none)."""
    if not recorded:
        return False
    try:
        return Path(recorded).expanduser().resolve() != current.expanduser().resolve()
    except (OSError, RuntimeError, ValueError):
        return True


def _stamp() -> str:
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")


def touched_files(parts: Parts, token_urls: list[str], every_sink: bool = False) -> list[Path]:
    """Every file a sign-in or sign-out may change (``every_sink``: of every package manager,
    not only the active ones: a sign-out cleans what an earlier setting wrote)."""
    store = parts.store
    files = [
        parts.condarc.path,
        store.ini,
        store.saved_condarc,
        store.saved_client_config,
        store.server_session,
        parts.client_config,
    ]
    for url in token_urls:
        files += list(parts.tokens.snapshot(url))
    for sink in sink_registry.all_sinks() if every_sink else parts.sinks:
        files += sink.files()
    if every_sink:  # a Cloud sign-out also cleans anaconda-auth's keyring (forget_elsewhere)
        files.append(auth_keyring.keyring_path())
    return files


def may_write(parts: Parts) -> Callable[[Path], bool]:
    """Whether a path an interrupted operation's record names is one that this tool writes
    with the current settings and environment: those of :func:`touched_files`, a token file in
    conda's token folders, a copy set aside in the state folder."""
    fixed = {_absolute(p) for p in touched_files(parts, [], every_sink=True)}
    folders = {_absolute(parts.tokens.directory), _absolute(parts.tokens.legacy)}
    state = _absolute(parts.store.directory)

    def allowed(path: Path) -> bool:
        path = _absolute(path)
        if path in fixed:
            return True
        if path.parent in folders:
            return path.suffix == ".token"
        return path.parent == state and path.name.startswith(f"{parts.store.saved_condarc.name}.")

    return allowed


def sweep_temps(parts: Parts) -> None:
    """Delete the temp copies that killed writes left in every folder this tool writes:
    they may hold a token, a session or an original .condarc (files.atomic_write)."""
    folders = {p.parent for p in touched_files(parts, [], every_sink=True)}
    for folder in folders | {parts.tokens.directory, parts.tokens.legacy}:
        sweep_folder(folder)


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def undo_remote(parts: Parts, remote: dict[str, Any], killed: bool = True) -> list[str]:
    """Revoke what an unfinished sign-in created on the service; say what could not be.

    ``killed``: the sign-in's process died, so a request may have been answered unseen."""
    service = registry.find(remote.get("service"))
    if service is None:
        return []
    domain = str(remote.get("domain") or "")
    try:
        return service.undo_remote(parts.client(service, domain, None), remote, killed, domain)
    except Exception:
        return [
            f"The token created on {domain} could not be revoked after the failed sign-in; it "
            f"stays valid until it expires. {service.revoke_advice()}"
        ]


def revoke(parts: Parts, pending: dict[str, Any]) -> list[str]:
    """Revoke the token on the service where it supports that; what could not be revoked is
    said, with what to do (a token left valid on a server must never be silent)."""
    service = registry.find(pending.get("service")) if pending else None
    if service is None:
        return []
    domain = str(pending.get("domain") or "")
    try:
        settings = parts.condarc.load().settings()
    except RepoConnectError:
        settings = None
    try:
        reason = service.revoke(parts.client(service, domain, settings), pending)
        if reason is None:
            return []
    except RepoConnectError as exc:
        reason = exc.message.rstrip(".")
    except Exception:  # a record read back from disk with a field missing or mistyped
        reason = "the record of what to revoke is damaged"
    return [
        f"Signed out on this machine, but the token could not be revoked on {service.title} "
        f"at {domain} ({reason}): it stays valid there until it expires. "
        f"{service.revoke_advice()}"
    ]


def sign_out(parts: Parts, state: RecordedState, current: Connection | None) -> list[str]:
    """Remove the token, restore the saved files, reset the state, revoke; returns warnings."""
    store, tokens = parts.store, parts.tokens
    recorded = registry.find(state.service)
    api_url = current.api_url if current else state.logged_api_url or ""
    urls = list(current.token_urls) if current else []
    if recorded is not None and api_url:
        urls += [u for u in recorded.token_urls(api_url) if u not in urls]
    elif api_url and api_url not in urls:
        urls.append(api_url)
    _, session = store.read_copy(store.server_session)
    found, saved = store.read_copy(store.saved_condarc)
    found_client, saved_client = store.read_copy(store.saved_client_config)
    # Paths to write come from the settings, never from the record: a record naming another
    # file only means that the saved copy is not this .condarc's, so it is set aside.
    condarc_path = parts.condarc.path
    elsewhere = found and _names_another_file(state.condarc_path, condarc_path)
    set_aside = store.directory / f"{store.saved_condarc.name}.{_stamp()}" if elsewhere else None
    files = touched_files(parts, urls, every_sink=True) + ([set_aside] if set_aside else [])
    service = registry.find(current.service) if current else None
    pending = service.pending_revoke(current, state, session) if service and current else {}
    journal = Journal.begin(store.directory, "sign-out", files, revoke=pending)
    tokens.take_problems()
    sink_notes: list[str] = []
    try:
        for url in urls:
            tokens.remove(url)
        if service and current:  # other package managers: inside the journalled writes
            grant = service.grant(current.domain, current.token)
            for sink in sink_registry.all_sinks():
                sink_notes += sink.remove(grant)
            # other tools' copies (anaconda-auth's keyring) too: a kill after the sign-out
            # but before this would leave the token there, seen as a command-line sign-in
            # whose later sign-out removes the user's own default_channels
            sink_notes += service.forget_elsewhere(current)
        if set_aside is not None:
            restore_bytes(set_aside, saved)
        elif found:  # also when the record is damaged: the saved original is what counts
            restore_bytes(condarc_path, saved)
        elif service is not None and (undo := service.cli_sign_out_change()) is not None:
            parts.condarc.edit(undo)
        if found_client:
            restore_bytes(parts.client_config, saved_client)
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
    notes = sink_notes
    if set_aside is not None:
        notes.append(
            f"The .condarc saved before this sign-in was not for {condarc_path} (the sign-in "
            "was made with another CONDARC), so it was not put there: it is kept as "
            f"{set_aside}. {condarc_path} was left as it is."
        )
    if recorded is not None and current is not None and current.source == "repoconnect":
        notes += recorded.sign_out_notes(state)
    notes += revoke(parts, pending)
    journal.finish()
    return tokens.take_problems() + notes
