"""The Anaconda Cloud account (anaconda.com) on both text surfaces: ``jupyter repoconnect
account …`` and ``%repo_connect cloud-account …`` say the same things through these functions
and wait for a device sign-in the same way. Organisation names and titles come from the
account's server, so they go through :func:`~.render.inert`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..core.dates import human_date
from .render import changes_lines, inert, inert_lines

if TYPE_CHECKING:
    from ..core.account import Account, AccountStatus, DeviceLogin, Organization, TokenInstall


def status_text(st: AccountStatus) -> str:
    """The account sign-in: who, the API key's expiry, installed tokens, where it is kept."""
    if not st.allowed:
        return inert_lines(st.message or "")
    lines = []
    if st.signed_in:
        who = f" as {inert(st.username)}" if st.username else ""
        lines.append(f"Signed in to your Anaconda Cloud account{who} ({inert(st.domain)}).")
        if st.managed:
            lines.append("  managed by the administrator (ANACONDA_AUTH_API_KEY)")
        if st.expires_at:
            expired = " (expired)" if st.expired else ""
            lines.append(f"  API key expires: {inert(human_date(st.expires_at))}{expired}")
    else:
        lines.append(f"Not signed in to an Anaconda Cloud account ({inert(st.domain)}).")
    if st.installed_orgs:
        names = ", ".join(inert(o) for o in st.installed_orgs)
        lines.append(f"  repository token installed for: {names}")
    if st.keyring:
        lines.append(f"  stored in: {inert(st.keyring)} (shared with the anaconda command line)")
    if st.message:
        lines.append(inert_lines(st.message))
    return "\n".join(lines)


def signed_in_text(st: AccountStatus, install: str) -> str:
    """After a sign-in; ``install`` is the surface's command that installs a token."""
    who = f" as {inert(st.username)}" if st.username else ""
    return (
        f"Signed in to your Anaconda Cloud account{who}.\n"
        f"Install your organisation's token with: {install}"
    )


def device_login_text(login: DeviceLogin, how_to_cancel: str) -> str:
    """What the person does while a device sign-in waits."""
    from ..core.links import link_host

    return (
        f"Open {inert(login.verification_uri_complete)}\n"
        f"(a page of {inert(link_host(login.verification_uri_complete))}; on any device: or "
        f"open {inert(login.verification_uri)} and enter the code "
        f"{inert(login.user_code)}), then approve.\n"
        f"Waiting for approval ({how_to_cancel} to cancel)..."
    )


def wait_for_device_login(
    account: Account, say: Callable[[str], None], how_to_cancel: str
) -> AccountStatus | None:
    """Start a device sign-in, say what to do, wait; None when it was cancelled."""
    login = account.begin_login()
    say(device_login_text(login, how_to_cancel))
    try:
        return account.wait_login(login.login_id)
    finally:
        account.cancel_login(login.login_id)


def orgs_text(orgs: list[Organization]) -> str:
    """One line per organisation with its repository token's state."""
    if not orgs:
        return "Your account belongs to no organisation."
    lines = []
    for org in orgs:
        if not org.business:
            token = "starter subscription: no repository token"
        elif org.token_expires_at:
            token = f"token expires {inert(human_date(org.token_expires_at))}"
        else:
            token = "no token yet"
        mark = " (installed here)" if org.installed else ""
        lines.append(f"  {inert(org.name)}  {inert(org.title)}  [{token}]{mark}")
    return "\n".join(lines)


def installed_text(done: TokenInstall) -> str:
    revoked = " Its previous token is revoked." if done.revoked_previous else ""
    expires = inert(human_date(done.expires_at))
    said = f"Installed {inert(done.org)}'s token (expires {expires}).{revoked}"
    return "\n".join([said, *changes_lines(done.status)])  # what it changed in .condarc


REMOVED = "Token removed; .condarc restored."


def signed_out_text(st: AccountStatus, remove: str) -> str:
    """After the account's sign-out; ``remove`` is the surface's command that removes a token."""
    text = "Signed out of your Anaconda Cloud account."
    if st.installed_orgs:
        names = ", ".join(inert(o) for o in st.installed_orgs)
        text += f"\nThe repository token of {names} stays installed (remove it with: {remove})."
    return text
