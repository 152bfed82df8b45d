"""The subcommands: each turns its arguments into one Connector call and returns the exit code.

The core loads inside the commands, never at import, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from .account import cmd_account
from .context import PROG, UsageError, connector_from
from .output import (
    print_available,
    print_diagnosis,
    print_json,
    print_lists,
    print_signed_in,
    print_status,
    service_title,
)

if TYPE_CHECKING:
    from ..core import CondarcChannels
    from ..core.services.base import RepositoryService, SignInField, SignInMethod

# --- helpers --------------------------------------------------------------------------


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


# --- commands -------------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    st = connector_from(args).status()
    if args.json:
        print_json(st.to_dict())
    else:
        print_status(st)
    return 0


def _check_secret_flags(
    args: argparse.Namespace, service: RepositoryService, method: SignInMethod
) -> None:
    """The flags of a secret the sign-in does not take are bad usage (a token for a password,
    a password with --sso...)."""
    from ..core.services import registry
    from ..text.secret import method_secret, secret_field

    secret = method_secret(method)
    kind = secret.name if secret else None
    for other in {secret_field(s).name for s in registry.all_services()} - {kind}:
        if getattr(args, f"{other}_stdin") or getattr(args, f"{other}_env"):
            if secret is None:
                raise UsageError(
                    f"--{method.id.replace('_', '-')} takes no --{other}-stdin/--{other}-env: "
                    "you sign in in the browser"
                )
            what = " and ".join(f.label for f in method.fields)
            raise UsageError(
                f"{service.id} signs in with a {what} here: use --{kind}-stdin or --{kind}-env "
                f"VAR instead of --{other}-stdin/--{other}-env"
            )


def _login_secret(args: argparse.Namespace, field: SignInField) -> str:
    """The sign-in's secret (a password or a token) from --X-stdin, --X-env or a prompt."""
    from ..text.secret import SecretError, SecretSources, read_secret

    kind = field.name
    given = SecretSources(env=getattr(args, f"{kind}_env"), stdin=getattr(args, f"{kind}_stdin"))
    if given.env is None and not given.stdin:
        if not _stdin_is_tty():
            raise UsageError(
                f"no {field.label} given and stdin is not a terminal to prompt for it: "
                f"use --{kind}-stdin or --{kind}-env VAR"
            )
        given = SecretSources(prompt=True)
    try:
        value = read_secret(field.label, given, flags=f"--{kind}-stdin or --{kind}-env VAR")
    except SecretError as exc:
        raise UsageError(str(exc)) from None
    assert value is not None
    return value


def _method_of(args: argparse.Namespace, service: RepositoryService) -> SignInMethod:
    """The sign-in method the flags ask for (none: the service's usual one)."""
    from ..core.services import registry

    wanted = "sso" if args.sso else "access_token" if args.access_token else None
    if wanted is not None and wanted not in {m.id for m in service.sign_in_methods}:
        offering = [
            s.id for s in registry.all_services() if any(m.id == wanted for m in s.sign_in_methods)
        ]
        flag = f"--{wanted.replace('_', '-')}"
        raise UsageError(f"{flag} works with {' and '.join(offering) or 'no service'} only")
    return service.method(wanted)


def cmd_login(args: argparse.Namespace) -> int:
    from ..core.services import registry
    from ..text.secret import method_secret

    service = registry.get(args.service)
    method = _method_of(args, service)
    _check_secret_flags(args, service, method)
    fields = method.fields
    secret = method_secret(method)
    takes = {f.name for f in fields} | ({"domain"} if service.needs_domain else set())
    unused = [f"--{n}" for n in ("domain", "username") if getattr(args, n) and n not in takes]
    if unused:
        what = " and ".join(f.label for f in fields) or "single sign-on in the browser"
        verb = "does" if len(unused) == 1 else "do"
        raise UsageError(
            f"{service.id} signs in with a {what} here; {' and '.join(unused)} {verb} not "
            "apply"
            + ("" if service.needs_domain else " (the repository URL comes from the settings)")
        )
    if args.no_browser and method.id != "sso":
        raise UsageError("--no-browser goes with --sso")
    reading_stdin = bool(secret and getattr(args, f"{secret.name}_stdin", False))
    connector = connector_from(args)
    domain = args.domain
    if service.needs_domain and domain is None:
        label = service.domain_label or "domain"
        if not connector.preferences().domains.get(service.id):
            if not _stdin_is_tty() or reading_stdin:
                raise UsageError(
                    f"no {label} is set: pass --domain URL, or first run "
                    f"`{PROG} domain {service.id} URL` (Set Domain)"
                )
            domain = input(f"{label} (e.g. https://repo.example.com): ")
    values: dict[str, str] = {}
    for field in fields:
        if field.secret:
            continue
        value = getattr(args, field.name, None)
        if not value:
            if not _stdin_is_tty() or reading_stdin:
                raise UsageError(f"{service.id} needs --{field.name} {field.name.upper()}")
            value = input(f"{field.name.capitalize()}: ")
        values[field.name] = value
    trust = _confirm_trust(args, domain or "the repository")
    if method.id == "sso":
        from .sso import sign_in_with_sso

        st = sign_in_with_sso(
            connector, service.id, domain, trust, open_browser=not args.no_browser
        )
    else:
        if secret is not None:
            values[secret.name] = _login_secret(args, secret)
        st = connector.connect(
            service.id, domain=domain, trust_server=trust, method=method.id, **values
        )
        values.clear()
    print_signed_in(st)
    return 0


def _confirm_trust(args: argparse.Namespace, where: str) -> bool:
    """--trust-server writes ssl_verify: false for conda too: only after an explicit yes.

    ``--no-ssl-verify`` at login means the same: a sign-in that skips the check while conda
    keeps checking would leave a connection conda cannot use."""
    if not (getattr(args, "trust_server", False) or getattr(args, "no_ssl_verify", False)):
        return False
    if args.yes:
        return True
    reading_stdin = any(v for k, v in vars(args).items() if k.endswith("_stdin"))
    if not _stdin_is_tty() or reading_stdin:
        raise UsageError("--trust-server changes what conda checks: confirm it with --yes")
    answer = input(
        f"Trust {where} without checking its certificate? conda will not check certificates "
        "either (ssl_verify: false in .condarc) until you sign out. [y/N] "
    )
    if answer.strip().lower() not in ("y", "yes"):
        raise UsageError("not signed in: the server was not trusted")
    return True


def cmd_renew(args: argparse.Namespace) -> int:
    """A new token for the sign-in made here, in one step; .condarc stays as it is."""
    from ..core.services import registry

    connector = connector_from(args)
    st = connector.status()
    if not st.connected or st.source != "repoconnect" or st.service is None:
        raise UsageError(f"there is no sign-in made here to renew: `{PROG} login ...` instead")
    service = registry.get(st.service)
    args.sso = False
    method = (
        _method_of(args, service)
        if args.access_token
        else service.method(connector.state_store.load().sign_in_method)
    )
    if not method.fields:
        raise UsageError(
            f"this sign-in was made with {method.submit.lower()}: renew it with "
            f"`{PROG} logout`, then `{PROG} login {service.id} --{method.id}`"
        )
    _check_secret_flags(args, service, method)
    values: dict[str, str] = {}
    for field in method.fields:
        if field.secret:
            values[field.name] = _login_secret(args, field)
        else:
            value = getattr(args, field.name, None) or st.username
            if not value:
                raise UsageError(f"renewing needs --{field.name} {field.name.upper()}")
            values[field.name] = value
    renewed = connector.renew(method=method.id, **values)
    values.clear()
    print_signed_in(renewed)
    return 0


def cmd_channels(args: argparse.Namespace) -> int:
    action = getattr(args, "channels_command", None)
    if action:
        return {"add": _channels_add, "remove": _channels_remove, "move": _channels_move}[action](
            args
        )
    connector = connector_from(args)
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
    from ..text.render import added_text

    connector = connector_from(args)
    before = connector.condarc_channels()
    to_defaults = args.to == "default_channels"
    channels, defaults = ([], args.names) if to_defaults else (args.names, [])
    lists = connector.add_channels(channels=channels, default_channels=defaults)
    # every entry named, also one written for the user (defaults with default_channels)
    return _after_edit(args, lists, added_text(before, lists, channels, defaults))


def _channels_remove(args: argparse.Namespace) -> int:
    connector = connector_from(args)
    # refused without --yes when it removes defaults: the error line says to add --yes
    lists = connector.remove_channels(
        args.names, from_list=args.from_list, confirm_defaults=args.yes
    )
    where = args.from_list or "channels/default_channels"
    return _after_edit(args, lists, f"Removed from {where}: {', '.join(args.names)}")


def _channels_move(args: argparse.Namespace) -> int:
    if args.to_position < 1:
        raise UsageError("--to-position counts from 1 (the top of the list)")
    lists = connector_from(args).move_channel(args.name, args.to_position - 1, in_list=args.in_list)
    return _after_edit(
        args, lists, f"Moved {args.name} to position {args.to_position} in {args.in_list}"
    )


def cmd_logout(args: argparse.Namespace) -> int:
    connector = connector_from(args)
    before = connector.status()
    st = connector.disconnect()
    title = service_title(before.service) if before.service else "the repository"
    print(f"Signed out of {title}; .condarc restored ({st.condarc_path}).")
    for warning in st.warnings:
        print(f"Warning: {warning}")
    return 0


def cmd_domain(args: argparse.Namespace) -> int:
    from ..core.services import registry

    connector = connector_from(args)
    if args.url is not None:
        service = registry.get(args.service)
        prefs = connector.set_domain(service.id, args.url)  # an empty URL is refused there
        print(f"Set Domain: {service.domain_label} is {prefs.domains.get(service.id)}")
        return 0
    prefs = connector.preferences()
    typed = [s for s in registry.all_services() if s.needs_domain]
    for service in [registry.get(args.service)] if args.service else typed:
        print(f"{service.domain_label}: {prefs.domains.get(service.id) or '(not set)'}")
    if not prefs.allow_domain_change:
        print("(the administrator has locked the domains)")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    if (args.domain or args.method) and not args.service:
        print("--domain and --method check a sign-in: name its --service too.", file=sys.stderr)
        return 2
    diagnosis = connector_from(args).doctor(args.service, args.domain, args.method)
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
    from ..demo import print_env, run_demo

    if args.action == "env":
        return print_env(args.home)
    return run_demo(home=args.home, port=args.port, open_browser=not args.no_browser)


COMMANDS: dict[str, Any] = {
    "status": cmd_status,
    "login": cmd_login,
    "renew": cmd_renew,
    "channels": cmd_channels,
    "logout": cmd_logout,
    "domain": cmd_domain,
    "doctor": cmd_doctor,
    "account": cmd_account,
    "demo": cmd_demo,
}
