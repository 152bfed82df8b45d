"""``jupyter repoconnect``: the command-line surface over the core Connector.

Each subcommand turns its arguments into one Connector call and its result into text (or JSON)
and an exit code: 0 success, 1 failure (one line on stderr), 2 bad usage, 130 interrupted.
Only argparse loads at start, so ``--help`` is fast; the core loads when a command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from .core import CondarcChannels, Connector, RepoConnectSettings, Status

PROG = "jupyter repoconnect"
SERVICES = ("cloud", "server", "enterprise")
LISTS = ("channels", "default_channels")
DOMAIN_SERVICES = ("server", "enterprise")
DOMAIN_TITLES = {
    "server": "Anaconda Server API domain",
    "enterprise": "Enterprise 4 Repository API domain",
}
LITERAL_SECRET_HELP = (
    "a {what} given on the command line is visible to other users of this machine (ps) and "
    "is saved in your shell history. Leave it out to be prompted for it, or use "
    "--{what}-stdin (read one line from stdin) or --{what}-env VAR (read it from the "
    "environment variable VAR)."
)


class UsageError(Exception):
    """Bad usage found after parsing (exit 2)."""


# --- parser ---------------------------------------------------------------------------


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


class _RefuseLiteralSecret(argparse.Action):
    """``--password X`` / ``--token X``: refused, with the reason and the flags to use."""

    def __call__(self, parser, namespace, values, option_string=None) -> NoReturn:  # type: ignore[override]
        what = "password" if option_string == "--password" else "token"
        parser.error(f"refusing {option_string}: " + LITERAL_SECRET_HELP.format(what=what))


def _common_options() -> argparse.ArgumentParser:
    """The administrator's settings; accepted before or after the subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("settings (override the Jupyter config files)")
    S = argparse.SUPPRESS
    group.add_argument("--condarc", metavar="PATH", default=S, help="the .condarc file to edit")
    group.add_argument(
        "--timeout",
        metavar="S",
        type=_positive_float,
        default=S,
        help="seconds to wait for the repository",
    )
    group.add_argument(
        "--no-ssl-verify", action="store_true", default=S, help="do not verify TLS certificates"
    )
    group.add_argument(
        "--ca-bundle", metavar="PATH", default=S, help="verify TLS with this CA bundle"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog=PROG,
        parents=[common],
        description="Connect conda to your organisation's package repository "
        "(Anaconda Server / Package Security Manager, Enterprise 4 Repository).",
        epilog="Exit codes: 0 success, 1 failure, 2 bad usage, 130 interrupted.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help: str, **kw: Any) -> argparse.ArgumentParser:
        return sub.add_parser(
            name, help=help, description=help, parents=[common], allow_abbrev=False, **kw
        )

    p = add("status", "show the connection status and the channels of .condarc")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = add("login", "sign in to a repository service (Login / Set Token)")
    p.add_argument("service", choices=SERVICES)
    p.add_argument("--domain", metavar="URL", help="API domain of server/enterprise (Set Domain)")
    p.add_argument("--username", metavar="U")
    secret = p.add_mutually_exclusive_group()
    secret.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    secret.add_argument("--token-stdin", action="store_true", help="read the token from stdin")
    secret.add_argument("--password-env", metavar="VAR", help="read the password from $VAR")
    secret.add_argument("--token-env", metavar="VAR", help="read the token from $VAR")
    for flag in ("--password", "--token"):
        p.add_argument(flag, nargs="?", action=_RefuseLiteralSecret, help=argparse.SUPPRESS)

    p = add("channels", "list, add, remove or reorder channels")
    p.add_argument("--available", action="store_true", help="channels the connected server offers")
    p.add_argument("--filter", metavar="TEXT", default="", help="only channels containing TEXT")
    p.add_argument("--offset", type=_non_negative_int, default=0, help="with --available")
    p.add_argument("--limit", type=_non_negative_int, default=50, help="with --available")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    chsub = p.add_subparsers(dest="channels_command", metavar="ACTION")

    def chadd(name: str, help: str) -> argparse.ArgumentParser:
        return chsub.add_parser(
            name, help=help, description=help, parents=[common], allow_abbrev=False
        )

    c = chadd("add", "append channels to a list of .condarc (Add channels)")
    c.add_argument("names", nargs="+", metavar="NAME", help="channel name or URL")
    c.add_argument("--to", choices=LISTS, default="channels", help="default: channels")
    c.add_argument("--json", action="store_true")

    c = chadd("remove", "remove channels from .condarc")
    c.add_argument("names", nargs="+", metavar="NAME", help="as listed (masked URLs are fine)")
    c.add_argument("--from", dest="from_list", choices=LISTS, help="default: both lists")
    c.add_argument("--yes", action="store_true", help="confirm removing 'defaults'")
    c.add_argument("--json", action="store_true")

    c = chadd("move", "move a channel to another position in its list")
    c.add_argument("name", metavar="NAME")
    c.add_argument(
        "--to-position", type=int, required=True, metavar="N", help="1 is the top of the list"
    )
    c.add_argument("--in", dest="in_list", choices=LISTS, default="channels")
    c.add_argument("--json", action="store_true")

    add("logout", "sign out (Sign out) and restore .condarc")

    p = add("domain", "show or set the API domains (Set Domain)")
    p.add_argument("service", nargs="?", choices=DOMAIN_SERVICES)
    p.add_argument("url", nargs="?", metavar="URL")

    p = add("doctor", "explain why a signed-in machine cannot use the repository")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    sub.add_parser(
        "sandbox",
        help="run the sandbox repository (see `jupyter repoconnect sandbox --help`)",
        add_help=False,
    )

    p = add("demo", "try everything: the sandbox repository plus JupyterLab, in a throwaway home")
    p.add_argument("--home", metavar="DIR", help="keep the demo's files here (default: temporary)")
    p.add_argument("--port", type=int, default=0, help="JupyterLab port (default: any free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    return parser


# --- helpers --------------------------------------------------------------------------


def _settings(args: argparse.Namespace) -> RepoConnectSettings:
    """Settings from the Jupyter config files with the command-line overrides on top."""
    try:
        from .config_files import load_settings
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.config_files":
            raise
        from .core import RepoConnectSettings

        settings = RepoConnectSettings()
    else:
        settings = load_settings()
    if getattr(args, "condarc", None):
        settings.condarc_path = os.path.abspath(os.path.expanduser(args.condarc))
    if getattr(args, "timeout", None):
        settings.timeout = args.timeout
    if getattr(args, "no_ssl_verify", False):
        settings.ssl_verify = False
    if getattr(args, "ca_bundle", None):
        settings.ssl_verify = os.path.abspath(os.path.expanduser(args.ca_bundle))
    return settings


def _connector(args: argparse.Namespace) -> Connector:
    from .core import Connector

    return Connector(_settings(args))


def _print_json(obj: Any) -> None:
    import json

    print(json.dumps(obj, indent=2))


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _read_stdin_line(what: str) -> str:
    if sys.stdin is None:
        raise UsageError(f"--{what}-stdin given but there is no stdin")
    return sys.stdin.readline().rstrip("\r\n")


def _service_title(service: str | None) -> str:
    from .core import SERVICE_TITLES

    return SERVICE_TITLES.get(service or "", service or "")


def _format_list(
    values: list[str] | None, *, numbered: bool = False, keep: Any = None
) -> list[str]:
    if values is None:
        return ["  (not set: conda uses its built-in defaults)"]
    if not values:
        return ["  (empty)"]
    lines = []
    for i, value in enumerate(values, 1):
        if keep is not None and not keep(value):
            continue
        lines.append(f"  {i}. {value}" if numbered else f"  - {value}")
    return lines or ["  (no match)"]


def _print_lists(lists: CondarcChannels, text_filter: str = "") -> None:
    note = "" if lists.exists else " (does not exist yet)"
    print(f".condarc: {lists.path}{note}")
    needle = text_filter.lower()
    keep = (lambda v: needle in v.lower()) if needle else None
    print("channels:")
    print("\n".join(_format_list(lists.channels, numbered=True, keep=keep)))
    print("default_channels:")
    print("\n".join(_format_list(lists.default_channels, numbered=True, keep=keep)))


def _print_status(st: Status) -> None:
    if st.connected:
        print(f"Connected to {_service_title(st.service)}")
        if st.domain:
            print(f"  domain:   {st.domain}")
        if st.username:
            print(f"  username: {st.username}")
        origin = "a command line (anaconda-client / token tool)" if st.source == "cli" else PROG
        print(f"  signed in from: {origin}")
    else:
        print("Not connected to a repository service.")
    print(f".condarc: {st.condarc_path}")
    print("channels:")
    print("\n".join(_format_list(st.channels)))
    print("default_channels:")
    print("\n".join(_format_list(st.default_channels)))
    if st.message:
        print(st.message)
    for warning in st.warnings:
        print(f"Warning: {warning}")
    if st.connected:
        print(f"Sign out with: {PROG} logout")
    else:
        print(f"Login with: {PROG} login cloud|server|enterprise")


# --- commands -------------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    st = _connector(args).status()
    if args.json:
        _print_json(st.to_dict())
    else:
        _print_status(st)
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
    kind, secret = _login_secret(args, service)
    if kind == "token":
        st = connector.connect(service, token=secret)
    else:
        st = connector.connect(service, domain=domain, username=username, password=secret)
    del secret
    who = f" as {st.username}" if st.username else ""
    where = f" at {st.domain}" if st.domain else ""
    print(f"Signed in to {_service_title(st.service)}{where}{who}.")
    if st.message:
        print(st.message)
    for warning in st.warnings:
        print(f"Warning: {warning}")
    if service == "server":
        print(
            f"Pick channels with: {PROG} channels --available, then "
            f"{PROG} channels add NAME... [--to default_channels]"
        )
    return 0


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
            _print_json(page.to_dict())
            return 0
        if not page.items:
            print("No channels available" + (f" matching {args.filter!r}." if args.filter else "."))
            return 0
        first, last = page.offset + 1, page.offset + len(page.items)
        print(
            f"Channels available {first}-{last} of {page.total}"
            + (f" matching {args.filter!r}:" if args.filter else ":")
        )
        width = max(len(ch.name) for ch in page.items)
        privacy = max(len(ch.privacy or "") for ch in page.items)
        for ch in page.items:
            line = f"  {ch.name:<{width}}  {ch.privacy or '':<{privacy}}  {ch.description or ''}"
            print(line.rstrip())
        if last < page.total:
            print(f"More: {PROG} channels --available --offset {last}")
        print(f"Add with: {PROG} channels add NAME... [--to default_channels]")
        return 0
    lists = connector.condarc_channels()
    if args.json:
        _print_json(lists.to_dict())
    else:
        _print_lists(lists, args.filter)
    return 0


def _after_edit(args: argparse.Namespace, lists: CondarcChannels, done: str) -> int:
    if args.json:
        _print_json(lists.to_dict())
    else:
        print(done)
        _print_lists(lists)
    return 0


def _channels_add(args: argparse.Namespace) -> int:
    connector = _connector(args)
    if args.to == "default_channels":
        lists = connector.add_channels(default_channels=args.names)
    else:
        lists = connector.add_channels(channels=args.names)
    return _after_edit(args, lists, f"Add to {args.to}: {', '.join(args.names)}")


def _channels_remove(args: argparse.Namespace) -> int:
    from .core import RepoConnectError

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
    title = _service_title(before.service) if before.service else "the repository"
    print(f"Signed out of {title}; .condarc restored ({st.condarc_path}).")
    for warning in st.warnings:
        print(f"Warning: {warning}")
    return 0


def cmd_domain(args: argparse.Namespace) -> int:
    connector = _connector(args)
    if args.url is not None:
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
        _print_json(diagnosis.to_dict())
    else:
        for finding in diagnosis.findings:
            print(f"[{'ok' if finding.ok else 'FAIL'}] {finding.check}: {finding.message}")
            if finding.hint and not finding.ok:
                print(f"       {finding.hint}")
    if diagnosis.ok:
        if not args.json:
            print("No problems found.")
        return 0
    failed = sum(1 for f in diagnosis.findings if not f.ok)
    print(f"{failed} problem(s) found.", file=sys.stderr)
    return 1


def cmd_sandbox(argv: list[str]) -> int:
    from .testing.sandbox import main as sandbox_main

    rc = sandbox_main(argv)
    return rc if isinstance(rc, int) else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(home=args.home, port=args.port, open_browser=not args.no_browser)


COMMANDS = {
    "status": cmd_status,
    "login": cmd_login,
    "channels": cmd_channels,
    "logout": cmd_logout,
    "domain": cmd_domain,
    "doctor": cmd_doctor,
    "demo": cmd_demo,
}


# --- entry point ----------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(str(text).split()) or "failed"


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``jupyter repoconnect``; returns the exit code (also used as the console script)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args, extras = parser.parse_known_args(argv)
        if args.command == "sandbox":
            return cmd_sandbox(extras)
        if extras:
            parser.error(f"unrecognized arguments: {' '.join(extras)}")
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        if getattr(args, "no_ssl_verify", False) and getattr(args, "ca_bundle", None):
            parser.error("--no-ssl-verify and --ca-bundle cannot be used together")
        if args.command == "domain" and args.url is not None and args.service is None:
            parser.error("domain: give server or enterprise before the URL")
        return _run(COMMANDS[args.command], args, parser)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


def _run(command: Any, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .core import RepoConnectError

    try:
        return int(command(args))
    except UsageError as exc:
        parser.exit(2, f"{PROG} {args.command}: error: {exc}\n")
    except RepoConnectError as exc:
        print(_one_line(exc.message), file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 1
    except Exception as exc:  # a bug: say so in one line, without a message that may hold secrets
        if os.environ.get("JUPYTER_REPOCONNECT_DEBUG"):
            raise
        print(
            f"Unexpected error ({type(exc).__name__}); set JUPYTER_REPOCONNECT_DEBUG=1 "
            "for the traceback.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
