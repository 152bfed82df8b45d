"""The diagnosis behind "I am signed in but cannot interact with the repository"."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .errors import (
    AuthenticationRefused,
    CorruptCondarc,
    FileProblem,
    RepoConnectError,
    ServiceTimeout,
    TLSFailure,
)
from .models import Diagnosis, Finding
from .services import registry

if TYPE_CHECKING:
    from .condarc import CondarcDocument
    from .connection import Connection
    from .parts import Parts
    from .services.base import RepositoryService

MAX_CHANNEL_CHECKS = 20
log = logging.getLogger(__name__)


def diagnose(parts: Parts, current: Connection | None) -> Diagnosis:
    """Every check in turn; an unexpected failure is itself a finding, never a crash."""
    findings: list[Finding] = []
    try:
        _diagnose(parts, current, findings)
    except Exception as exc:  # the doctor must answer even when something else is broken
        log.debug("doctor failed", exc_info=True)
        findings.append(
            Finding(
                "internal",
                False,
                f"The doctor itself failed ({type(exc).__name__}); the checks above are "
                "complete, the rest did not run.",
                "Run 'jupyter repoconnect doctor' in a terminal and report the output.",
            )
        )
    return Diagnosis(ok=all(f.ok for f in findings), findings=findings)


def _diagnose(parts: Parts, current: Connection | None, findings: list[Finding]) -> None:
    from .conda_config import conda_would_load
    from .conda_rules import ignored_condarc_message

    try:
        doc = parts.condarc.load()
        findings.append(Finding("condarc", True, f"{doc.path} is readable."))
    except (CorruptCondarc, FileProblem) as exc:
        findings.append(
            Finding("condarc", False, exc.message, "Fix the file, then run the doctor again.")
        )
        return
    if not conda_would_load(doc.path):
        findings.append(
            Finding(
                "condarc",
                False,
                ignored_condarc_message(doc.path),
                "Rename the file to .condarc (or *.yaml) and set CONDARC to the new name.",
            )
        )

    if current is None:
        if parts.store.load().service:
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
                    "Sign in to "
                    + " or ".join(s.short_title for s in registry.all_services())
                    + ".",
                )
            )
        return
    service = registry.get(current.service)
    findings.append(
        Finding(
            "connection",
            True,
            f"Signed in to {service.title} at {current.domain}"
            + (" (from a command line)." if current.source == "cli" else "."),
        )
    )
    findings.extend(_configuration_findings(doc, service, service.channel_alias(current.domain)))

    client = parts.client(service, current.domain, doc.settings())
    if not _token_works(service, client, current, findings):
        return
    findings.extend(_channel_findings(parts, client, current, doc))
    # other package managers (core/sinks/), each asked for a channel the way it asks
    from .conda_tokens import channel_url, configured_entries

    urls = [channel_url(e, doc.settings())[0] for e in configured_entries(doc.settings())]
    grant = service.grant(current.domain, current.token)
    for sink in parts.sinks:
        if (finding := sink.check(grant, client.caller, urls)) is not None:
            findings.append(finding)


def _configuration_findings(
    doc: CondarcDocument, service: RepositoryService, alias: str | None
) -> list[Finding]:
    """What in ``.condarc`` stops conda from using the connection, without a request."""
    found: list[Finding] = []
    if doc.get_scalar("add_anaconda_token") is False:
        found.append(
            Finding(
                "add_anaconda_token",
                False,
                "add_anaconda_token is false in .condarc, so conda does not send your token.",
                "Remove add_anaconda_token from .condarc or set it to true.",
            )
        )
    if alias and str(doc.get_scalar("channel_alias") or "").rstrip("/") != alias:
        found.append(
            Finding(
                "channel_alias",
                False,
                f"channel_alias in .condarc is not {alias}, so conda looks for channel names "
                "elsewhere and does not put your token where the repository expects it.",
                f"Set channel_alias: {alias} (signing out and in again writes it).",
            )
        )
    channels = doc.get_list("channels")
    if doc.get_list("default_channels") and channels is not None and "defaults" not in channels:
        found.append(
            Finding(
                "defaults",
                False,
                "default_channels is set, but 'defaults' is not in channels, so conda (25.3 "
                "and later) never searches them.",
                "Add 'defaults' to channels in Configure Conda.",
            )
        )
    writes_no_channels = service.capabilities.names_resolve_under_alias  # `channels: []`
    if writes_no_channels and not channels and not doc.get_list("default_channels"):
        found.append(
            Finding(
                "channels",
                False,
                "No channels are configured, so conda has nowhere to install from.",
                "Add channels (Configure Conda, or pick them from the server's list).",
            )
        )
    return found


def _token_works(
    service: RepositoryService, client: Any, current: Connection, findings: list[Finding]
) -> bool:
    try:
        service.check_token(client, current.token)
        findings.append(Finding("token", True, "The repository accepts your token."))
        return True
    except AuthenticationRefused:
        findings.append(
            Finding(
                "token",
                False,
                "The repository refused your token: it has expired or was revoked.",
                "Renew the sign-in (sign in again; your channels stay as they are), or sign "
                "out and sign in again.",
            )
        )
    except TLSFailure as exc:
        findings.append(
            Finding(
                "tls",
                False,
                exc.message,
                "Set ssl_verify in .condarc to your company's CA bundle (a .pem file path).",
            )
        )
    except ServiceTimeout as exc:
        findings.append(
            Finding("reachable", False, exc.message, "Check your network or proxy_servers.")
        )
    except RepoConnectError as exc:
        hint = "Check the domain in Preferences: it should be the repository's API URL."
        if exc.code not in ("wrong_domain", "bad_response"):
            hint = "Check the domain, your network and proxy_servers in .condarc."
        findings.append(Finding("reachable", False, exc.message, hint))
    return False


def _channel_findings(
    parts: Parts, client: Any, current: Connection, doc: CondarcDocument
) -> list[Finding]:
    """Each configured channel of the connected repository, asked for the way conda will
    ask (conda_tokens.py): a token conda would put where the repository does not take it,
    or not send at all, is found here with the fix."""
    from urllib.parse import urlsplit

    from . import conda_tokens
    from .condarc import mask_token
    from .services import peek

    settings = doc.settings()
    stored = {t.url: value for t in parts.tokens.list() if (value := parts.tokens.get(t.url))}
    hosts = {urlsplit(client.channel_url("x")).netloc, urlsplit(current.domain).netloc}
    found: list[Finding] = []
    subchannels = _SubChannels(registry.get(current.service), client, current.token)
    checked = 0
    for entry in conda_tokens.configured_entries(settings):
        if checked >= MAX_CHANNEL_CHECKS:
            break
        asked = conda_tokens.request(entry, settings, stored)
        if urlsplit(asked.url).netloc not in hosts:
            continue
        checked += 1
        shown = mask_token(entry)
        try:
            code = peek(client.caller, (asked.token_url or asked.url) + "/noarch/repodata.json")
            if code in (200, 206):
                found.append(Finding("channel", True, f"{shown} is reachable."))
                continue
            ours = client.channel_reachable(asked.url, current.token)
        except RepoConnectError as exc:
            found.append(Finding("channel", False, f"{shown}: {exc.message}"))
            continue
        finding = _misplaced(shown, asked, code, ours in (200, 206), client)
        if finding.check == "channel" and (full := subchannels.named(entry)):
            finding = _bare_subchannel(shown, code, full)
        found.append(finding)
    return found


class _SubChannels:
    """The repository's sub-channels by their own name (``stable`` → ``internal-tools/stable``),
    read once and only when a channel is unreachable: before sub-channels were written by
    their full name, a picked ``internal-tools/stable`` was written as ``stable``."""

    def __init__(self, service: RepositoryService, client: Any, token: str) -> None:
        self._service, self._client, self._token = service, client, token
        self._by_name: dict[str, list[str]] | None = None

    def named(self, entry: str) -> list[str]:
        if "/" in entry or ":" in entry or not self._service.capabilities.lists_channels:
            return []
        if self._by_name is None:
            self._by_name = {}
            try:
                listing = self._service.list_channels(self._client, self._token, False)
            except RepoConnectError:
                return []  # the channel finding stands as it is
            for full in listing.names():
                parent, _, sub = full.rpartition("/")
                if parent:
                    self._by_name.setdefault(sub, []).append(full)
        return self._by_name.get(entry.lower(), [])


def _bare_subchannel(shown: str, code: int, full: list[str]) -> Finding:
    names = " or ".join(full[:3]) + (" …" if len(full) > 3 else "")
    which = full[0] if len(full) == 1 else f"the one you meant ({names})"
    return Finding(
        "channel",
        False,
        f"{shown} is unreachable (HTTP {code}): the repository has no channel of that name, "
        f"but a sub-channel {names}, which conda knows only by its full name.",
        f"Replace {shown} by {which} in Configure Conda.",
    )


def _misplaced(shown: str, asked: Any, code: int, ours_works: bool, client: Any) -> Finding:
    """Why conda cannot read a channel that the repository serves (or does not)."""
    if not ours_works:
        return Finding(
            "channel",
            False,
            f"{shown} is unreachable (HTTP {code}).",
            "Remove it in Configure Conda or ask your administrator for access.",
        )
    if asked.token_url is None:
        return Finding(
            "channel_token",
            False,
            f"conda sends no token for {shown} ({asked.url}): no stored token's URL is a "
            f"prefix of it, so the repository refuses it (HTTP {code}).",
            f"Write the channel as {client.channel_url('<name>')} (or by name under the "
            "channel_alias the sign-in wrote), with the address you signed in with.",
        )
    hint = "Remove the channel and add it again by name in Configure Conda."
    if asked.why.startswith("custom_channels"):
        name = asked.why.split("'")[1]
        hint = f"Remove the custom_channels entry '{name}' from .condarc: conda then uses the "
        hint += "location the sign-in set up."
    elif asked.why.startswith("the host"):
        hint = "Add it by name (it resolves under channel_alias), or sign out and in again to "
        hint += "write channel_alias."
    return Finding(
        "channel_token",
        False,
        f"conda puts your token right after {asked.location} for {shown} (chosen by "
        f"{asked.why}), where the repository does not accept it (HTTP {code}).",
        hint,
    )
