"""Reading a secret (a password, a token, an API key) for the text surfaces: from an
environment variable, a line of stdin, a prompt that does not echo, or — only where a surface
allows it — the literal value. Exactly one way; never echoed, never quoted in a message."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.services.base import RepositoryService, SignInField, SignInMethod

# People paste the secret itself where the variable's name goes: show only what looks like one.
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]{0,63}")


class SecretError(Exception):
    """The secret was asked for in a way that cannot work; each surface shows it as its own
    usage error."""


@dataclass(frozen=True)
class SecretSources:
    """The ways a secret was offered on one command line (at most one may be used)."""

    env: str | None = None  # the name of an environment variable holding it
    stdin: bool = False  # one line of stdin
    prompt: bool = False  # ask without echo (a terminal, or a notebook's input box)
    literal: str | None = None  # typed into the command itself (refused unless allowed)


def secret_field(service: RepositoryService) -> SignInField:
    """The field of the service's usual sign-in that is a secret (a password or a token)."""
    return next(f for f in service.sign_in_methods[0].fields if f.secret)


def method_secret(method: SignInMethod) -> SignInField | None:
    """The field of a sign-in method that is a secret (None: single sign-on takes none)."""
    return next((f for f in method.fields if f.secret), None)


def read_secret(
    name: str,
    given: SecretSources,
    *,
    flags: str,
    env_hint: str = "",
    literal_refused: str | None = None,
) -> str | None:
    """The secret ``name`` ("password", "token", "API key") from the one source given, or
    None when none was. ``flags`` names the options for messages ("--token-env VAR or
    --getpass"); ``env_hint`` follows a missing variable's message; ``literal_refused``, when
    set, is why a literal value is refused."""
    offered = (given.env is not None, given.stdin, given.prompt, given.literal is not None)
    if sum(offered) > 1:
        raise SecretError(f"Give the {name} one way only: {flags}.")
    if given.literal is not None:
        if literal_refused is not None:
            raise SecretError(literal_refused)
        return given.literal
    if given.env is not None:
        value = os.environ.get(given.env, "")
        if not value:
            shown = given.env if _ENV_NAME.fullmatch(given.env) else "given for the " + name
            raise SecretError(
                f"The environment variable {shown} is not set (or is empty){env_hint}."
            )
        return value
    if given.stdin:
        import sys

        if sys.stdin is None:
            raise SecretError(f"The {name} was to come from stdin, but there is no stdin.")
        try:
            return sys.stdin.readline().rstrip("\r\n")
        except UnicodeDecodeError:
            raise SecretError(f"The {name} read from stdin is not UTF-8 text.") from None
    if given.prompt:
        import getpass

        value = getpass.getpass(f"{name[0].upper()}{name[1:]}: ")
        if not value:
            raise SecretError(f"No {name} entered.")
        return value
    return None
