"""The ``%repo_connect`` line magic: sign in to a conda package repository from a notebook.

Loading the extension only registers the magic; the core, ipywidgets and the HTTP client
load when a subcommand first needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

if TYPE_CHECKING:
    from argparse import Namespace

    from .core import Connector
    from .core.errors import RepoConnectError
    from .core.services.base import RepositoryService, SignInMethod

PROG = "%repo_connect"

# The first three are the services' ids (core.services.registry; importing it here would load
# the core with the extension): each signs in to that service.
SUBCOMMANDS = (
    "server",
    "cloud",
    "enterprise",
    "status",
    "channels",
    "logout",
    "renew",
    "domain",
    "doctor",
    "configure",
    "cloud-account",
)
LITERAL_SECRET_REFUSED = (
    "Refused: {flag} puts the secret in the cell, and a notebook keeps its cells in the saved "
    ".ipynb file. Notebooks get shared, committed and published, so the secret would leak. "
    "Instead use {env_flag} VAR (the name of an environment variable holding it), --getpass "
    "(type it at a prompt), or `%repo_connect {service}` and type it into the password field. "
    "Delete the secret from this cell now. (--allow-literal-secret forces the literal value.)"
)


ACCOUNT_USAGE = (
    "Usage: %repo_connect cloud-account [status | login [--api-key-env VAR] | orgs | "
    "install ORG [--yes] | remove | logout]"
)


class RepoConnectFailed(Exception):
    """A core error shown as one plain line (with the magic's next step) instead of a
    traceback."""

    def __init__(self, error: RepoConnectError) -> None:
        from .text.steps import error_text

        message = error_text(error, PROG)
        super().__init__(message)
        self.error, self.message, self.code = error, message, error.code

    def _render_traceback_(self) -> list[str]:  # IPython shows these lines instead
        return [f"repo_connect: {self.message}"]


@magics_class
class RepoConnectMagics(Magics):
    """Provides ``%repo_connect``."""

    def __init__(self, shell: Any = None, connector: Connector | None = None) -> None:
        super().__init__(shell)
        self._connector = connector

    @property
    def connector(self) -> Connector:
        if self._connector is None:
            from .widgets import default_connector

            self._connector = default_connector()
        return self._connector

    @magic_arguments()
    @argument(
        "command",
        nargs="?",
        choices=SUBCOMMANDS,
        metavar="SUBCOMMAND",
        help="one of: " + ", ".join(SUBCOMMANDS) + " (none: the whole panel)",
    )
    @argument("args", nargs="*", metavar="ARG", help="arguments of the subcommand (see above)")
    @argument(
        "--domain", metavar="URL", help="server/enterprise: the API domain (prefills the panel)"
    )
    @argument("--username", metavar="NAME", help="server/enterprise: the user name")
    @argument(
        "--password-env", metavar="VAR", help="read the password from environment variable VAR"
    )
    @argument(
        "--token-env", metavar="VAR", help="cloud: read the token from environment variable VAR"
    )
    @argument(
        "--getpass", action="store_true", help="prompt for the password or token (not echoed)"
    )
    @argument(
        "--sso",
        action="store_true",
        help="server: sign in with single sign-on (a link to open; finishes by itself when the "
        "browser runs on the kernel's machine, else paste the address it lands on)",
    )
    @argument(
        "--access-token",
        action="store_true",
        help="server: sign in with an access token made on the server's web page "
        "(--token-env VAR, --getpass, or the token field)",
    )
    @argument("--password", metavar="SECRET", help="refused: a literal password in a cell")
    @argument("--token", metavar="SECRET", help="refused: a literal token in a cell")
    @argument(
        "--allow-literal-secret",
        action="store_true",
        help="accept --password/--token anyway (the secret stays in the notebook file!)",
    )
    @argument(
        "--to",
        choices=("channels", "default_channels"),
        default="channels",
        help="channels add: the list to add to (default: channels)",
    )
    @argument(
        "--from",
        dest="from_list",
        choices=("channels", "default_channels"),
        default=None,
        help="channels remove: the list to remove from (default: both)",
    )
    @argument(
        "--yes",
        action="store_true",
        help="channels remove: confirm removing defaults; cloud-account install: confirm "
        "revoking the organisation's current token",
    )
    @argument("--api-key-env", metavar="VAR", help="cloud-account login: read an API key from $VAR")
    @argument("--filter", metavar="TEXT", default="", help="channels: show channels matching TEXT")
    @argument("--limit", type=int, default=50, help="channels (text mode): channels per page")
    @argument("--text", action="store_true", help="show HTML/plain text instead of widgets")
    @line_magic
    def repo_connect(self, line: str = "") -> None:
        """Connect this machine's conda to your organisation's package repository.

        Usage::

          %repo_connect                 the whole panel (connect, channels, status, Configure Conda)
          %repo_connect server          sign in to Anaconda Server / PSM (On-prem)
          %repo_connect server --sso    ... with single sign-on (a link, then a paste box)
          %repo_connect server --access-token   ... with an access token from its web page
          %repo_connect cloud           sign in to Anaconda Professional / PSM (Cloud)
          %repo_connect enterprise      sign in to Anaconda Enterprise 4 Repository
          %repo_connect status          the connection status, with Refresh and Sign out
          %repo_connect channels        pick channels of the connected Anaconda Server
          %repo_connect channels add NAME... [--to channels|default_channels]
          %repo_connect channels remove NAME... [--from channels|default_channels] [--yes]
          %repo_connect channels list   both channel lists of .condarc
          %repo_connect logout          sign out (restores .condarc as it was before signing in)
          %repo_connect renew --getpass a new token for the sign-in made here, in one step: the
                                        channels stay, the old token is revoked (also
                                        --password-env VAR; --access-token --token-env VAR)
          %repo_connect domain [server|enterprise URL]   show or set ("Set Domain") an API domain
          %repo_connect doctor          why a signed-in machine cannot use the repository
          %repo_connect doctor server [--domain URL]   why a sign-in to it fails (reachable,
                                        TLS, that service at all, the sign-in method offered)
          %repo_connect configure       Configure Conda: remove/reorder channels, then Save
          %repo_connect cloud-account   your Anaconda Cloud account (anaconda.com): sign in with a
                                        code approved in a browser, install your organisation's
                                        token (also: status, login, orgs, install ORG [--yes],
                                        remove, logout)

        (PSM: Package Security Manager.) server/cloud/enterprise show the sign-in panel,
        prefilled with --domain and --username.
        When every input is given without a widget they sign in at once, e.g.::

          %repo_connect server --domain https://anaconda.example.com --username me --password-env PW
          %repo_connect cloud --token-env ANACONDA_TOKEN

        Single sign-on (--sso) shows a link to the sign-in page and a box for the address the
        browser lands on afterwards; a listener on the kernel's machine finishes it by itself
        when the browser runs there too (desktop Jupyter). With a browser elsewhere (JupyterHub,
        a remote server) that page shows "cannot connect to localhost": paste its address.

        Secrets come only from a password field, --getpass, or an environment variable
        (--password-env VAR / --token-env VAR) and are never shown. --password/--token with a
        literal value are refused because notebooks get shared; --allow-literal-secret forces them.
        """
        args = parse_argstring(self.repo_connect, line)
        from .core.errors import RepoConnectError

        # a subcommand without a method of its own is a service's id: sign in to it
        name = f"_{(args.command or 'panel').replace('-', '_')}"
        handler = getattr(self, name, None) or self._sign_in
        try:
            handler(args)
        except RepoConnectError as exc:
            raise RepoConnectFailed(exc) from None

    # --- helpers --------------------------------------------------------------------
    def _widgets(self, args: Namespace) -> bool:
        """Widgets need a kernel talking to a frontend; otherwise show HTML/plain text."""
        return not args.text and getattr(self.shell, "kernel", None) is not None

    @staticmethod
    def _display(obj: Any) -> None:
        from IPython.display import display

        display(obj)

    def _no_extra_args(self, args: Namespace, what: str) -> None:
        if args.args:
            # Never echo the stray words: they might be a secret typed in the wrong place.
            raise UsageError(
                f"%repo_connect {what} takes no positional arguments; see %repo_connect?"
            )

    # --- subcommands ----------------------------------------------------------------
    def _panel(self, args: Namespace) -> None:
        self._no_extra_args(args, "")
        if self._widgets(args):
            from .widgets.app import RepoConnectPanel

            self._display(RepoConnectPanel(self.connector))
        else:
            self._status(args)

    def _sign_in(self, args: Namespace) -> None:
        from .core.services import registry
        from .text.secret import method_secret

        service = registry.get(args.command)
        self._no_extra_args(args, service.id)
        method = self._method(args, service)
        if not method.fields:
            self._sso(args, service)
            return
        fields = method.fields
        secret = self._secret(args, service, method)  # with --getpass, may prompt for the rest
        values: dict[str, Any] = {
            f.name: getattr(args, f.name, None) for f in fields if not f.secret
        }
        missing = [f for f in fields if not f.secret and not values[f.name]]
        if secret is not None and missing:
            wanted = " and ".join(f.label for f in fields)
            raise UsageError(
                f"Give --{missing[0].name} too: {service.id} signs in with a {wanted}."
            )
        if secret is None:
            if not self._widgets(args):
                how = " ".join(
                    f"--{f.name}-env VAR" if f.secret else f"--{f.name} {f.name.upper()}"
                    for f in fields
                )
                flag = _method_flag(method, service)
                raise UsageError(
                    f"This frontend shows no widgets: sign in with {PROG} {service.id}{flag} "
                    f"{how} (or --getpass)."
                )
            from .widgets.connect import ConnectPanel

            self._display(
                ConnectPanel(
                    self.connector,
                    service=service.id,
                    domain=args.domain,
                    username=args.username,
                    method=method.id,
                )
            )
            return
        field = method_secret(method)
        assert field is not None
        values[field.name] = secret
        del secret
        domain = args.domain if service.needs_domain else None
        status = self.connector.connect(service.id, domain=domain, method=method.id, **values)
        values.clear()
        self._signed_in(status)

    def _signed_in(self, status: Any) -> None:
        from .widgets.render import StatusView, changes_message

        notes = [changes_message(status)]  # what the sign-in changed in .condarc
        if (status.capabilities or {}).get("lists_channels"):
            notes.append(
                f"Pick channels with {PROG} channels, or add them with "
                f"{PROG} channels add NAME... [--to default_channels]."
            )
        self._display(StatusView(status, note=" ".join(n for n in notes if n) or None))

    @staticmethod
    def _method(args: Namespace, service: RepositoryService) -> SignInMethod:
        """The sign-in method the flags ask for (none: the service's usual one)."""
        from .core.services import registry

        wanted = "sso" if args.sso else "access_token" if args.access_token else None
        if args.sso and args.access_token:
            raise UsageError("Give --sso or --access-token, not both.")
        if wanted is not None and wanted not in {m.id for m in service.sign_in_methods}:
            offering = [
                s.id
                for s in registry.all_services()
                if any(m.id == wanted for m in s.sign_in_methods)
            ]
            flag = f"--{wanted.replace('_', '-')}"
            raise UsageError(f"{flag} works with {' and '.join(offering) or 'no service'} only.")
        return service.method(wanted)

    def _sso(self, args: Namespace, service: RepositoryService) -> None:
        """Single sign-on: the panel (link + paste box + listener), or the same as text."""
        given = [f"--{n}" for n in ("username", "password", "token", "password_env", "token_env")
                 if getattr(args, n, None)]  # fmt: skip
        if given or args.getpass:
            raise UsageError(
                f"--sso takes no {' or '.join(given) or '--getpass'}: you sign in in the browser."
            )
        domain = args.domain if service.needs_domain else None
        if self._widgets(args):
            from .widgets.connect import ConnectPanel

            panel = ConnectPanel(self.connector, service=service.id, domain=domain, method="sso")
            self._display(panel)
            if panel.children == (panel.form,):  # not signed in yet: start at once
                panel.start_sso()
            return
        from .widgets.render import SsoLinkView

        start = self.connector.start_sso(domain, service=service.id, listen=True)
        try:
            self._display(SsoLinkView(start))
            status = self._sso_by_text(start.id)
        finally:
            self.connector.cancel_sso(start.id)  # nothing once ended; else the listener stops
        self._signed_in(status)

    def _sso_by_text(self, sso_id: str) -> Any:
        """Ask for the address until one works or the listener finished (Enter: check)."""
        from IPython.core.error import StdinNotImplementedError

        from .core.errors import Code, RepoConnectError
        from .text.render import inert

        while True:
            try:
                line = input("Address the browser landed on (or Enter once signed in): ")
            except (StdinNotImplementedError, EOFError):  # no stdin: only the listener
                return self.connector.wait_sso(sso_id)
            if self.connector.sso_progress(sso_id).state != "waiting":
                return self.connector.wait_sso(sso_id)
            if not line.strip():
                continue
            try:
                return self.connector.finish_sso(sso_id, line)
            except RepoConnectError as exc:
                if exc.code not in (Code.BAD_REDIRECT_ADDRESS, Code.SSO_STATE_MISMATCH):
                    raise
                print(f"{inert(exc.message)} Paste it again.")  # never the line: it holds a code

    def _secret(
        self, args: Namespace, service: RepositoryService, method: SignInMethod
    ) -> str | None:
        """The password or token, from exactly one of: env var, getpass, literal (refused)."""
        from .core.services import registry
        from .text.secret import (
            SecretError,
            SecretSources,
            method_secret,
            read_secret,
            secret_field,
        )

        field = method_secret(method)
        assert field is not None
        kind = field.name
        for other in {secret_field(s).name for s in registry.all_services()} - {kind}:
            if getattr(args, other) is not None or getattr(args, f"{other}_env") is not None:
                raise UsageError(
                    f"{service.id}{_method_flag(method, service)} signs in with {_a(field.label)}, "
                    f"not a {other}: use --{kind}-env VAR or --getpass."
                )
        literal = getattr(args, kind)
        refused = None
        if not args.allow_literal_secret:
            refused = LITERAL_SECRET_REFUSED.format(
                flag=f"--{kind}", env_flag=f"--{kind}-env", service=service.id
            )
        given = SecretSources(
            env=getattr(args, f"{kind}_env"), prompt=args.getpass, literal=literal
        )
        if args.getpass and given.env is None and literal is None:
            for other_field in method.fields:
                if not other_field.secret and not getattr(args, other_field.name, None):
                    value = input(f"{other_field.name.capitalize()}: ").strip()
                    setattr(args, other_field.name, value)
        try:
            return read_secret(
                field.label,
                given,
                flags=f"--{kind}-env VAR or --getpass",
                env_hint=" in this kernel. Set it before starting Jupyter, then restart the kernel",
                literal_refused=refused,
            )
        except SecretError as exc:
            raise UsageError(str(exc)) from None

    def _status(self, args: Namespace) -> None:
        self._no_extra_args(args, "status")
        status = self.connector.status()
        if self._widgets(args):
            from .widgets.status import StatusPanel

            self._display(StatusPanel(self.connector, status=status))
        else:
            from .widgets.render import StatusView

            self._display(StatusView(status))

    def _channels(self, args: Namespace) -> None:
        from .widgets.render import ChannelPageView, CondarcView

        sub, names = (args.args[0], args.args[1:]) if args.args else (None, [])
        if sub == "add":
            if not names:
                raise UsageError(
                    "Usage: %repo_connect channels add NAME... [--to default_channels]"
                )
            from .widgets.render import added_text

            to_default = args.to == "default_channels"
            channels, defaults = ([], names) if to_default else (names, [])
            before = self.connector.condarc_channels()
            result = self.connector.add_channels(channels=channels, default_channels=defaults)
            self._display(CondarcView(result, note=added_text(before, result, channels, defaults)))
        elif sub == "remove":
            if not names:
                raise UsageError(
                    "Usage: %repo_connect channels remove NAME... [--from LIST] [--yes]"
                )
            result = self.connector.remove_channels(
                names, from_list=args.from_list, confirm_defaults=args.yes
            )
            self._display(CondarcView(result, note=f"Removed {len(names)}."))
        elif sub == "list":
            self._display(CondarcView(self.connector.condarc_channels()))
        elif sub is None:
            if self._widgets(args):
                from .widgets.channels import ChannelPicker

                self._display(ChannelPicker(self.connector, q=args.filter))
            else:
                page = self.connector.available_channels(args.filter, 0, args.limit)
                self._display(ChannelPageView(page))
        else:
            raise UsageError("%repo_connect channels takes add, remove or list; see %repo_connect?")

    def _logout(self, args: Namespace) -> None:
        self._no_extra_args(args, "logout")
        from .widgets.render import StatusView, signed_out_note

        before = self.connector.status()
        status = self.connector.disconnect()
        # StatusView lists the warnings (e.g. a token the server could not revoke) itself.
        head = "Signed out, with warnings." if status.warnings else "Signed out."
        self._display(StatusView(status, note=f"{head} {signed_out_note(before)}"))

    def _renew(self, args: Namespace) -> None:
        """A new token for the sign-in made here: the same method (or --access-token), the
        secret from --getpass / an environment variable / the status panel's field."""
        from .core.services import registry

        self._no_extra_args(args, "renew")
        if args.sso:
            raise UsageError(
                f"Renewing with single sign-on takes the browser: {PROG} logout, then "
                f"{PROG} server --sso."
            )
        st = self.connector.status()
        if not st.connected or st.source != "repoconnect" or st.service is None:
            raise UsageError(f"There is no sign-in made here to renew: {PROG} server ... instead.")
        service = registry.get(st.service)
        method = (
            self._method(args, service)
            if args.access_token
            else service.method(self.connector.state_store.load().sign_in_method)
        )
        if not method.fields:
            raise UsageError(
                f"This sign-in was made with {method.submit.lower()}: renew it with {PROG} "
                f"logout, then {PROG} {service.id}{_method_flag(method, service)}."
            )
        if not args.username:
            args.username = st.username
        secret = self._secret(args, service, method)
        if secret is None:
            if not self._widgets(args):
                flag = _method_flag(method, service)
                kind = next(f.name for f in method.fields if f.secret)
                raise UsageError(
                    f"This frontend shows no widgets: renew with {PROG} renew{flag} "
                    f"--{kind}-env VAR (or --getpass)."
                )
            from .widgets.status import StatusPanel

            panel = StatusPanel(self.connector, status=st)
            self._display(panel)
            panel.renew_button.layout.display = None
            panel.open_renew()
            return
        values: dict[str, Any] = {
            f.name: secret if f.secret else args.username for f in method.fields
        }
        del secret
        status = self.connector.renew(method=method.id, **values)
        values.clear()
        from .text.render import expiry_text
        from .widgets.render import StatusView

        expiry = expiry_text(status.expires_at)
        until = f" It expires {expiry}." if expiry else ""
        note = f"Renewed: conda now uses a new token; your channels are unchanged.{until}"
        self._display(StatusView(status, note=note))

    def _domain(self, args: Namespace) -> None:
        from .widgets.render import PreferencesView

        if not args.args:
            self._display(PreferencesView(self.connector.preferences()))
            return
        from .core.services import registry

        typed = [s.id for s in registry.all_services() if s.needs_domain]
        if len(args.args) != 2 or args.args[0] not in typed:
            raise UsageError(f"Usage: {PROG} domain {'|'.join(typed)} URL")
        service, url = args.args
        prefs = self.connector.set_domain(service, url)
        label = registry.get(service).domain_label
        self._display(
            PreferencesView(prefs, note=f"Set Domain: {label} is {prefs.domains[service]}")
        )

    def _doctor(self, args: Namespace) -> None:
        from .core.services import registry
        from .widgets.render import DiagnosisView

        service = None
        if args.args:  # a sign-in that fails: check what it attempts
            if len(args.args) != 1 or args.args[0] not in registry.ids():
                raise UsageError(
                    f"%repo_connect doctor takes at most a service: {', '.join(registry.ids())}."
                )
            service = args.args[0]
        self._display(DiagnosisView(self.connector.doctor(service, args.domain)))

    def _configure(self, args: Namespace) -> None:
        self._no_extra_args(args, "configure")
        if self._widgets(args):
            from .widgets.configure import ConfigureCondaPanel

            self._display(ConfigureCondaPanel(self.connector))
        else:
            from .widgets.render import CondarcView

            note = "Remove channels with %repo_connect channels remove NAME... [--from LIST]."
            self._display(CondarcView(self.connector.condarc_channels(), note=note))

    def _cloud_account(self, args: Namespace) -> None:
        """``cloud-account …``: the panel, or one action said in the words the CLI's
        ``account`` uses (text/account.py)."""
        from .core.account import Account
        from .text import account as said

        account = Account(self.connector)
        words = list(args.args)
        sub, rest = (words[0], words[1:]) if words else (None, [])
        if (sub != "install" and rest) or (sub == "install" and len(rest) != 1):
            raise UsageError(ACCOUNT_USAGE)
        widgets = self._widgets(args)
        if sub is None and widgets:
            from .widgets.account import AccountPanel

            self._display(AccountPanel(self.connector, account=account))
        elif sub in (None, "status"):
            print(said.status_text(account.status()))
        elif sub == "login":
            install = f"{PROG} cloud-account install ORG"
            if args.api_key_env:
                key = self._api_key(args.api_key_env)
                print(said.signed_in_text(account.sign_in_with_api_key(key), install))
            elif widgets:
                from .widgets.account import AccountPanel

                panel = AccountPanel(self.connector, account=account)
                self._display(panel)
                panel.sign_in()
            else:
                st = said.wait_for_device_login(account, print, "interrupt the kernel")
                print(said.signed_in_text(st, install) if st else "Sign-in cancelled.")
        elif sub == "orgs":
            print(said.orgs_text(account.organizations()))
        elif sub == "install":
            from .widgets.render import StatusView

            done = account.install_token(rest[0], confirm_reissue=args.yes)  # refused: --yes
            self._display(StatusView(done.status, note=said.installed_text(done)))
        elif sub == "remove":
            from .widgets.render import StatusView

            self._display(StatusView(account.remove_token(), note=said.REMOVED))
        elif sub == "logout":
            print(said.signed_out_text(account.sign_out(), f"{PROG} cloud-account remove"))
        else:
            raise UsageError(ACCOUNT_USAGE)

    @staticmethod
    def _api_key(variable: str) -> str:
        from .text.secret import SecretError, SecretSources, read_secret

        try:
            key = read_secret(
                "API key",
                SecretSources(env=variable),
                flags="--api-key-env VAR",
                env_hint=" in this kernel. Set it before starting Jupyter, then restart the kernel",
            )
        except SecretError as exc:
            raise UsageError(str(exc)) from None
        assert key is not None
        return key


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _method_flag(method: SignInMethod, service: RepositoryService) -> str:
    """The flag that chose ``method`` (none for the service's usual one)."""
    usual = method.id == service.sign_in_methods[0].id
    return "" if usual else f" --{method.id.replace('_', '-')}"


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext jupyter_repoconnect``: register ``%repo_connect``."""
    ipython.register_magics(RepoConnectMagics)
