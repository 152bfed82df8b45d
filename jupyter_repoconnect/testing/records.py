"""Tokens issued or seeded by the sandbox, with expiry and revocation."""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

SERVICES = ("cloud", "server", "enterprise")


def iso(ts: float | None) -> str | None:
    """A UTC ISO 8601 timestamp, or None."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, timezone.utc).isoformat()


@dataclass
class TokenRecord:
    """One token. `kind`: cloud, session (server login), private (server), enterprise."""

    id: str
    service: str
    kind: str
    token: str = field(repr=False)
    user: str | None = None
    name: str = ""
    scopes: list[str] = field(default_factory=list)
    hostname: str | None = None
    org: str | None = None
    created_at: float = field(default_factory=time.time)
    expires_at: float | None = None
    revoked: bool = False
    seeded: bool = False
    _seed_expiry: float | None = field(default=None, repr=False)

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= time.time()

    @property
    def valid(self) -> bool:
        return not self.revoked and not self.expired

    def to_dict(self) -> dict[str, Any]:
        """Everything but the secret."""
        return {
            "id": self.id,
            "service": self.service,
            "kind": self.kind,
            "user": self.user,
            "name": self.name,
            "scopes": list(self.scopes),
            "hostname": self.hostname,
            "org": self.org,
            "created_at": iso(self.created_at),
            "expires_at": iso(self.expires_at),
            "revoked": self.revoked,
            "expired": self.expired,
            "seeded": self.seeded,
        }


def _new_secret(service: str, kind: str) -> str:
    """A secret in the real service's form: conda's `[A-Za-z0-9-]` for repository tokens
    (Server tokens are hex, anaconda.org's `xx-<uuid>`), a JWT for a Server login session."""
    if kind == "session":
        parts = (secrets.token_urlsafe(18), secrets.token_urlsafe(48), secrets.token_urlsafe(32))
        return "eyJ" + ".".join(parts)
    if service == "enterprise":
        return f"{secrets.token_hex(1)}-{uuid.uuid4()}"
    return secrets.token_hex(20)


class TokenBook:
    """Thread-safe store of every token the sandbox knows."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._by_token: dict[str, TokenRecord] = {}
        self._by_id: dict[str, TokenRecord] = {}

    def issue(
        self,
        service: str,
        kind: str,
        *,
        token: str | None = None,
        ttl: float | None = None,
        expires_at: float | None = None,
        seeded: bool = False,
        **fields: Any,
    ) -> TokenRecord:
        """Create a token record (a random secret unless `token` is given)."""
        if service not in SERVICES:
            raise ValueError(f"unknown service {service!r}")
        if ttl is not None:
            expires_at = time.time() + ttl
        with self._lock:
            secret = token or _new_secret(service, kind)
            if secret in self._by_token:
                raise ValueError("token already exists")
            record = TokenRecord(
                id=secrets.token_hex(8),
                service=service,
                kind=kind,
                token=secret,
                expires_at=expires_at,
                seeded=seeded,
                _seed_expiry=expires_at,
                **fields,
            )
            self._by_token[secret] = record
            self._by_id[record.id] = record
            return record

    def find(self, token_or_id: str | None) -> TokenRecord | None:
        """The record for a token value or a token id."""
        if not token_or_id:
            return None
        with self._lock:
            return self._by_token.get(token_or_id) or self._by_id.get(token_or_id)

    def valid(
        self, token: str | None, service: str, kinds: tuple[str, ...] | None = None
    ) -> TokenRecord | None:
        """The record if `token` (a value, never an id) is live for `service`."""
        if not token:
            return None
        with self._lock:
            record = self._by_token.get(token)
        if record is None or record.service != service or not record.valid:
            return None
        if kinds is not None and record.kind not in kinds:
            return None
        return record

    def revoke(self, token_or_id: str) -> TokenRecord:
        """Revoke a token (by value or id); KeyError if unknown."""
        record = self._require(token_or_id)
        record.revoked = True
        return record

    def expire(self, token_or_id: str) -> TokenRecord:
        """Make a token expired as of now; KeyError if unknown."""
        record = self._require(token_or_id)
        record.expires_at = time.time() - 1
        return record

    def select(self, service: str | None = None, kind: str | None = None) -> dict[str, TokenRecord]:
        """Records by id, optionally for one service and kind."""
        with self._lock:
            return {
                r.id: r
                for r in self._by_id.values()
                if (service is None or r.service == service) and (kind is None or r.kind == kind)
            }

    def reset(self) -> None:
        """Forget issued tokens; make seeded ones live again."""
        with self._lock:
            keep = [r for r in self._by_id.values() if r.seeded]
            self._by_token = {r.token: r for r in keep}
            self._by_id = {r.id: r for r in keep}
            for record in keep:
                record.revoked = False
                record.expires_at = record._seed_expiry

    def _require(self, token_or_id: str) -> TokenRecord:
        record = self.find(token_or_id)
        if record is None:
            raise KeyError("unknown token")
        return record
