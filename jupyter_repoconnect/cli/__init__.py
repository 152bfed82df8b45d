"""``jupyter repoconnect``: the command-line surface over the core Connector.

Each subcommand turns its arguments into one Connector call and its result into text (or JSON)
and an exit code: 0 success, 1 failure (one line on stderr), 2 bad usage, 130 interrupted.
Only argparse loads at start, so ``--help`` is fast; the core loads when a command runs.
``parser`` builds the command line, ``commands`` runs it, ``output`` prints the results.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from .commands import COMMANDS, cmd_sandbox
from .parser import PROG, UsageError, build_parser

__all__ = ["main"]


def _one_line(text: str) -> str:
    return " ".join(str(text).split()) or "failed"


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``jupyter repoconnect``; returns the exit code (also used as the console script)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _own_ctrl_c()
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


def _own_ctrl_c() -> None:
    """Ctrl+C interrupts, even when SIGINT was inherited as ignored (``&``, ``nohup``, CI).

    A shell starts a background job with SIGINT ignored and Python keeps that; ``login`` would
    then ignore Ctrl+C and ``demo`` could not be stopped by it. The commands handle it themselves.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, signal.SIG_DFL, None):
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _run(command: Any, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..core import RepoConnectError
    from ..text.steps import error_text

    try:
        return int(command(args))
    except UsageError as exc:
        parser.exit(2, f"{PROG} {args.command}: error: {exc}\n")
    except RepoConnectError as exc:
        print(_one_line(error_text(exc, PROG)), file=sys.stderr)
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
