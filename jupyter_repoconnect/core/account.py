"""The Anaconda Cloud account (anaconda.com): sign in, who am I, organisations, and installing an
organisation's repository token — independent of the one repository connection.

The login is stored where anaconda-auth keeps it (its keyring file, service "Anaconda Cloud",
user = the domain's host, base64 JSON version 2), so a login made here is one for the
``anaconda`` command line and conda's auth plugin, and theirs is one here. Only the API key is
kept; the device code and the access token never leave this process.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import auth_keyring, validate
from .dates import human_date
from .errors import (
    AuthenticationRefused,
    BadInput,
    Code,
    Conflict,
    NotAllowed,
    NotConnected,
    RepoConnectError,
)
from .files import atomic_write, process_alive, read_bytes, sweep_temps, unlink
from .links import openable_link
from .models import Status
from .services import registry

if TYPE_CHECKING:
    from .connector import Connector
    from .services.account import AccountService, DeviceAuthorization

ENV_API_KEY = "ANACONDA_AUTH_API_KEY"
MANAGED = (
    "Your Anaconda Cloud account is managed by the administrator (ANACONDA_AUTH_API_KEY is set "
    "for this server), so it cannot be {what} here."
)
REISSUE_WARNING = (
    "{org} already has a repository token (expires {expires}). Installing a new one revokes it: "
    "every machine and person using it loses access to the repository until they get the new "
    "one."
)

API_KEY_NOT_STORED = (
    "The sign-in was approved and anaconda.com created an API key for it (valid for a year), "
    "but it could not be kept on this machine: {reason}. You are not signed in here. The key "
    "is not stored anywhere: delete it on anaconda.com (Account Settings, API Keys), then fix "
    "this and sign in again."
)

API_KEY_INTERRUPTED = (
    "An earlier sign-in was interrupted after anaconda.com may have created an API key for "
    "it (valid for a year), which is not stored on this machine. Delete it on anaconda.com "
    "(Account Settings, API Keys) if you find it there, and sign in again."
)
KEY_MARKER = "account-signin.pending"  # in the state folder: a device sign-in's key is asked


@dataclass(frozen=True)
class AccountStatus:
    """What a surface shows about the account. Never holds a secret."""

    allowed: bool  # the administrator lets users sign in to an account here
    signed_in: bool
    domain: str
    username: str | None = None
    managed: bool = False  # ANACONDA_AUTH_API_KEY: the administrator's key, no sign-out here
    expires_at: str | None = None  # of the API key
    expired: bool = False
    installed_orgs: list[str] = field(default_factory=list)  # repository tokens in the keyring
    keyring: str = ""
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DeviceLogin:
    """A sign-in waiting for the person to approve it on the website."""

    login_id: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: int
    interval: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LoginProgress:
    """``pending`` (ask again after ``interval`` seconds) or ``signed_in`` (with the status)."""

    state: str
    interval: int
    account: AccountStatus | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Organization:
    name: str
    title: str
    business: bool  # may issue a repository token (not a starter subscription)
    token_expires_at: str | None  # of its current repository token; None: it has none
    installed: bool  # its token is the one installed on this machine

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TokenInstall:
    """The result of installing an organisation's token: the repository connection's status."""

    org: str
    expires_at: str
    revoked_previous: bool
    status: Status

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status.to_dict()}


@dataclass
class _Pending:
    device: DeviceAuthorization  # holds the device code: kept here, never shown
    endpoints: dict[str, str]
    deadline: float
    interval: int
    next_poll: float


class Account:
    """Anaconda Cloud account use cases next to a :class:`Connector` (whose settings and
    repository connection it uses for installing a token). Thread-safe."""

    def __init__(self, connector: Connector) -> None:
        self.connector = connector
        self.settings = connector.settings
        self._logins: dict[str, _Pending] = {}
        self._mutex = threading.Lock()

    # --- status --------------------------------------------------------------------------
    @property
    def domain(self) -> str:
        return self.settings.resolved_account_domain()

    def status(self) -> AccountStatus:
        """The account login on this machine (ours, the ``anaconda`` CLI's or the
        administrator's); reads only the keyring file."""
        domain = self.domain
        path = auth_keyring.keyring_path()
        sweep_temps(path.parent)  # a write killed before its rename left the API key there
        base = AccountStatus(
            allowed=bool(self.settings.allow_account_signin),
            signed_in=False,
            domain=domain,
            keyring=str(path),
        )
        if not base.allowed:
            return replace(base, message="Your administrator has turned off account sign-in.")
        info = auth_keyring.read_info(auth_keyring.keyring_user(domain)) or {}
        installed = [
            str(t.get("org_name"))
            for t in info.get("repo_tokens") or []
            if isinstance(t, dict) and t.get("org_name")
        ]
        base = replace(base, installed_orgs=installed)
        env_key = os.environ.get(ENV_API_KEY, "").strip()
        key = env_key or info.get("api_key")
        interrupted = self._interrupted_key()
        if not isinstance(key, str) or not key:
            return replace(base, message=API_KEY_INTERRUPTED) if interrupted else base
        expires = _jwt_expiry(key)
        expired = expires is not None and expires <= time.time()
        return replace(
            base,
            signed_in=True,
            username=None if env_key else _text(info.get("username")),
            managed=bool(env_key),
            expires_at=_iso(expires),
            expired=expired,
            message=(
                "The API key has expired. Sign in again." if expired and not env_key else None
            ),
        )

    # --- sign in ---------------------------------------------------------------------------
    def begin_login(self) -> DeviceLogin:
        """Start the device sign-in: the person opens the link (on any device) and approves
        the code; then :meth:`check_login` or :meth:`wait_login` finishes it."""
        self._check_may_sign_in()
        service = self._service()
        endpoints = service.endpoints()
        device = service.start_device(endpoints)
        for link in (device.verification_uri, device.verification_uri_complete):
            openable_link(link, self.domain)  # before any surface shows it (links.py)
        now = time.monotonic()
        login_id = secrets.token_urlsafe(12)
        with self._mutex:
            self._drop_old(now)
            self._logins[login_id] = _Pending(
                device, endpoints, now + device.expires_in, device.interval, now
            )
        return DeviceLogin(
            login_id,
            device.user_code,
            device.verification_uri,
            device.verification_uri_complete,
            device.expires_in,
            device.interval,
        )

    def check_login(self, login_id: str) -> LoginProgress:
        """Ask anaconda.com once (not sooner than it allows) whether the sign-in is approved;
        when it is, create the API key and store the login."""
        pending = self._pending(login_id)
        now = time.monotonic()
        if now < pending.next_poll:
            return LoginProgress("pending", pending.interval)
        service = self._service()
        try:
            poll = service.poll(pending.endpoints, pending.device.device_code)
        except RepoConnectError:
            self._forget(login_id)  # expired, denied or unknown: start again
            raise
        if poll.state != "done":
            if poll.state == "slow_down":
                pending.interval += 5  # RFC 8628: wait 5 seconds longer from now on
            pending.next_poll = time.monotonic() + pending.interval
            if pending.next_poll > pending.deadline + pending.interval:
                self._forget(login_id)
                raise AuthenticationRefused(
                    "The sign-in code expired before it was approved. Start the sign-in again.",
                    code=Code.DEVICE_CODE_EXPIRED,
                )
            return LoginProgress("pending", pending.interval)
        self._forget(login_id)
        # Recorded before the key exists (issue 22 point 9): a full or read-only disk stops
        # the sign-in here, before anything is created; a kill from here on is said by the
        # next status (the record holds no secret).
        marker = self._key_marker()
        atomic_write(marker, json.dumps({"pid": os.getpid()}).encode(), mode=0o600)
        try:
            api_key = service.create_api_key(poll.access_token)
            try:
                stored = self._store_login(service, api_key)
            except RepoConnectError as exc:
                # The key exists on anaconda.com from here on: never claim that nothing
                # changed; say where it is and how to end it.
                reason = _first_sentence(exc.message)
                raise exc.reworded(API_KEY_NOT_STORED.format(reason=reason)) from exc
        finally:
            with contextlib.suppress(RepoConnectError):
                unlink(marker)
        return LoginProgress("signed_in", 0, stored)

    def wait_login(
        self, login_id: str, cancel: threading.Event | None = None
    ) -> AccountStatus | None:
        """Poll until approved (returns the status), refused (raises) or cancelled (None)."""
        cancel = cancel or threading.Event()
        while not cancel.is_set():
            progress = self.check_login(login_id)
            if progress.account is not None:
                return progress.account
            pending = self._logins.get(login_id)
            delay = max(0.0, pending.next_poll - time.monotonic()) if pending else 0.0
            cancel.wait(delay)
        self.cancel_login(login_id)
        return None

    def cancel_login(self, login_id: str) -> None:
        """Forget a waiting sign-in (nothing was stored yet)."""
        self._forget(login_id)

    def sign_in_with_api_key(self, api_key: str) -> AccountStatus:
        """Sign in with an API key made on anaconda.com (Account Settings, API Keys)."""
        self._check_may_sign_in()
        validate.optional_text(api_key, "API key", max_len=8192, secret=True)
        if not isinstance(api_key, str) or not api_key.strip():
            raise BadInput("Paste your API key.", code=Code.MISSING_INPUT)
        api_key = api_key.strip()
        if any(ch.isspace() for ch in api_key) or len(api_key) > 8192:
            raise BadInput("The API key contains spaces; paste it again without spaces.")
        return self._store_login(self._service(), api_key)

    def sign_out(self) -> AccountStatus:
        """Forget the account's API key. Installed repository tokens stay (they are the
        repository connection's: "Remove token" or the repository's Sign out removes them)."""
        self._check_allowed()
        if os.environ.get(ENV_API_KEY, "").strip():
            raise NotAllowed(MANAGED.format(what="signed out"), code=Code.ACCOUNT_MANAGED)
        user = auth_keyring.keyring_user(self.domain)
        with self._locked():
            info = auth_keyring.read_info(user)
            if not info or not info.get("api_key"):
                raise NotConnected(
                    "You are not signed in to an Anaconda Cloud account.",
                    code=Code.ACCOUNT_SIGNED_OUT,
                )
            kept = {k: v for k, v in info.items() if k not in ("api_key", "username")}
            auth_keyring.write_info(user, kept if kept.get("repo_tokens") else None)
        return self.status()

    # --- organisations and their token ----------------------------------------------------
    def organizations(self) -> list[Organization]:
        """The account's organisations, with the expiry of each one's repository token."""
        api_key = self._api_key()
        service = self._service()
        installed = set(self.status().installed_orgs)
        found = []
        for org in service.organizations(api_key):
            expires = service.current_token(api_key, org.name) if org.business else None
            found.append(
                Organization(org.name, org.title, org.business, expires, org.name in installed)
            )
        return found

    def install_token(self, org: str, *, confirm_reissue: bool = False) -> TokenInstall:
        """Issue the organisation's repository token and sign in to the Cloud repository with
        it (as the Cloud sign-in does with a pasted token). An organisation that already has
        a token is refused unless ``confirm_reissue``: reissuing revokes the old one."""
        validate.optional_text(org, "organisation", max_len=256)
        if not isinstance(org, str) or not org.strip():
            raise BadInput("Choose an organisation.", code=Code.BAD_ORG)
        if not isinstance(confirm_reissue, bool):
            raise BadInput("confirm_reissue must be true or false.")
        org = org.strip()
        # The repository sign-in's own lock, held from the first check to the last write: a
        # sign-in from another process or server waits, and every precondition is rechecked
        # under it (else a reissue could revoke a token and then be refused and thrown away).
        with self._locked():
            return self._install_token(org, confirm_reissue)

    def _install_token(self, org: str, confirm_reissue: bool) -> TokenInstall:
        api_key = self._api_key()
        service = self._service()
        known = {o.name: o for o in service.organizations(api_key)}
        if org not in known:
            raise BadInput(
                f"Your account is not a member of an organisation named {org!r}.", code=Code.BAD_ORG
            )
        if not known[org].business:
            raise Conflict(
                f"{known[org].title} has a starter subscription, which has no repository token.",
                code=Code.ORG_TOKEN_REFUSED,
            )
        repo = self.connector.status()
        target = registry.for_organisation_tokens()
        if repo.connected and repo.service != target.id:
            raise Conflict(
                f"You are signed in to {repo.service_title} ({repo.domain}). Sign "
                "out of it first: only one repository service can be connected at a time.",
                code=Code.ALREADY_CONNECTED,
            )
        current = service.current_token(api_key, org)
        if current is not None and not confirm_reissue:
            raise Conflict(
                REISSUE_WARNING.format(org=known[org].title, expires=human_date(current)),
                code=Code.CONFIRM_REISSUE,
            )
        # The Cloud sign-in we replace goes first (its own journalled sign-out, anaconda-auth's
        # keyring included): a kill after the reissue then leaves "not connected", which is
        # true, and never a connection on a token the reissue has just revoked.
        previous = None
        if repo.connected:
            found = self.connector.current_connection(self.connector.state_store.load())
            previous = found.token if found is not None else None
            self.connector.disconnect()
        if current is not None:
            self._forget_repo_token(org)  # the reissue revokes it
        try:
            token, expires = service.reissue_token(api_key, org)
        except RepoConnectError as exc:
            if previous is None:
                raise
            raise exc.with_notes(self._reconnect(target.id, previous)) from exc
        try:
            status = self.connector.connect(target.id, token=token)
        except RepoConnectError as exc:
            raise exc.reworded(
                f"A new repository token for {known[org].title} was issued"
                + (" (its previous token is now revoked)" if current else "")
                + f", but conda could not be set up with it: {exc.message} Then install the "
                "token again."
            ) from exc
        self._remember_repo_token(org, token)
        return TokenInstall(org, expires, current is not None, status)

    def remove_token(self) -> Status:
        """Remove the installed Cloud repository token: the Cloud repository's Sign out."""
        self._check_allowed()
        repo = self.connector.status()
        if not repo.connected or repo.service != registry.for_organisation_tokens().id:
            raise NotConnected(
                "No Anaconda Cloud repository token is installed on this machine.",
                code=Code.NOT_CONNECTED,
            )
        with self._locked():
            return self.connector.disconnect()

    # --- helpers ---------------------------------------------------------------------------
    def _service(self) -> AccountService:
        from .conda_config import http_settings
        from .http import Caller, make_client
        from .services.account import TITLE, AccountService

        http = http_settings(self.connector.condarc.path, None)
        return AccountService(
            Caller(make_client(self.settings, http), TITLE, self.domain), self.domain
        )

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The repository sign-in's own lock (issue 22 point 4): the keyring is one of the
        files its journal may put back, so every account write waits for a sign-in or
        sign-out and follows its recovery; temp copies killed writes left are swept."""
        store = self.connector.state_store
        fresh = not store.directory.exists()
        try:
            with self.connector._locked():  # recovers an interrupted operation first
                sweep_temps(auth_keyring.keyring_path().parent)
                yield
        finally:
            if fresh:  # the lock alone is not left behind in a home that had none
                _remove_lock_folder(store.directory, store.lock_path)

    def _check_allowed(self) -> None:
        if not self.settings.allow_account_signin:
            raise NotAllowed(
                "Your administrator has turned off the Anaconda Cloud account sign-in here.",
                code=Code.ACCOUNT_NOT_ALLOWED,
            )

    def _check_may_sign_in(self) -> None:
        self._check_allowed()
        if os.environ.get(ENV_API_KEY, "").strip():
            raise NotAllowed(MANAGED.format(what="changed"), code=Code.ACCOUNT_MANAGED)

    def _api_key(self) -> str:
        self._check_allowed()
        env_key = os.environ.get(ENV_API_KEY, "").strip()
        if env_key:
            return env_key
        info = auth_keyring.read_info(auth_keyring.keyring_user(self.domain)) or {}
        key = info.get("api_key")
        if not isinstance(key, str) or not key:
            raise NotConnected(
                "Sign in to your Anaconda Cloud account first.", code=Code.ACCOUNT_SIGNED_OUT
            )
        return key

    def _store_login(self, service: AccountService, api_key: str) -> AccountStatus:
        account = service.account(api_key)  # also checks the key
        found = account.get("user")
        user: dict[str, Any] = found if isinstance(found, dict) else {}
        username = _text(user.get("username")) or _text(user.get("email"))
        key_user = auth_keyring.keyring_user(self.domain)
        with self._locked():
            info = auth_keyring.read_info(key_user) or {}
            info.update(
                domain=key_user,
                api_key=api_key,
                username=username,
                repo_tokens=info.get("repo_tokens") or [],
                version=2,
            )
            auth_keyring.write_info(key_user, {k: v for k, v in info.items() if v is not None})
        return self.status()

    def _remember_repo_token(self, org: str, token: str) -> None:
        """What ``anaconda token install`` records: the organisation's token in the keyring."""
        key_user = auth_keyring.keyring_user(self.domain)
        with self._locked():
            info = auth_keyring.read_info(key_user) or {"domain": key_user, "version": 2}
            tokens = [
                t
                for t in info.get("repo_tokens") or []
                if isinstance(t, dict) and t.get("org_name") != org
            ]
            info["repo_tokens"] = [*tokens, {"token": token, "org_name": org}]
            auth_keyring.write_info(key_user, info)

    def _key_marker(self) -> Path:
        return self.connector.state_store.directory / KEY_MARKER

    def _interrupted_key(self) -> bool:
        """Whether a device sign-in was killed between asking for its API key and storing
        it (its record is then removed: said once). A record read back is input: anything
        but a dead process' id is left alone."""
        marker = self._key_marker()
        try:
            data = json.loads(read_bytes(marker, max_size=4096) or b"null")
        except (RepoConnectError, ValueError, RecursionError):
            data = {"pid": None}  # damaged: no live writer wrote this
        if not isinstance(data, dict):
            return False
        pid = data.get("pid")
        if isinstance(pid, int) and not isinstance(pid, bool) and pid > 0 and process_alive(pid):
            return False  # a sign-in of a running process
        with contextlib.suppress(RepoConnectError):
            unlink(marker)
        return True

    def _reconnect(self, service: str, token: str) -> list[str]:
        """After a failed reissue: the Cloud sign-in removed for it, made again."""
        try:
            self.connector.connect(service, token=token)
        except RepoConnectError as exc:
            return [
                "The previous Anaconda Cloud repository sign-in was removed before the new "
                f"token was requested, and could not be made again: {exc.message}"
            ]
        return ["The previous Anaconda Cloud repository sign-in was restored."]

    def _forget_repo_token(self, org: str) -> None:
        key_user = auth_keyring.keyring_user(self.domain)
        info = auth_keyring.read_info(key_user)
        if not info or not isinstance(info.get("repo_tokens"), list):
            return
        kept = [
            t for t in info["repo_tokens"] if not (isinstance(t, dict) and t.get("org_name") == org)
        ]
        if len(kept) != len(info["repo_tokens"]):
            auth_keyring.write_info(key_user, {**info, "repo_tokens": kept})

    def _pending(self, login_id: str) -> _Pending:
        with self._mutex:
            pending = self._logins.get(login_id) if isinstance(login_id, str) else None
        if pending is None:
            raise NotConnected(
                "This sign-in is not waiting any more (finished, cancelled or expired). Start "
                "the sign-in again.",
                code=Code.UNKNOWN_LOGIN,
            )
        return pending

    def _forget(self, login_id: str) -> None:
        with self._mutex:
            self._logins.pop(login_id, None)

    def _drop_old(self, now: float) -> None:
        for key in [k for k, p in self._logins.items() if p.deadline + 60 < now]:
            del self._logins[key]


def _remove_lock_folder(directory: Path, lock_path: Path) -> None:
    """Delete a state folder that holds nothing but the lock file."""
    with contextlib.suppress(OSError):
        if os.listdir(directory) == [lock_path.name]:
            lock_path.unlink()
            directory.rmdir()


def _first_sentence(message: str) -> str:
    """A file problem's reason, without its advice (which may say that nothing changed)."""
    return message.split(". ", 1)[0].rstrip(".")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _jwt_expiry(key: str) -> float | None:
    """The ``exp`` of a JWT-shaped API key (read, not verified: only to show the date)."""
    parts = key.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        return float(payload["exp"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    import datetime as dt

    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat(timespec="seconds")
