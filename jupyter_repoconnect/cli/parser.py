"""The argparse parser of ``jupyter repoconnect``: subcommands, settings flags, type converters.

Only argparse is imported here, so building the parser (and ``--help``) stays fast.
"""

from __future__ import annotations

import argparse
import math
from typing import Any, NoReturn

from .context import PROG, UsageError  # noqa: F401 - UsageError: the CLI's, named here too

# The registry's ids (core.services.registry), written out so that --help loads no core;
# tests/test_shape.py checks they match.
SERVICES = ("cloud", "server", "enterprise")
DOMAIN_SERVICES = ("server", "enterprise")  # the services that need a domain
LISTS = ("channels", "default_channels")
LITERAL_SECRET_HELP = (
    "a {what} given on the command line is visible to other users of this machine (ps) and "
    "is saved in your shell history. Leave it out to be prompted for it, or use "
    "--{what}-stdin (read one line from stdin) or --{what}-env VAR (read it from the "
    "environment variable VAR)."
)


def _positive_float(text: str) -> float:
    from ..core.settings import MAX_TIMEOUT

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or not 0 < value <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds greater than 0, at most {MAX_TIMEOUT:g}"
        )
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


def _secret_flags(p: argparse.ArgumentParser) -> None:
    """--username and where the secret comes from (never a literal on the command line)."""
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


class _TopParser(argparse.ArgumentParser):
    """The top-level parser: its description names the services of the registry, loaded only
    when the help is shown (a command's parsing stays argparse-only)."""

    def format_help(self) -> str:
        if self.description is None:
            from ..core.services import registry

            titles = "; ".join(s.title for s in registry.all_services())
            self.description = (
                f"Connect conda to your organisation's package repository ({titles})."
            )
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = _TopParser(
        prog=PROG,
        parents=[common],
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
    _secret_flags(p)
    p.add_argument(
        "--trust-server",
        action="store_true",
        help="do not check this server's TLS certificate, and write ssl_verify: false to "
        ".condarc so conda does not either (Navigator's 'trust this server'; sign-out restores "
        ".condarc). Asks first; --yes answers for you",
    )
    p.add_argument("--yes", action="store_true", help="confirm --trust-server without asking")
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--sso",
        action="store_true",
        help="server: sign in with single sign-on in the browser (opened for you; from a "
        "browser on another machine, paste the address it lands on)",
    )
    how.add_argument(
        "--access-token",
        action="store_true",
        help="server: sign in with an access token made on the server's web page (read like "
        "a password: --token-stdin, --token-env VAR or a prompt)",
    )
    p.add_argument("--no-browser", action="store_true", help="--sso: print the link only")

    p = add("renew", "renew the sign-in made here with a new token; channels stay as they are")
    _secret_flags(p)
    p.add_argument(
        "--access-token",
        action="store_true",
        help="renew with a new access token made on the server's web page (default: the way "
        "the sign-in was made)",
    )

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
    p.add_argument(
        "--service",
        choices=SERVICES,
        help="check a sign-in to this service instead (reachable, TLS, that service, method)",
    )
    p.add_argument("--domain", metavar="URL", help="with --service: the domain to check")
    p.add_argument("--method", help="with --service: the sign-in method to check")

    from .account import add_parser as add_account

    add_account(add, common)

    sub.add_parser(
        "sandbox",
        help="run the sandbox repository (see `jupyter repoconnect sandbox --help`)",
        add_help=False,
    )

    p = add("demo", "try everything: the sandbox repository plus JupyterLab, in a throwaway home")
    p.add_argument(
        "action",
        nargs="?",
        choices=["env"],
        help="env: print the shell lines that join a running demo (with its --home)",
    )
    p.add_argument("--home", metavar="DIR", help="keep the demo's files here (default: temporary)")
    p.add_argument("--port", type=int, default=0, help="JupyterLab port (default: any free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    return parser
