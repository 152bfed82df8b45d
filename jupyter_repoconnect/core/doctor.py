"""The diagnosis behind "I am signed in but cannot interact with the repository"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import (
    AuthenticationRefused,
    CorruptCondarc,
    RepoConnectError,
    ServiceTimeout,
    TLSFailure,
)
from .models import SERVICE_TITLES, Diagnosis, Finding
from .tokens import TokenStore

if TYPE_CHECKING:
    from .connector import Connector

MAX_CHANNEL_CHECKS = 20


def diagnose(connector: Connector) -> Diagnosis:
    findings: list[Finding] = []
    try:
        doc = connector.condarc.load()
        findings.append(Finding("condarc", True, f"{doc.path} is readable."))
    except CorruptCondarc as exc:
        findings.append(
            Finding("condarc", False, exc.message, "Fix the file, then run the doctor again.")
        )
        return Diagnosis(ok=False, findings=findings)

    state = connector.state_store.load()
    current = connector.current_connection(state, TokenStore())
    if current is None:
        if state.service:
            findings.append(
                Finding(
                    "token",
                    False,
                    "The recorded sign-in has no token on this machine any more.",
                    "Sign out, then sign in again.",
                )
            )
        else:
            findings.append(
                Finding(
                    "connection",
                    False,
                    "Not signed in to any repository service.",
                    "Sign in to Anaconda Professional, Anaconda Server or Enterprise 4 Repository.",
                )
            )
        return Diagnosis(ok=False, findings=findings)
    findings.append(
        Finding(
            "connection",
            True,
            f"Signed in to {SERVICE_TITLES[current.service]} at {current.domain}"
            + (" (from a command line)." if current.source == "cli" else "."),
        )
    )
    if doc.data.get("add_anaconda_token") is False:
        findings.append(
            Finding(
                "add_anaconda_token",
                False,
                "add_anaconda_token is false in .condarc, so conda does not send your token.",
                "Remove add_anaconda_token from .condarc or set it to true.",
            )
        )

    client = connector.service_client(current.service, current.domain, doc.data)
    try:
        if current.service == "cloud":
            client.validate(current.token)
        else:
            client.whoami(current.token)
        findings.append(Finding("token", True, "The repository accepts your token."))
    except AuthenticationRefused:
        findings.append(
            Finding(
                "token",
                False,
                "The repository refused your token: it has expired or was revoked.",
                "Sign out, then sign in again to get a new token.",
            )
        )
        return Diagnosis(ok=False, findings=findings)
    except TLSFailure as exc:
        findings.append(
            Finding(
                "tls",
                False,
                exc.message,
                "Set ssl_verify in .condarc to your company's CA bundle (a .pem file path).",
            )
        )
        return Diagnosis(ok=False, findings=findings)
    except ServiceTimeout as exc:
        findings.append(
            Finding("reachable", False, exc.message, "Check your network or proxy_servers.")
        )
        return Diagnosis(ok=False, findings=findings)
    except RepoConnectError as exc:
        hint = "Check the domain in Preferences: it should be the repository's API URL."
        if exc.code not in ("wrong_domain", "bad_response"):
            hint = "Check the domain, your network and proxy_servers in .condarc."
        findings.append(Finding("reachable", False, exc.message, hint))
        return Diagnosis(ok=False, findings=findings)

    findings.extend(_channel_findings(client, current, doc))
    return Diagnosis(ok=all(f.ok for f in findings), findings=findings)


def _channel_findings(client: object, current: object, doc: object) -> list[Finding]:
    from .condarc import mask_token

    domain = getattr(current, "domain", "")
    token = getattr(current, "token", None)
    lists = (doc.get_list("channels") or []) + (doc.get_list("default_channels") or [])  # type: ignore[attr-defined]
    urls = [u for u in dict.fromkeys(lists) if "://" in u and _same_host(u, domain)]
    found: list[Finding] = []
    for url in urls[:MAX_CHANNEL_CHECKS]:
        try:
            code = client.channel_reachable(url, token)  # type: ignore[attr-defined]
        except RepoConnectError as exc:
            found.append(Finding("channel", False, f"{mask_token(url)}: {exc.message}"))
            continue
        if code == 200:
            found.append(Finding("channel", True, f"{mask_token(url)} is reachable."))
        else:
            found.append(
                Finding(
                    "channel",
                    False,
                    f"{mask_token(url)} is unreachable (HTTP {code}).",
                    "Remove it in Configure Conda or ask your administrator for access.",
                )
            )
    return found


def _same_host(url: str, domain: str) -> bool:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc == urlsplit(domain).netloc
