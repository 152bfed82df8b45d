"""``jupyter repoconnect account ...``: the Anaconda Cloud account (anaconda.com).

login (device code, or an API key from stdin/env), status, orgs, token install [ORG],
token remove, logout. Only argparse loads at import; the core loads when a command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .context import PROG, UsageError

if TYPE_CHECKING:
    from ..core.account import Account, AccountStatus


def add_parser(
    add: Callable[..., argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``account`` and its actions (``add`` makes a subcommand with the settings)."""
    p = add(
        "account",
        "your Anaconda Cloud account (anaconda.com): sign in, install your organisation's token",
    )
    sub = p.add_subparsers(dest="account_command", metavar="ACTION", required=True)

    def act(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name, help=help, description=help, parents=[common], allow_abbrev=False
        )

    a = act(
        "login",
        "sign in: open the link shown (on any device), enter the code and approve; or give "
        "an API key made on anaconda.com",
    )
    key = a.add_mutually_exclusive_group()
    key.add_argument("--api-key-stdin", action="store_true", help="read an API key from stdin")
    key.add_argument("--api-key-env", metavar="VAR", help="read an API key from $VAR")
    a = act("status", "show the account sign-in (also one made with the anaconda CLI)")
    a.add_argument("--json", action="store_true", help="print one JSON object")
    a = act("orgs", "list your organisations and their repository token's expiry")
    a.add_argument("--json", action="store_true", help="print one JSON object")
    a = act("token", "install or remove your organisation's repository token")
    tsub = a.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    t = tsub.add_parser(
        "install",
        help="issue the organisation's token and connect conda to its repository",
        description="Issue the organisation's repository token and connect conda to the "
        "Cloud repository with it. If the organisation already has a token, the new one "
        "REVOKES it (asked first; --yes answers for you).",
        parents=[common],
        allow_abbrev=False,
    )
    t.add_argument("org", nargs="?", metavar="ORG", help="organisation name (see `account orgs`)")
    t.add_argument("--yes", action="store_true", help="confirm revoking the current token")
    t = tsub.add_parser(
        "remove",
        help="remove the installed token and restore .condarc (the Cloud repository's sign-out)",
        parents=[common],
        allow_abbrev=False,
    )
    t.add_argument("org", nargs="?", metavar="ORG", help="organisation name, as for install")
    act("logout", "sign out of the account (installed repository tokens stay)")


def _account(args: argparse.Namespace) -> Account:
    from ..core.account import Account
    from .context import connector_from

    return Account(connector_from(args))


def _tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def cmd_account(args: argparse.Namespace) -> int:
    action = args.account_command
    if action == "token":
        action = f"token_{args.token_command}"
    return int(_ACTIONS[action](args))


def _status(args: argparse.Namespace) -> int:
    st = _account(args).status()
    if args.json:
        from .output import print_json

        print_json(st.to_dict())
    else:
        _print_status(st)
    return 0


def _print_status(st: AccountStatus) -> None:
    from ..text.account import status_text

    print(status_text(st))


def _login(args: argparse.Namespace) -> int:
    account = _account(args)
    if args.api_key_stdin or args.api_key_env:
        if args.api_key_env:
            if args.api_key_env not in os.environ:
                raise UsageError(f"environment variable {args.api_key_env} is not set")
            secret = os.environ[args.api_key_env]
        else:
            try:
                secret = sys.stdin.readline().rstrip("\r\n") if sys.stdin else ""
            except UnicodeDecodeError:
                raise UsageError("--api-key-stdin: the key read from stdin is not UTF-8") from None
        st = account.sign_in_with_api_key(secret)
        del secret
    else:
        from ..text.account import wait_for_device_login

        result = wait_for_device_login(account, lambda text: print(text, flush=True), "Ctrl-C")
        if result is None:
            print("Cancelled.", file=sys.stderr)
            return 1
        st = result
    from ..text.account import signed_in_text

    print(signed_in_text(st, f"{PROG} account token install"))
    return 0


def _orgs(args: argparse.Namespace) -> int:
    orgs = _account(args).organizations()
    if args.json:
        from .output import print_json

        print_json([o.to_dict() for o in orgs])
        return 0
    from ..text.account import orgs_text

    print(orgs_text(orgs))
    return 0


def _token_install(args: argparse.Namespace) -> int:
    from ..core.errors import Code, RepoConnectError

    account = _account(args)
    org = args.org
    if not org:
        choices = [o for o in account.organizations() if o.business]
        if len(choices) == 1:
            org = choices[0].name
        elif not choices:
            raise UsageError("none of your organisations has a repository subscription")
        else:
            names = ", ".join(o.name for o in choices)
            raise UsageError(f"choose the organisation: {PROG} account token install ORG ({names})")
    try:
        done = account.install_token(org, confirm_reissue=args.yes)
    except RepoConnectError as exc:
        if exc.code != Code.CONFIRM_REISSUE or not _tty():
            raise  # the error line adds "Add --yes to reissue it."
        answer = input(f"{exc.message} Reissue? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing changed: the current token stays.")
            return 1
        done = account.install_token(org, confirm_reissue=True)
    from ..text.account import installed_text
    from .output import print_signed_in

    print(installed_text(done))

    print_signed_in(done.status)
    return 0


def _token_remove(args: argparse.Namespace) -> int:
    from ..text.account import REMOVED
    from ..text.render import inert, inert_lines

    account = _account(args)
    if args.org:  # taken as `install` takes it; it must name the token installed here
        installed = account.status().installed_orgs
        if args.org not in installed:
            have = ", ".join(inert(o) for o in installed) or "none recorded"
            raise UsageError(
                f"no repository token of {inert(args.org)} is installed here "
                f"(installed: {have}); nothing was changed"
            )
    st = account.remove_token()
    print(f"{REMOVED} ({st.condarc_path})")
    for warning in st.warnings:
        print(f"Warning: {inert_lines(warning)}")
    return 0


def _logout(args: argparse.Namespace) -> int:
    from ..text.account import signed_out_text

    st = _account(args).sign_out()
    print(signed_out_text(st, f"{PROG} account token remove"))
    return 0


_ACTIONS: dict[str, Callable[[argparse.Namespace], Any]] = {
    "login": _login,
    "status": _status,
    "orgs": _orgs,
    "token_install": _token_install,
    "token_remove": _token_remove,
    "logout": _logout,
}
