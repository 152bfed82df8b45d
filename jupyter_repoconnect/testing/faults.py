"""Fault injection: latency, error statuses, HTML, garbage JSON, dropped connections, and a
hostile server's malformed token (``token``: the next answer that issues a token carries the
fault's value instead; the token it stands for is created all the same, so a client that
refuses it must revoke it)."""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass
from typing import Any

from .records import SERVICES
from .wire import Response, html_response

FAULT_KINDS = ("latency", "status", "html", "garbage", "drop", "token", "late")
# "late": the request is carried out (a token created...), then its answer held `value` seconds:
# a server or proxy that stalls on the way back, so a client that gives up (a timeout, a
# Cancel) never learns what the server made. `path` (a part of the request path) picks the
# requests a fault applies to.
MAX_TOKEN_VALUE = 1024 * 1024  # a "token" fault's text: enough for a 100 KB token
HOSTS = (*SERVICES, "oidc", "account")  # oidc: the Server's sign-on provider; account: anaconda.com
_DEFAULTS: dict[str, Any] = {"latency": 1.0, "status": 503}
_REASONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
}  # fmt: skip
_ids = itertools.count(1)


@dataclass
class Fault:
    """One injected fault; `times` None means until cleared."""

    id: int
    kind: str
    service: str | None
    value: Any
    times: int | None
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "service": self.service,
            "value": self.value,
            "times": self.times,
            "path": self.path,
        }


def make_fault(
    kind: str,
    service: str | None = None,
    value: Any = None,
    times: int | None = None,
    path: str | None = None,
) -> Fault:
    """Validate and build a fault; ValueError on nonsense."""
    if kind not in FAULT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
    if service is not None and service not in HOSTS:
        raise ValueError(f"service must be one of {', '.join(HOSTS)} or null")
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise ValueError("times must be a positive integer or null")
    if path is not None and (not isinstance(path, str) or not path or len(path) > 200):
        raise ValueError("path must be a part of a request path (1-200 characters) or null")
    if value is None:
        value = _DEFAULTS.get(kind, _DEFAULTS["latency"] if kind == "late" else None)
    if kind in ("latency", "late"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError("latency value must be a number of seconds >= 0")
        value = float(value)
    elif kind == "token":
        # text: the token (or API key) itself; an object: those fields of the answer instead
        fields = value if isinstance(value, dict) else {"": value}
        if not fields or any(
            not isinstance(k, str) or not isinstance(v, str) or len(v) > MAX_TOKEN_VALUE
            for k, v in fields.items()
        ):
            raise ValueError(
                f"token value must be text of at most {MAX_TOKEN_VALUE} characters, or an "
                "object of such texts by field name"
            )
    elif kind == "status" and (
        isinstance(value, bool) or not isinstance(value, int) or not 300 <= value <= 599
    ):
        raise ValueError("status value must be an HTTP status code from 300 to 599")
    return Fault(next(_ids), kind, service, value, times, path)


class FaultBoard:
    """The active faults; `take` consumes the ones that apply to a request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def list(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, service: str, path: str = "") -> tuple[float, Fault | None]:
        """(total latency, first other fault) for one request to `service` at `path`."""
        delay = 0.0
        chosen: Fault | None = None
        with self._lock:
            for fault in list(self._faults):
                if fault.service not in (None, service) or fault.kind in ("token", "late"):
                    continue
                if fault.path is not None and fault.path not in path:
                    continue
                if fault.kind == "latency":
                    delay += fault.value
                elif chosen is None:
                    chosen = fault
                else:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
        return delay, chosen

    def take_late(self, service: str, path: str) -> float:
        """Seconds to hold the answer of a request already carried out (``late`` faults)."""
        delay = 0.0
        with self._lock:
            for fault in list(self._faults):
                if fault.kind != "late" or fault.service not in (None, service):
                    continue
                if fault.path is not None and fault.path not in path:
                    continue
                delay += fault.value
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
        return delay

    def take_token(self, service: str) -> str | dict[str, str] | None:
        """The text a ``token`` fault puts in place of the token an answer issues, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.kind == "token" and fault.service in (None, service):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    value: str | dict[str, str] = fault.value
                    return value
        return None


def swap_token(response: Response, value: str | dict[str, str]) -> Response:
    """``response`` with its JSON ``token`` (or ``api_key``) replaced by ``value`` (text), or
    with the fields ``value`` names (an object) replaced by its texts."""
    import json

    data = json.loads(response.body)
    if isinstance(value, dict):
        data.update(value)
    else:
        for key in ("token", "api_key"):
            if key in data:
                data[key] = value
    body = json.dumps(data).encode("utf-8")
    return Response(response.status, body, response.content_type, dict(response.headers))


# The endpoints that issue a repository token or API key (protocols.md): the Server's token
# creation, Enterprise 4's login, anaconda.com's organisation token and API key. (A Server
# login's JWT is a session, not a token conda stores.)
ISSUING = re.compile(r"(/account/tokens|/authentications|/current-token|/api-keys)/?$")


def issues_token(path: str, response: Response) -> bool:
    """Whether an answer hands out a token: a 2xx JSON ``token`` or ``api_key`` from one of
    the ``ISSUING`` endpoints."""
    if not ISSUING.search(path) or not 200 <= response.status < 300:
        return False
    if "json" not in response.content_type:
        return False
    return b'"token"' in response.body or b'"api_key"' in response.body


def fault_response(fault: Fault) -> Response:
    """The broken answer a fault stands for."""
    if fault.kind == "drop":
        return Response(0, drop=True)
    if fault.kind == "garbage":
        return Response(200, b'\xff\xfe{"items": [unterminated \x00\x9c', "application/json")
    if fault.kind == "html":
        return html_response(200, "Sign in", "Please sign in through your organisation's portal.")
    code = int(fault.value)
    return html_response(code, f"{code} {_REASONS.get(code, 'Error')}", "nginx")
