"""What every command module of the CLI shares: its name, its usage error, and the Connector
built from the settings with the command line's overrides."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core import Connector, RepoConnectSettings

PROG = "jupyter repoconnect"


class UsageError(Exception):
    """Bad usage found after parsing (exit 2)."""


def settings_from(args: argparse.Namespace) -> RepoConnectSettings:
    """Settings from the Jupyter config files with the command-line overrides on top."""
    from ..config_files import load_settings

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


def connector_from(args: argparse.Namespace) -> Connector:
    from ..core import Connector

    return Connector(settings_from(args))
