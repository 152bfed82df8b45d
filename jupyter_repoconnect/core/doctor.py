"""The diagnosis behind "I am signed in but cannot interact with the repository"."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import (
    AuthenticationRefused,
    CorruptCondarc,
    FileProblem,
    NothingAnswers,
    RepoConnectError,
    ServiceTimeout,
    TLSFailure,
)
from .models import Checked, Diagnosis, Finding
from .services import registry

if TYPE_CHECKING:
    from .condarc import CondarcDocument
    from .connection import Connection
    from .parts import Parts
    from .services.base import RepositoryService, SignInMethod

MAX_CHANNEL_CHECKS = 20
TLS_HINT = "Set ssl_verify in .condarc to your company's CA bundle (a .pem file path)."
log = logging.getLogger(__name__)


def diagnose(parts: Parts, current: Connection | None) -> Diagnosis:
    """Every check in turn; an unexpected failure is itself a finding, never a crash."""
    findings: list[Finding] = []
    checked = (
        Checked(True, current.service, current.domain, current.username)
        if current is not None
        else Checked(False)
    )
    _guarded(findings, lambda: _diagnose(parts, current, findings))
    return Diagnosis(ok=all(f.ok for f in findings), findings=findings, checked=checked)


def diagnose_attempt(
    parts: Parts, service: RepositoryService, domain: str, method: SignInMethod
) -> Diagnosis:
    """The checks of a sign-in that was attempted (never its password): does anything answer
    at ``domain``, over a trusted connection, is it ``service``, does it offer ``method``."""
    findings: list[Finding] = []
    _guarded(findings, lambda: _diagnose_attempt(parts, service, domain, method, findings))
    return Diagnosis(
        ok=all(f.ok for f in findings),
        findings=findings,
        checked=Checked(False, service.id, domain, attempt=True),
    )


def _guarded(findings: list[Finding], run: Callable[[], None]) -> None:
    try:
        run()
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


def _diagnose_attempt(
    parts: Parts,
    service: RepositoryService,
    domain: str,
    method: SignInMethod,
    findings: list[Finding],
) -> None:
    title = service.short_title
    findings.append(Finding("attempt", True, f"The sign-in attempted: {title} at {domain}."))
    try:
        settings = parts.condarc.load().settings()
    except (CorruptCondarc, FileProblem) as exc:
        findings.append(
            Finding("condarc", False, exc.message, "Fix the file, then run the doctor again.")
        )
        settings = None  # conda's TLS and proxy settings from the other files
    client = parts.client(service, domain, settings)
    try:
        service.identify(client)
    except NothingAnswers:
        findings.append(
            Finding(
                "reachable",
                False,
                f"Nothing answers at {domain}: the connection was refused or the host is unknown.",
                "Check the domain (its host name and port) and that the server is running; "
                "behind a proxy, set proxy_servers in .condarc.",
            )
        )
        return
    except TLSFailure as exc:
        findings.append(Finding("reachable", True, f"{domain} answers."))
        findings.append(Finding("tls", False, exc.message, TLS_HINT))
        return
    except ServiceTimeout as exc:
        findings.append(
            Finding("reachable", False, exc.message, "Check your network or proxy_servers.")
        )
        return
    except RepoConnectError as exc:
        findings.append(Finding("reachable", True, f"{domain} answers."))
        findings.append(
            Finding(
                "service",
                False,
                f"This is not an {title}: {exc.message}",
                f"Check the domain: it is the address of the {title} you sign in to "
                f"({service.domain_label or 'its domain'}).",
            )
        )
        return
    secure = " over a trusted secure connection" if domain.startswith("https://") else ""
    findings.append(Finding("reachable", True, f"{domain} answers{secure}."))
    findings.append(Finding("service", True, f"{domain} answers as {title}."))
    try:
        refused = service.method_offered(client, method)
    except RepoConnectError as exc:
        findings.append(Finding("method", False, exc.message))
        return
    if refused:
        others = [m.submit for m in service.sign_in_methods if m.id != method.id]
        hint = f"Sign in with {' or '.join(others)} instead." if others else None
        findings.append(Finding("method", False, refused, hint))
        return
    findings.append(
        Finding("method", True, f"{title} at {domain} offers this sign-in ({method.submit}).")
    )
    what = " and ".join(f.label for f in method.fields) or "sign-in"
    were, them = ("were", "them") if len(method.fields) > 1 else ("was", "it")
    findings.append(
        Finding(
            "credentials",
            True,
            f"Everything the sign-in needs from {domain} is in order, so a refused sign-in "
            f"means the {what} {were} not accepted: type {them} again (the doctor never sees "
            f"{them}).",
        )
    )


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
        if stray := _stray_alias(doc):
            findings.append(stray)
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


def _stray_alias(doc: CondarcDocument) -> Finding | None:
    """A ``channel_alias`` of a repository sign-in while none is active (left, e.g., by a
    command-line sign-out): conda still looks every channel name up there."""
    from .condarc import mask_token

    alias = str(doc.get_scalar("channel_alias") or "").rstrip("/")
    if not alias:
        return None
    probe = "https://host"
    for service in registry.all_services():
        written = service.channel_alias(probe)
        suffix = written[len(probe) :] if written and written.startswith(probe) else ""
        if suffix and alias.endswith(suffix):
            return Finding(
                "channel_alias",
                False,
                f"channel_alias in .condarc is {mask_token(alias)}, left from a sign-in to "
                f"{service.short_title} that no longer exists: conda looks every channel name "
                "up there instead of conda.anaconda.org.",
                "Remove channel_alias from .condarc (conda config --remove-key channel_alias), "
                "or sign in again.",
            )
    return None


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
    if alias is None and (stray := _stray_alias(doc)):
        found.append(stray)
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
        findings.append(Finding("tls", False, exc.message, TLS_HINT))
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
