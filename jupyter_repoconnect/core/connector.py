"""The use cases every surface calls: one Connector, one method per user action."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from . import configure, connection, http, signin, validate
from .conda_rules import condarc_warnings, ignored_condarc_message
from .condarc import Condarc, CondarcDocument, mask_token
from .connection import Connection
from .dates import human_date
from .domains import validate_domain
from .errors import (
    BadInput,
    Code,
    Conflict,
    CorruptCondarc,
    FileProblem,
    NotAllowed,
    NotConnected,
    RepoConnectError,
)
from .files import TEMP_SUFFIX, locked, sweep_temps
from .journal import NAME as JOURNAL
from .journal import Journal
from .models import (
    ChannelPage,
    CondarcChannels,
    Diagnosis,
    Preferences,
    SsoProgress,
    SsoStart,
    Status,
)
from .parts import Parts, parts_key
from .services import registry, server_sso
from .services.base import ChannelList, RepositoryService, SignInField, SignInMethod
from .settings import RepoConnectSettings
from .sinks import registry as sink_registry
from .state import RecordedState, StateStore

_CHANNEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*(/[A-Za-z0-9][A-Za-z0-9._+-]*)*$")
STALE_WARNING = (
    "The sign-in recorded here was ended elsewhere (its token is gone, e.g. after "
    "'anaconda logout'). Sign out to restore your .condarc."
)


class Connector:
    """Connect this machine's conda to one repository service at a time.

    Every method is synchronous and safe to call from several threads and processes at
    once (one file lock around each change); surfaces with an event loop call it in a worker
    thread. Failures raise a :class:`~jupyter_repoconnect.core.errors.RepoConnectError`.
    """

    def __init__(self, settings: RepoConnectSettings | None = None) -> None:
        self.settings = settings or RepoConnectSettings()
        self._channel_cache: dict[tuple[str, str, bool], ChannelList] = {}
        self._recovered: list[str] = []  # what recovery undid, said once by the next status
        self._parts: Parts | None = None
        self._sso = server_sso.SsoBook()  # started single sign-ons: in memory only
        self._attempts: dict[str, http.Operation] = {}  # running sign-ins a caller may cancel
        self._attempts_lock = threading.Lock()

    # --- plumbing ----------------------------------------------------------------------
    @property
    def parts(self) -> Parts:
        """The adapters, built once per settings (again only when a path setting changes)."""
        parts = self._parts
        if parts is None or parts.key != parts_key(self.settings):
            parts = self._parts = Parts.build(self.settings)
        return parts

    @property
    def state_store(self) -> StateStore:
        return self.parts.store

    @property
    def condarc(self) -> Condarc:
        return self.parts.condarc

    @contextmanager
    def _locked(self, timeout: float | None = None) -> Iterator[StateStore]:
        store = self.state_store
        wait = max(30.0, self.settings.timeout * 3) if timeout is None else timeout
        with locked(store.lock_path, timeout=wait):
            self._recover(store)
            if store.needs_migration():
                store.save(store.load())  # legacy team_edition_* keys -> anaconda_server_*
            yield store

    def _recover(self, store: StateStore) -> None:
        """Roll back a sign-in or sign-out that a killed process left half done (journal.py);
        the next status says so."""
        sweep_temps(store.directory)  # a journal killed before its rename holds secrets
        interrupted = Journal.load(store.directory)
        if interrupted is None:
            return
        signin.sweep_temps(self.parts)  # killed mid-write: temp copies may hold secrets
        if interrupted.damaged:
            self._recovered.append(
                f"An interrupted operation's record could not be read: {interrupted.damaged} "
                f"It was moved to {interrupted.path} (it may hold your previous .condarc and a "
                "token: delete it when you no longer need it). Check .condarc; sign out and in "
                "again if the connection is not as you expect."
            )
            return
        if interrupted.remote.get("signed_out"):  # only the revoke was left: finish it
            revoke = interrupted.remote.get("revoke")
            notes = signin.revoke(self.parts, revoke if isinstance(revoke, dict) else {})
            interrupted.finish()
            done = "An interrupted sign-out was finished."
        else:
            notes = interrupted.rollback(
                lambda remote: signin.undo_remote(self.parts, remote),
                signin.may_write(self.parts),
            )
            done = (
                f"An interrupted {interrupted.kind} was undone: .condarc, tokens and the "
                "recorded state are as they were before it."
            )
        self._recovered.append(done + "".join(f" {n}" for n in notes))

    def recovery_pending(self) -> bool:
        """Whether an interrupted operation's journal waits (status then recovers first)."""
        return _interrupted(self.state_store.directory)

    def known_domains(self, state: RecordedState) -> dict[str, str | None]:
        return connection.known_domains(self.settings, state)

    def current_connection(self, state: RecordedState) -> Connection | None:
        """The live connection: ours if recorded and its token exists, else one made by a CLI."""
        return connection.detect(self.settings, state, self.parts.tokens)

    # --- status ------------------------------------------------------------------------
    def status(self) -> Status:
        """Current connection, including one made from a command line (``source="cli"``)."""
        parts = self.parts  # once: status is polled
        store = parts.store
        if _interrupted(store.directory):
            # recovery first; if the lock is held, the journal is a live operation's
            with contextlib.suppress(Conflict), self._locked(timeout=0):
                pass
        self._drop_spent_session(store)
        state = store.load()
        current = connection.detect(self.settings, state, parts.tokens)
        warnings: list[str] = self._recovered[:]
        self._recovered.clear()
        channels: list[str] = []
        default_channels: list[str] | None = None
        alias = None
        condarc = parts.condarc
        try:
            doc = condarc.load()
            channels = [mask_token(c) for c in doc.get_list("channels") or []]
            defaults = doc.get_list("default_channels")
            default_channels = None if defaults is None else [mask_token(c) for c in defaults]
            alias = doc.get_scalar("channel_alias")  # from the cache: no parse when unchanged
            warnings += condarc_warnings(doc)
        except (CorruptCondarc, FileProblem) as exc:  # status still answers: say what is wrong
            warnings.append(exc.message)
        if current is None and state.service:
            warnings.append(STALE_WARNING)
        expires_at = state.token_expires_at if current and current.source == "repoconnect" else None
        warnings += expiry_warnings(expires_at, current.domain if current else "")
        service = registry.get(current.service) if current else None
        sign_out_note = None
        managers: list[str] = []  # other package managers holding this connection
        if current is not None and service is not None:
            grant = service.grant(current.domain, current.token)
            managers = [k.id for k in sink_registry.all_sinks() if k.holds(grant)]
            sign_out_note = (
                service.cli_sign_out_note()
                if current.source == "cli"
                else ".condarc is back to how it was before the sign-in."
            )
        return Status(
            connected=current is not None,
            service=current.service if current else None,
            domain=current.domain if current else None,
            username=current.username if current else None,
            channels=channels,
            default_channels=default_channels,
            source=current.source if current else None,
            condarc_path=str(condarc.path),
            message=service.connected_message if service else None,
            warnings=warnings,
            channel_alias=mask_token(str(alias)) if alias else None,
            service_title=service.title if service else None,
            capabilities=service.capabilities.to_dict() if service else None,
            sign_out_note=sign_out_note,
            package_managers=managers,
            expires_at=expires_at,
        )

    # --- connect -----------------------------------------------------------------------
    def connect(
        self,
        service: str,
        *,
        domain: str | None = None,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        trust_server: bool = False,
        method: str | None = None,
        attempt: str | None = None,
    ) -> Status:
        """Sign in with the values the service's sign-in ``method`` takes (``token``, or
        ``username`` and ``password``: see ``RepositoryService.sign_in_methods``; None: the
        service's first method).

        ``domain`` (services that need one) is validated and remembered; ``None`` means the
        remembered or preset domain, and an empty one is refused like any malformed domain.
        Nothing on disk changes unless the login fully succeeds.
        ``trust_server`` (after the user confirmed it) skips certificate checks and writes
        ``ssl_verify: false``, as Navigator's "trust this server" does; sign-out restores it.
        ``attempt``: a caller's id for this sign-in, which :meth:`cancel` takes. The settings'
        timeout is one deadline for all of the sign-in's requests.
        """
        chosen = self._check_service(service)
        self._check_condarc_name()
        if not isinstance(trust_server, bool):
            raise BadInput("trust_server must be true or false.")
        if trust_server and self.settings.ssl_verify is not None:
            raise NotAllowed(
                "Your administrator has set how server certificates are checked, so "
                '"trust this server" is not available. Ask your administrator for the CA bundle.'
            )
        validate.connect_inputs(domain, username, password, token)
        chosen_method = chosen.method(method)
        credentials = _credentials(chosen_method, username=username, password=password, token=token)
        fresh = not self.state_store.directory.exists()
        before = self._condarc_before()
        op = self._begin_attempt(attempt)
        try:
            self._connect(chosen, chosen_method.id, domain, credentials, trust_server, op)
        except BaseException:
            if fresh:  # a refused sign-in leaves nothing behind, not even the lock
                _remove_lock_folder(self.state_store)
            raise
        finally:
            self._end_attempt(attempt, op)
        return self._signed_in(chosen, before)

    # --- single sign-on ------------------------------------------------------------------
    def start_sso(
        self,
        domain: str | None = None,
        *,
        service: str = "server",
        redirect_uri: str | None = None,
        listen: bool = False,
        trust_server: bool = False,
    ) -> SsoStart:
        """Start a single sign-on; nothing is written. The user opens ``authorization_url``
        and signs in; :meth:`finish_sso` takes the address the browser then lands on.

        ``listen``: a loopback listener on this machine takes that address and finishes by
        itself (:meth:`sso_progress`, :meth:`wait_sso` tell the outcome); a pasted address
        still works. ``redirect_uri``: the ``http://localhost:<port>/`` of the caller's own
        listener. ``domain`` and ``trust_server`` as in :meth:`connect`.
        """
        chosen = self._check_service(service)
        begin = getattr(chosen, "begin_sso", None)
        chosen.method(server_sso.SSO_LOGIN.id)  # bad_method where the service offers none
        self._check_condarc_name()
        if not isinstance(trust_server, bool) or not isinstance(listen, bool):
            raise BadInput("trust_server and listen must be true or false.")
        if trust_server and self.settings.ssl_verify is not None:
            raise NotAllowed(
                "Your administrator has set how server certificates are checked, so "
                '"trust this server" is not available. Ask your administrator for the CA bundle.'
            )
        validate.connect_inputs(domain, None, None, None)
        state = self.state_store.load()
        current = self.current_connection(state)
        if current is not None:  # said before the browser opens; checked again at the end
            raise Conflict(
                f"Already signed in to {_title(current.service)} ({current.domain}). Sign out "
                "first: only one repository service can be connected at a time.",
                code=Code.ALREADY_CONNECTED,
            )
        domain = self._resolve_domain(chosen, domain, state)
        attempt = signin.Attempt(self.parts, state, self.condarc.load(), trust_server)
        sso_id = secrets.token_urlsafe(16)
        listener = None
        if listen:
            from .services.sso_listener import RedirectListener

            listener = RedirectListener(lambda address: self._delivered(sso_id, address))
            redirect_uri = listener.redirect_uri
        try:
            assert begin is not None
            pending = begin(attempt, domain, sso_id, redirect_uri)
        except BaseException:
            if listener is not None:
                listener.close()
            raise
        pending.trust_server, pending.listener = trust_server, listener
        self._sso.add(pending)
        if listener is not None:
            listener.start()
        return SsoStart(
            sso_id, pending.authorization_url(), pending.redirect_uri, server_sso.SSO_WAIT, listen
        )

    def finish_sso(self, sso_id: str, redirect_address: str) -> Status:
        """Finish a single sign-on with the address the browser landed on
        (``http://localhost:<port>/?code=…&state=…``). Nothing on disk changes unless the
        sign-in fully succeeds; a code is used once."""
        pending = self._sso.get(sso_id)
        if pending.done.is_set():
            self._sso.take(sso_id)  # raises: it has ended
        try:
            code = server_sso.read_redirect(pending, redirect_address)
        except RepoConnectError as exc:
            if exc.code == Code.SSO_DENIED:  # the user said no: this sign-in is over
                self._end_sso(self._sso.take(sso_id), exc)
            raise
        pending = self._sso.take(sso_id)
        try:
            chosen = self._check_service(pending.service)
            credentials = server_sso.exchange_inputs(pending, code)
            fresh = not self.state_store.directory.exists()
            before = self._condarc_before()
            try:
                self._connect(
                    chosen, server_sso.SSO_LOGIN.id, pending.domain, credentials,
                    pending.trust_server, http.Operation(),
                )  # fmt: skip
            except BaseException:
                if fresh:  # a refused sign-in leaves nothing behind, not even the lock
                    _remove_lock_folder(self.state_store)
                raise
            status = self._signed_in(chosen, before)
        except RepoConnectError as exc:
            self._end_sso(pending, exc)
            raise
        except BaseException:
            self._end_sso(pending, None)
            raise
        self._end_sso(pending, status)
        return status

    def sso_progress(self, sso_id: str) -> SsoProgress:
        """Whether a started single sign-on still waits, signed in, or failed (and why)."""
        pending = self._sso.get(sso_id)
        if not pending.done.is_set():
            return SsoProgress("waiting")
        outcome = pending.outcome
        if isinstance(outcome, Status):
            return SsoProgress("signed_in", status=outcome)
        code = str(outcome.code) if isinstance(outcome, RepoConnectError) else "error"
        message = outcome.message if isinstance(outcome, RepoConnectError) else None
        return SsoProgress("failed", error=code, message=message)

    def wait_sso(
        self, sso_id: str, timeout: float | None = None, cancel: threading.Event | None = None
    ) -> Status:
        """Wait for a listening single sign-on to finish; its status, or its error raised.
        ``cancel`` set or ``timeout`` passed: the sign-in is cancelled (nothing was written)."""
        pending = self._sso.get(sso_id)
        until = min(pending.deadline, time.monotonic() + timeout) if timeout else pending.deadline
        while not pending.done.wait(0.1):
            if (cancel is not None and cancel.is_set()) or time.monotonic() >= until:
                self.cancel_sso(sso_id)
                if pending.done.is_set():  # finished meanwhile
                    break
                raise NotConnected(
                    "The single sign-on was cancelled or not completed in time; nothing was "
                    "changed.",
                    code=Code.SSO_NOT_PENDING,
                )
        outcome = pending.outcome
        if isinstance(outcome, Status):
            return outcome
        if isinstance(outcome, RepoConnectError):
            raise outcome.reworded(outcome.message) from outcome
        raise NotConnected("The single sign-on did not finish.", code=Code.SSO_NOT_PENDING)

    def cancel_sso(self, sso_id: str) -> None:
        """Forget a started single sign-on (nothing was written); its listener stops."""
        if isinstance(sso_id, str):
            self._sso.forget(sso_id)

    def _delivered(self, sso_id: str, address: str) -> tuple[bool, bool, str]:
        """The listener's redirect: (finished, stop listening, what the page says)."""
        try:
            status = self.finish_sso(sso_id, address)
        except RepoConnectError as exc:
            # another sign-in's (or a forged) address: keep waiting for this one's
            keep = exc.code in (Code.BAD_REDIRECT_ADDRESS, Code.SSO_STATE_MISMATCH)
            return False, not keep, exc.message
        return True, True, f"Signed in to {status.service_title} at {status.domain}."

    @staticmethod
    def _end_sso(pending: server_sso.PendingSso, outcome: object) -> None:
        pending.outcome = outcome
        pending.done.set()
        pending.close()

    def _drop_spent_session(self, store: StateStore) -> None:
        """Delete the saved login session once it can serve no revoke (its JWT and refresh
        token expired): a credential kept no longer than it is needed."""
        from .cache import FILES

        with contextlib.suppress(RepoConnectError):
            # status is polled: read through the file cache (a stat when unchanged)
            saved = FILES.get(store.server_session, server_sso.SavedSession.parse)
            if saved is None or not saved.over():
                return
            with self._locked(timeout=0):  # busy: another process' sign-in or sign-out
                found, raw = store.read_copy(store.server_session)
                saved = server_sso.SavedSession.parse(raw) if found else None
                if saved is not None and saved.over():
                    store.drop_copy(store.server_session)

    def _clean_index_cache(self) -> list[str]:
        """After a token changed: conda's cached repodata was fetched under the old one."""
        from . import conda_index

        return conda_index.clean() if self.settings.clean_index_cache else []

    def _condarc_before(self) -> CondarcDocument | None:
        """``.condarc`` as a sign-in finds it (None: unreadable; the sign-in says why)."""
        try:
            return self.condarc.load()
        except RepoConnectError:
            return None

    def _signed_in(self, service: RepositoryService, before: CondarcDocument | None) -> Status:
        """The status after a sign-in, with what it changed in ``.condarc`` (core/changes.py)."""
        from .changes import condarc_changes

        status = self._with_notes(self.status(), self._clean_index_cache())
        after = self._condarc_before()
        if before is None or after is None:
            return status
        return replace(status, changes=condarc_changes(before, after, service))

    @staticmethod
    def _with_notes(status: Status, notes: list[str]) -> Status:
        return replace(status, warnings=status.warnings + notes) if notes else status

    def _connect(
        self,
        service: RepositoryService,
        method: str,
        domain: str | None,
        credentials: dict[str, str],
        trust_server: bool,
        op: http.Operation,
    ) -> None:
        with self._locked() as store:
            op.check("The sign-in")  # cancelled while it waited for the lock
            state = store.load()
            current = self.current_connection(state)
            if current is not None:
                raise Conflict(
                    f"Already signed in to {_title(current.service)} ({current.domain}). Sign out "
                    "first: only one repository service can be connected at a time.",
                    code=Code.ALREADY_CONNECTED,
                )
            if state.service:
                # Signing in again would replace the saved pre-login .condarc with a later one.
                raise Conflict(
                    f"The earlier sign-in to {_title(state.service)} was ended elsewhere, but "
                    "its saved .condarc has not been restored yet. Sign out first, then sign in.",
                    code=Code.STALE_SESSION,
                )
            if store.read_copy(store.saved_condarc)[0]:
                # the record of that sign-in is damaged, but its saved original is not
                raise Conflict(
                    "A copy of your .condarc saved before an earlier sign-in has not been "
                    "restored (the record of that sign-in is damaged). Sign out first: that "
                    "restores it. Then sign in.",
                    code=Code.STALE_SESSION,
                )
            if service.needs_domain:
                domain = self._resolve_domain(service, domain, state)
            else:
                domain = service.fixed_domain(self.settings)
            assert domain is not None
            doc = self.condarc.load()  # a corrupt .condarc stops us before any network call
            attempt = signin.Attempt(self.parts, state, doc, trust_server)
            op.start(self.settings.timeout)  # one deadline for every request of the sign-in
            with http.operation(op):
                service.sign_in(attempt, domain, credentials, method)

    def cancel(self, attempt: str) -> bool:
        """Cancel the running sign-in ``attempt``: a request it waits on fails now, nothing is
        written, and what the service had created is revoked. False: no such sign-in runs."""
        with self._attempts_lock:
            op = self._attempts.get(attempt)
        if op is None:
            return False
        op.cancel()
        return True

    def _begin_attempt(self, attempt: str | None) -> http.Operation:
        op = http.Operation()
        if attempt is not None:
            if not isinstance(attempt, str) or not 0 < len(attempt) <= 100:
                raise BadInput("'attempt' must be a short text (an id chosen by the caller).")
            with self._attempts_lock:
                if attempt in self._attempts:
                    raise BadInput("A sign-in with this 'attempt' id is already running.")
                self._attempts[attempt] = op
        return op

    def _end_attempt(self, attempt: str | None, op: http.Operation) -> None:
        if attempt is not None:
            with self._attempts_lock:
                if self._attempts.get(attempt) is op:
                    del self._attempts[attempt]

    def renew(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        method: str | None = None,
    ) -> Status:
        """Renew: sign in again to the connected service with a sign-in method (default: the
        one used), in one step. The new token replaces the old one everywhere it was stored;
        ``.condarc`` (the channels chosen) is kept; the old token is revoked where it was ours.
        """
        validate.connect_inputs(None, username, password, token)
        with self._locked() as store:
            state = store.load()
            current = self.current_connection(state)
            if current is None or current.source != "repoconnect":
                raise NotConnected(
                    "There is no sign-in made here to renew. Sign in instead.",
                    code=Code.NOT_CONNECTED,
                )
            service = registry.get(current.service)
            chosen = service.method(method if method is not None else state.sign_in_method)
            if not chosen.fields:
                raise BadInput(
                    f"Renewing with {chosen.submit!r} takes the browser: sign out, then sign in "
                    "with it again.",
                    code=Code.BAD_METHOD,
                )
            credentials = _credentials(chosen, username=username, password=password, token=token)
            _, old_session = store.read_copy(store.server_session)
            old_revoke = service.pending_revoke(current, state, old_session)
            doc = self.condarc.load()
            attempt = signin.Attempt(
                self.parts, state, doc, renewing=service.grant(current.domain, current.token)
            )
            # one deadline for all its requests, as a sign-in (core/http.Operation)
            with http.operation(http.Operation(self.settings.timeout)):
                service.sign_in(attempt, current.domain, credentials, chosen.id)
            notes = signin.revoke(self.parts, old_revoke)
        return self._with_notes(self.status(), notes + self._clean_index_cache())

    # --- channels ----------------------------------------------------------------------
    def available_channels(
        self, q: str = "", offset: int = 0, limit: int = 50, refresh: bool = False
    ) -> ChannelPage:
        """Channels the connected Anaconda Server offers, filtered and paged here.

        The server has no documented text filter, so its whole list is fetched once per
        connection (pages of 1000, as Navigator does) and kept; ``refresh`` fetches it again.
        """
        validate.text(q, "filter", max_len=200, whitespace=True)
        if not isinstance(q, str) or len(q) > 200:
            raise BadInput("The filter must be text of at most 200 characters.")
        if not isinstance(offset, int) or offset < 0:
            raise BadInput("offset must be a whole number of 0 or more.")
        if not isinstance(limit, int) or not 1 <= limit <= 500:
            raise BadInput("limit must be a whole number from 1 to 500.")
        current = self._require_connection()
        if not registry.get(current.service).capabilities.lists_channels:
            listing = " and ".join(
                s.short_title for s in registry.all_services() if s.capabilities.lists_channels
            )
            raise BadInput(
                f"Listing channels works with {listing}. With {_title(current.service)}, add "
                "the channels you need by name or URL.",
                code=Code.NO_CHANNEL_LISTING,
            )
        matching = self._server_channels(current, refresh).matching(q.strip().lower())
        return ChannelPage(
            items=matching.page(offset, limit),
            total=len(matching),
            offset=offset,
            limit=limit,
            q=q.strip(),
        )

    def _server_channels(self, current: Connection, refresh: bool) -> ChannelList:
        import hashlib

        show_all = self.settings.show_hidden_channels
        key = (current.domain, hashlib.sha256(current.token.encode()).hexdigest(), show_all)
        cached = self._channel_cache.get(key)
        if cached is None or refresh:
            service = registry.get(current.service)
            # conda's TLS and proxy settings read from the files (no .condarc round trip)
            client = self.parts.client(service, current.domain, None)
            cached = service.list_channels(client, current.token, show_all)
            self._channel_cache.clear()  # one connection at a time: keep only its list
            self._channel_cache[key] = cached
        return cached

    def add_channels(
        self, channels: Sequence[str] = (), default_channels: Sequence[str] = ()
    ) -> CondarcChannels:
        """Append channels (names of the connected server, or full URLs) to ``.condarc``."""
        validate.channel_lists(channels, default_channels)
        if isinstance(channels, str) or isinstance(default_channels, str):
            raise BadInput("Give the channels as a list of names.")
        if not channels and not default_channels:
            raise BadInput(
                "No channel was given to add to channels or default_channels.",
                code=Code.NO_CHANNELS,
            )
        current = self.current_connection(self.state_store.load())
        resolve = self._channel_resolver(current)
        to_channels = [resolve(c) for c in channels]
        to_defaults = [resolve(c) for c in default_channels]

        def change(doc: CondarcDocument) -> None:
            alias = configure.channel_alias_of(doc)
            if to_channels:
                existing = doc.get_list("channels") or []
                doc.set_list("channels", existing + _new(to_channels, existing, alias))
            if to_defaults:
                existing = doc.get_list("default_channels") or []
                doc.set_list("default_channels", existing + _new(to_defaults, existing, alias))
                listed = doc.get_list("channels")
                if listed is None or "defaults" not in listed:
                    # conda >= 25.3 reads default_channels only through `defaults` in
                    # channels; Navigator writes channels: [defaults, ...] for this reason
                    doc.set_list("channels", ["defaults", *(listed or [])])

        with self._locked():
            self.condarc.edit(change)
        return self.condarc_channels()

    def _channel_resolver(self, current: Connection | None) -> Callable[[str], str]:
        alias = channel_alias(current) if current else None

        def resolve(entry: object) -> str:
            if not isinstance(entry, str) or not entry.strip():
                raise BadInput("A channel name is empty; remove it or type a name.")
            name = entry.strip()
            if any(ch.isspace() for ch in name):
                raise BadInput(f"The channel name '{name}' contains spaces; channel names cannot.")
            if "://" in name:
                if not name.startswith(("http://", "https://", "file://")):
                    raise BadInput(f"'{name}' is not an http(s) channel URL.")
                url = name.rstrip("/")
                if alias and url.startswith(alias + "/"):
                    return url[len(alias) + 1 :]  # written by name, as Navigator does
                return url
            if not _CHANNEL_NAME.match(name):
                raise BadInput(
                    f"'{name}' is not a valid channel name (letters, digits, '.', '_', '-', '+'; "
                    "'/' between parts)."
                )
            return name

        return resolve

    # --- sign out ----------------------------------------------------------------------
    def disconnect(self) -> Status:
        """Sign out: revoke and remove tokens, restore ``.condarc``, reset the recorded state."""
        with self._locked() as store:
            state = store.load()
            current = self.current_connection(state)
            if (
                current is None
                and not state.service
                and not store.read_copy(store.saved_condarc)[0]
            ):
                raise NotConnected(
                    "You are not signed in to a repository service, so there is nothing to sign "
                    "out of.",
                )
            warnings = signin.sign_out(self.parts, state, current)
        return self._with_notes(self.status(), warnings + self._clean_index_cache())

    # --- preferences -------------------------------------------------------------------
    def preferences(self) -> Preferences:
        domains = self.known_domains(self.state_store.load())
        typed = {s.id: domains[s.id] for s in registry.all_services() if s.needs_domain}
        legacy = {
            s.preference_key: domains[s.id] for s in registry.all_services() if s.preference_key
        }
        allowed = list(self.settings.allowed_services)
        methods = {s.id: s.method(None).id for s in registry.all_services()}
        server = registry.find("server")
        wanted = self.settings.server_default_method  # the administrator's first method
        if server is not None and any(m.id == wanted for m in server.sign_in_methods):
            methods[server.id] = wanted
        return Preferences(
            server_domain=legacy.get("server_domain"),
            enterprise_domain=legacy.get("enterprise_domain"),
            allow_domain_change=self.settings.allow_domain_change,
            allowed_services=allowed,
            domains=typed,
            services=[s.info() for s in registry.all_services()],
            default_service=registry.DEFAULT
            if registry.DEFAULT in allowed
            else next(iter(allowed), None),
            default_methods=methods,
            package_managers={s.id: s.title for s in sink_registry.all_sinks()},
        )

    def set_domain(self, service: str, domain: str) -> Preferences:
        """Remember the domain of a service that needs one ("Set Domain")."""
        chosen = registry.get(service)
        if not chosen.needs_domain or chosen.domain_state_key is None:
            typed = [f"'{s.id}'" for s in registry.all_services() if s.needs_domain]
            raise BadInput(f"A domain is set for {' or '.join(typed)}.", code=Code.BAD_SERVICE)
        with self._locked() as store:
            state = store.load()
            domain = self._resolve_domain(chosen, domain, state)
            current = self.current_connection(state)
            if current is not None and current.service == chosen.id and current.domain != domain:
                raise Conflict(
                    f"You are signed in to {chosen.title} at {current.domain}. Sign out before "
                    "changing its domain.",
                )
            key = chosen.domain_state_key
            if getattr(state, key) != domain:
                store.save(replace(state, **{key: domain}))
        return self.preferences()

    def _resolve_domain(
        self, service: RepositoryService, domain: str | None, state: RecordedState
    ) -> str:
        preset = getattr(self.settings, service.domain_setting or "", None)
        if domain is None:  # the remembered (or preset) one; "" is refused below
            remembered = self.known_domains(state)[service.id]
            if not remembered:
                raise BadInput(f"No {service.title} domain is set.", code=Code.DOMAIN_REQUIRED)
            return remembered
        what = service.domain_label or "domain"
        domain = service.normalise_domain(validate_domain(domain, what=what))
        if not self.settings.allow_domain_change and preset and domain != preset:
            raise NotAllowed(
                f"Your administrator has set the {what} to {preset}; it cannot be changed here.",
            )
        return domain

    # --- doctor and Configure Conda ----------------------------------------------------
    def doctor(
        self,
        service: str | None = None,
        domain: str | None = None,
        method: str | None = None,
    ) -> Diagnosis:
        """Explain why a signed-in machine cannot use the repository; with ``service``, why a
        sign-in to it (at ``domain``: None, the remembered one; with ``method``: None, its
        first) fails: reachable, TLS, that service at all, the sign-in method offered."""
        from .doctor import diagnose, diagnose_attempt

        state = self.state_store.load()
        if service is None:
            if domain is not None or method is not None:
                raise BadInput("Name the service whose sign-in to check ('service').")
            return diagnose(self.parts, self.current_connection(state))
        chosen = self._check_service(service)
        if chosen.needs_domain:
            where = self._resolve_domain(chosen, domain, state)
        else:
            where = chosen.fixed_domain(self.settings) or ""
        return diagnose_attempt(self.parts, chosen, where, chosen.method(method))

    def condarc_channels(self) -> CondarcChannels:
        """Both channel lists of the user's ``.condarc``, token URLs masked, with a version."""
        return configure.read(self.condarc.load())

    def remove_channels(
        self,
        names: Sequence[str],
        *,
        from_list: str | None = None,
        confirm_defaults: bool = False,
        version: str | None = None,
    ) -> CondarcChannels:
        """Remove channels (as shown, masked or not) from one or both lists."""
        with self._locked():
            return configure.apply(
                self.condarc,
                lambda doc: configure.remove(doc, names, from_list),
                version=version,
                confirm_defaults=confirm_defaults,
            )

    def move_channel(
        self, name: str, position: int, *, in_list: str = "channels", version: str | None = None
    ) -> CondarcChannels:
        """Move a channel to a 0-based position in its list."""
        with self._locked():
            return configure.apply(
                self.condarc,
                lambda doc: configure.move(doc, name, position, in_list),
                version=version,
                confirm_defaults=True,
            )

    def replace_channels(
        self,
        channels: Sequence[str] | None,
        default_channels: Sequence[str] | None,
        *,
        version: str | None = None,
        confirm_defaults: bool = False,
    ) -> CondarcChannels:
        """Replace whole lists (``None`` leaves a list alone; an empty ``default_channels``
        removes the key). Masked entries are matched back to the file's originals.
        ``version`` from :meth:`condarc_channels` guards against concurrent edits."""
        with self._locked():
            return configure.apply(
                self.condarc,
                lambda doc: configure.replace_lists(doc, channels, default_channels),
                version=version,
                confirm_defaults=confirm_defaults,
            )

    # --- helpers -----------------------------------------------------------------------
    def _check_service(self, service: object) -> RepositoryService:
        chosen = registry.get(service)
        if chosen.id not in self.settings.allowed_services:
            raise NotAllowed(
                f"Your administrator does not allow connecting to {chosen.title} here."
            )
        return chosen

    def _check_condarc_name(self) -> None:
        from .conda_config import conda_would_load

        path = self.condarc.path
        if not conda_would_load(path):
            raise BadInput(ignored_condarc_message(path), code=Code.CONDARC_IGNORED)

    def _require_connection(self) -> Connection:
        current = self.current_connection(self.state_store.load())
        if current is None:
            raise NotConnected("You are not signed in. Sign in to a repository first.")
        return current


def _remove_lock_folder(store: StateStore) -> None:
    """Delete a state folder that holds nothing but the lock file."""
    import contextlib
    import os

    with contextlib.suppress(OSError):
        if os.listdir(store.directory) == [store.lock_path.name]:
            store.lock_path.unlink()
            store.directory.rmdir()


EXPIRY_NOTICE_DAYS = 14


def expiry_warnings(expires_at: str | None, domain: str, today: dt.date | None = None) -> list[str]:
    """A token's expiry said from two weeks before, and after (conda then gets 401)."""
    if not expires_at:
        return []
    try:
        day = dt.date.fromisoformat(expires_at[:10])
    except ValueError:
        return []
    left = (day - (today or dt.date.today())).days
    renew = "Renew it (sign in again with Renew): your channels stay as they are."
    if left < 0:
        return [
            f"The token of this sign-in to {domain} expired on {human_date(day)}: the "
            f"repository now refuses conda's requests. {renew}"
        ]
    if left <= EXPIRY_NOTICE_DAYS:
        when = "today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"
        return [
            f"The token of this sign-in to {domain} expires {when} ({human_date(day)}). {renew}"
        ]
    return []


def channel_alias(current: Connection) -> str | None:
    """The ``channel_alias`` a sign-in to ``current`` writes (None: the service writes none)."""
    return registry.get(current.service).channel_alias(current.domain)


def _title(service: str) -> str:
    found = registry.find(service)
    return found.title if found else service


def _credentials(method: SignInMethod, **given: str | None) -> dict[str, str]:
    """The values ``method`` takes, each as its field takes it."""
    return {f.name: _required(given.get(f.name), f) for f in method.fields}


def _required(value: object, field: SignInField) -> str:
    """A sign-in value as its method takes it: present, and stripped where it is not a
    password; a secret with spaces inside is refused (a broken paste)."""
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"Please enter your {field.label}.", code=Code.MISSING_INPUT)
    if not field.strip:
        return value
    value = value.strip()
    if field.secret and any(ch.isspace() for ch in value):
        raise BadInput(
            f"The {field.label} contains spaces; paste it again without spaces.",
            code=Code.BAD_INPUT,
        )
    return value


def _new(values: list[str], existing: list[str], alias: str) -> list[str]:
    """``values`` not yet in ``existing`` — a name and its URL under ``alias`` are one channel."""
    taken = configure.already_listed(values, existing, alias)
    return [v for v in dict.fromkeys(values) if v not in taken]


def _interrupted(directory: Path) -> bool:
    """A journal waits, or a write killed before the journal existed left its temp copy."""
    if (directory / JOURNAL).exists():
        return True
    try:
        return any(name.endswith(TEMP_SUFFIX) for name in os.listdir(directory))
    except OSError:
        return False
