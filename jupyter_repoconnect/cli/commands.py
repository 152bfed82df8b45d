"""The subcommands: each turns its arguments into one Connector call and returns the exit code.

The core loads inside the commands, never at import, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from .account import cmd_account
from .output import (
    print_available,
    print_diagnosis,
    print_json,
    print_lists,
    print_signed_in,
    print_status,
    service_title,
)
from .parser import DOMAIN_SERVICES, DOMAIN_TITLES, PROG, UsageError

if TYPE_CHECKING:
    from ..core import CondarcChannels, Connector, RepoConnectSettings

# The package above this one, whose optional ``config_files`` module may be missing.
_PARENT = (__package__ or "").rpartition(".")[0]


# --- helpers --------------------------------------------------------------------------


def _settings(args: argparse.Namespace) -> RepoConnectSettings:
    """Settings from the Jupyter config files with the command-line overrides on top."""
    try:
        from ..config_files import load_settings
    except ModuleNotFoundError as exc:
        if exc.name != f"{_PARENT}.config_files":
            raise
        from ..core import RepoConnectSettings

        settings = RepoConnectSettings()
    else:
        settings = load_settings()
    if getattr(args, "condarc", None):
        settings.condarc_path = os.path.abspath(os.path.expanduser(args.condarc))
    if getattr(args, "timeout", None):
        settings.timeout = args.timeout
    if getattr(args, "no_ssl_verify", False) and getattr(args, "command", None) != "login":
        settings.ssl_verify = False  # at login it means "trust this server" (_confirm_trust)
    if getattr(args, "ca_bundle", None):
        settings.ssl_verify = os.path.abspath(os.path.expanduser(args.ca_bundle))
    return settings


def _connector(args: argparse.Namespace) -> Connector:
    from ..core import Connector

    return Connector(_settings(args))


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _read_stdin_line(what: str) -> str:
    if sys.stdin is None:
        raise UsageError(f"--{what}-stdin given but there is no stdin")
    try:
        line = sys.stdin.readline()
    except UnicodeDecodeError:
        raise UsageError(f"--{what}-stdin: the {what} read from stdin is not UTF-8 text") from None
    return line.rstrip("\r\n")


# --- commands -------------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    st = _connector(args).status()
    if args.json:
        print_json(st.to_dict())
    else:
        print_status(st)
    return 0


def _secret_kind(args: argparse.Namespace, service: str) -> str:
    """The secret ``service`` takes: "token" or "password" (the other kind is bad usage)."""
    kind = "token" if service == "cloud" else "password"
    other = "password" if kind == "token" else "token"
    if getattr(args, f"{other}_stdin") or getattr(args, f"{other}_env"):
        how = "an organisation token" if kind == "token" else "a username and password"
        raise UsageError(
            f"{service} signs in with {how}: use --{kind}-stdin or --{kind}-env VAR "
            f"instead of --{other}-stdin/--{other}-env"
        )
    return kind


def _login_secret(args: argparse.Namespace, service: str) -> tuple[str, str]:
    """(kind, value) where kind is "token" for cloud and "password" otherwise."""
    kind = _secret_kind(args, service)
    if getattr(args, f"{kind}_stdin"):
        return kind, _read_stdin_line(kind)
    var = getattr(args, f"{kind}_env")
    if var:
        if var not in os.environ:
            raise UsageError(f"environment variable {var} (from --{kind}-env) is not set")
        return kind, os.environ[var]
    if not _stdin_is_tty():
        raise UsageError(
            f"no {kind} given and stdin is not a terminal to prompt for it: "
            f"use --{kind}-stdin or --{kind}-env VAR"
        )
    import getpass

    return kind, getpass.getpass("Token: " if kind == "token" else "Password: ")


def cmd_login(args: argparse.Namespace) -> int:
    service = args.service
    _secret_kind(args, service)
    connector = _connector(args)
    domain = args.domain
    username = args.username
    if service == "cloud":
        if domain or username:
            raise UsageError(
                "cloud signs in with an organisation token only; --domain and --username "
                "do not apply (the repository URL comes from the settings)"
            )
    else:
        if domain is None:
            prefs = connector.preferences()
            known = prefs.server_domain if service == "server" else prefs.enterprise_domain
            if not known:
                if not _stdin_is_tty() or args.password_stdin:
                    raise UsageError(
                        f"no {DOMAIN_TITLES[service]} is set: pass --domain URL, or first run "
                        f"`{PROG} domain {service} URL` (Set Domain)"
                    )
                domain = input(f"{DOMAIN_TITLES[service]} (e.g. https://repo.example.com): ")
        if not username:
            if not _stdin_is_tty() or args.password_stdin:
                raise UsageError(f"{service} needs --username U")
            username = input("Username: ")
    trust = _confirm_trust(args, domain or "the repository")
    kind, secret = _login_secret(args, service)
    if kind == "token":
        st = connector.connect(service, token=secret, trust_server=trust)
    else:
        st = connector.connect(
            service, domain=domain, username=username, password=secret, trust_server=trust
        )
    del secret
    print_signed_in(st, service)
    return 0


def _confirm_trust(args: argparse.Namespace, where: str) -> bool:
    """--trust-server writes ssl_verify: false for conda too: only after an explicit yes.

    ``--no-ssl-verify`` at login means the same: a sign-in that skips the check while conda
    keeps checking would leave a connection conda cannot use."""
    if not (getattr(args, "trust_server", False) or getattr(args, "no_ssl_verify", False)):
        return False
    if args.yes:
        return True
    if not _stdin_is_tty() or getattr(args, "password_stdin", False):
        raise UsageError("--trust-server changes what conda checks: confirm it with --yes")
    answer = input(
        f"Trust {where} without checking its certificate? conda will not check certificates "
        "either (ssl_verify: false in .condarc) until you sign out. [y/N] "
    )
    if answer.strip().lower() not in ("y", "yes"):
        raise UsageError("not signed in: the server was not trusted")
    return True


def cmd_channels(args: argparse.Namespace) -> int:
    action = getattr(args, "channels_command", None)
    if action:
        return {"add": _channels_add, "remove": _channels_remove, "move": _channels_move}[action](
            args
        )
    connector = _connector(args)
    if args.available:
        page = connector.available_channels(args.filter, args.offset, args.limit)
        if args.json:
            print_json(page.to_dict())
        else:
            print_available(page, args.filter)
        return 0
    lists = connector.condarc_channels()
    if args.json:
        print_json(lists.to_dict())
    else:
        print_lists(lists, args.filter)
    return 0


def _after_edit(args: argparse.Namespace, lists: CondarcChannels, done: str) -> int:
    if args.json:
        print_json(lists.to_dict())
    else:
        print(done)
        print_lists(lists)
    return 0


def _channels_add(args: argparse.Namespace) -> int:
    connector = _connector(args)
    if args.to == "default_channels":
        lists = connector.add_channels(default_channels=args.names)
    else:
        lists = connector.add_channels(channels=args.names)
    return _after_edit(args, lists, f"Add to {args.to}: {', '.join(args.names)}")


def _channels_remove(args: argparse.Namespace) -> int:
    from ..core import RepoConnectError

    connector = _connector(args)
    try:
        lists = connector.remove_channels(
            args.names, from_list=args.from_list, confirm_defaults=args.yes
        )
    except RepoConnectError as exc:
        if exc.code != "confirm_defaults":
            raise
        message = exc.message.replace("Confirm to remove it anyway.", "").rstrip()
        raise type(exc)(f"{message} Add --yes to remove it anyway.", code=exc.code) from None
    where = args.from_list or "channels/default_channels"
    return _after_edit(args, lists, f"Removed from {where}: {', '.join(args.names)}")


def _channels_move(args: argparse.Namespace) -> int:
    if args.to_position < 1:
        raise UsageError("--to-position counts from 1 (the top of the list)")
    lists = _connector(args).move_channel(args.name, args.to_position - 1, in_list=args.in_list)
    return _after_edit(
        args, lists, f"Moved {args.name} to position {args.to_position} in {args.in_list}"
    )


def cmd_logout(args: argparse.Namespace) -> int:
    connector = _connector(args)
    before = connector.status()
    st = connector.disconnect()
    title = service_title(before.service) if before.service else "the repository"
    print(f"Signed out of {title}; .condarc restored ({st.condarc_path}).")
    for warning in st.warnings:
        print(f"Warning: {warning}")
    return 0


def cmd_domain(args: argparse.Namespace) -> int:
    connector = _connector(args)
    if args.url is not None:
        if not args.url.strip():  # the core reads an empty domain as "the remembered one"
            raise UsageError(f"domain {args.service}: the URL is empty")
        prefs = connector.set_domain(args.service, args.url)
        value = prefs.server_domain if args.service == "server" else prefs.enterprise_domain
        print(f"Set Domain: {DOMAIN_TITLES[args.service]} is {value}")
        return 0
    prefs = connector.preferences()
    for service in (args.service,) if args.service else DOMAIN_SERVICES:
        value = prefs.server_domain if service == "server" else prefs.enterprise_domain
        print(f"{DOMAIN_TITLES[service]}: {value or '(not set)'}")
    if not prefs.allow_domain_change:
        print("(the administrator has locked the domains)")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    diagnosis = _connector(args).doctor()
    if args.json:
        print_json(diagnosis.to_dict())
    else:
        print_diagnosis(diagnosis)
    if diagnosis.ok:
        return 0
    failed = sum(1 for f in diagnosis.findings if not f.ok)
    print(f"{failed} problem(s) found.", file=sys.stderr)
    return 1


def cmd_sandbox(argv: list[str]) -> int:
    from ..testing.sandbox import main as sandbox_main

    rc = sandbox_main(argv)
    return rc if isinstance(rc, int) else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ..demo import run_demo

    return run_demo(home=args.home, port=args.port, open_browser=not args.no_browser)


COMMANDS: dict[str, Any] = {
    "status": cmd_status,
    "login": cmd_login,
    "channels": cmd_channels,
    "logout": cmd_logout,
    "domain": cmd_domain,
    "doctor": cmd_doctor,
    "account": cmd_account,
    "demo": cmd_demo,
}
