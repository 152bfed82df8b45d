"""The administrator's knobs, shared by the server extension, the CLI and the magics.

Set them in any Jupyter config file read by the surface, e.g. in
``jupyter_server_config.py`` or ``jupyter_repoconnect_config.py``::

    c.RepoConnectSettings.server_domain = "https://anaconda.example.com"
    c.RepoConnectSettings.allow_domain_change = False
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from traitlets import Bool, Enum, Float, Int, List, Unicode, Union, default, validate
from traitlets.config import Configurable

DEFAULT_CLOUD_REPO_URL = "https://repo.anaconda.cloud/repo/"
DEFAULT_ACCOUNT_DOMAIN = "https://anaconda.com"
# an hour: longer than any answer is worth waiting for (1e308 s overflowed the socket's timeout)
MAX_TIMEOUT = 3600.0


class RepoConnectSettings(Configurable):
    """Settings of jupyter_repoconnect that an administrator may preset."""

    server_domain = Unicode(
        "",
        config=True,
        help="Preset Anaconda Server / Package Security Manager (On-prem) domain, "
        "e.g. https://anaconda.example.com. Used until the user sets another one.",
    )
    enterprise_domain = Unicode(
        "",
        config=True,
        help="Preset Enterprise 4 Repository API domain, e.g. https://repo.example.com/api.",
    )
    cloud_repo_url = Unicode(
        "",
        config=True,
        help="Repository URL of Anaconda Professional / Package Security Manager (Cloud). "
        "Empty means $CONDA_TOKEN_REPO_URL, else " + DEFAULT_CLOUD_REPO_URL,
    )
    server_default_method = Enum(
        ["password", "sso", "access_token"],
        default_value="password",
        config=True,
        help="The Anaconda Server sign-in every surface offers first: 'password', 'sso' "
        "(single sign-on through the server's OpenID Connect provider) or 'access_token' (one "
        "made on the server's web page). The others stay available.",
    )
    server_token_days = Int(
        90,
        min=1,
        max=365,
        config=True,
        help="Days an Anaconda Server access token created at sign-in lives (Navigator: 365, "
        "conda-repo-cli: 30). A sign-out revokes it only while the login session lasts, so "
        "this bounds how long a token of a machine signed out later stays valid.",
    )
    allowed_services: List[str] = List(
        Unicode(),
        config=True,
        help="Services users may connect to: any of 'cloud', 'server', 'enterprise' (all "
        "services by default).",
    )
    package_managers = List(
        Unicode(),
        default_value=None,
        allow_none=True,
        config=True,
        help="Package managers besides conda that a sign-in also connects (ids of "
        "core/sinks/registry.py, e.g. 'rattler', 'mamba'). None (the default): those found on "
        "this machine; [] connects conda only.",
    )
    clean_index_cache = Bool(
        True,
        config=True,
        help="Run 'conda clean --index-cache' after a sign-in or sign-out (where conda is on "
        "the PATH or $CONDA_EXE), as anaconda-auth does, so that repodata fetched under the "
        "previous token is not reused.",
    )
    allow_domain_change = Bool(
        True,
        config=True,
        help="Whether users may change the API domains. Set False to lock the preset ones.",
    )
    ssl_verify = Union(
        [Bool(), Unicode()],
        default_value=None,
        allow_none=True,
        config=True,
        help="TLS verification: True, False or a CA bundle path; None follows .condarc.",
    )
    show_hidden_channels = Bool(
        False,
        config=True,
        help="Anaconda Server: offer every channel of the server (GET /api/channels), not only "
        "those the user can see — Navigator's 'show hidden channels'.",
    )
    account_domain = Unicode(
        "",
        config=True,
        help="The Anaconda Cloud account site (OIDC and API). Empty means "
        "$JUPYTER_REPOCONNECT_ACCOUNT_DOMAIN, else anaconda-auth's $ANACONDA_AUTH_DOMAIN (a "
        "host, https), else " + DEFAULT_ACCOUNT_DOMAIN,
    )
    allow_account_signin = Bool(
        True,
        config=True,
        help="Whether users may sign in to an Anaconda Cloud account here (and install their "
        "organisation's repository token from it). False hides it on every surface.",
    )
    timeout = Float(
        20.0,
        config=True,
        help="Seconds to wait for a repository to answer before giving up.",
    )
    condarc_path = Unicode(
        "",
        config=True,
        help="The .condarc file to edit. Empty means $CONDARC, else ~/.condarc.",
    )
    state_dir = Unicode(
        "",
        config=True,
        help="Folder of the recorded state (repoconnect.ini and the saved .condarc). "
        "Empty means $JUPYTER_REPOCONNECT_STATE_DIR, else the user config folder.",
    )

    @default("allowed_services")
    def _all_services(self) -> list[str]:
        from .services import registry

        return list(registry.ids())

    @validate("timeout")
    def _check_timeout(self, proposal: dict) -> float:
        value = proposal["value"]
        if math.isnan(value) or value <= 0:
            raise ValueError("timeout must be a number of seconds above 0.")
        # longer (1e308, inf) is capped, not refused: a config file's big value must not
        # stop every command (the CLI's --timeout refuses it, with the limit, as a usage error)
        return min(value, MAX_TIMEOUT)

    @validate("allowed_services")
    def _check_services(self, proposal: dict) -> list[str]:
        from .services import registry

        unknown = [s for s in proposal["value"] if registry.find(s) is None]
        if unknown:
            raise ValueError(f"Unknown service(s) {unknown}; choose from {list(registry.ids())}.")
        return proposal["value"]

    def resolved_condarc_path(self) -> Path:
        """The user's .condarc, found the way conda does for the user file."""
        if self.condarc_path:
            return Path(self.condarc_path).expanduser()
        env = os.environ.get("CONDARC")
        if env:
            return Path(env).expanduser()
        return Path("~/.condarc").expanduser()

    def resolved_state_dir(self) -> Path:
        if self.state_dir:
            return Path(self.state_dir).expanduser()
        env = os.environ.get("JUPYTER_REPOCONNECT_STATE_DIR")
        if env:
            return Path(env).expanduser()
        import platformdirs

        return Path(platformdirs.user_config_dir("jupyter_repoconnect", appauthor=False))

    def resolved_cloud_repo_url(self) -> str:
        url = (
            self.cloud_repo_url or os.environ.get("CONDA_TOKEN_REPO_URL") or DEFAULT_CLOUD_REPO_URL
        )
        return url if url.endswith("/") else url + "/"

    def resolved_account_domain(self) -> str:
        url = self.account_domain or os.environ.get("JUPYTER_REPOCONNECT_ACCOUNT_DOMAIN")
        if not url and os.environ.get("ANACONDA_AUTH_DOMAIN"):
            # the `anaconda` CLI's own setting: a host name, reached over https
            host = os.environ["ANACONDA_AUTH_DOMAIN"].strip()
            url = host if "://" in host else f"https://{host}"
        return (url or DEFAULT_ACCOUNT_DOMAIN).rstrip("/")
