"""A real JupyterHub on loopback, for tests and benchmarks: many users, one machine.

    users = SystemUsers(base / "home", ["a", "b"]).create()  # see localusers
    python = shared_python(base, users[0])
    with Hub(base / "hub", users, python, hub_config, user_env=...) as hub:
        hub.spawn(users[0]); hub.wait_ready(users[0])
        hub.user_api(users[0], "GET", "status")  # /user/<name>/repoconnect/status

JupyterHub (from PyPI) with configurable-http-proxy (from npm) and the `LocalProcessSpawner`:
each single-user server runs as its own system user, with its own HOME.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jupyter_repoconnect.testing.processes import stop

from .localusers import HubUser, SharedPython, kill_processes_of, processes_of

HUB_PASSWORD = "hub-test-password"  # the shared sign-in password of the test authenticator


def hub_prerequisites() -> str | None:
    """Why a hub cannot run here (None: it can)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "the hub tests create local users and spawn servers as them: run them as root"
    for tool in ("useradd", "userdel"):
        if shutil.which(tool) is None:
            return f"{tool} is missing (apt-get install passwd)"
    if shutil.which("configurable-http-proxy") is None:
        return "configurable-http-proxy is missing (npm install -g configurable-http-proxy)"
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        return "jupyterhub is not installed (pip install '.[test]')"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the hub ----------------------------------------------------------------------------------


TEST_OVERRIDES = """
# --- test overrides (tests/hub/harness.py) ---
c.JupyterHub.bind_url = {bind_url!r}
c.JupyterHub.hub_bind_url = {hub_bind_url!r}
c.ConfigurableHTTPProxy.api_url = {proxy_api_url!r}
c.JupyterHub.db_url = {db_url!r}
c.JupyterHub.cookie_secret_file = {cookie_file!r}
c.JupyterHub.pid_file = {pid_file!r}
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {password!r}
c.Authenticator.allowed_users = set({users!r})
c.Spawner.cmd = [{python!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.environment = {environment!r}
c.Spawner.args = {spawner_args!r}
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.services = [{{"name": "repoconnect-tests", "api_token": {admin_token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "repoconnect-tests",
    "scopes": ["admin:users", "admin:servers", "tokens", "read:users"],
    "services": ["repoconnect-tests"],
}}]
"""


class Hub:
    """`jupyterhub` (and its proxy) on 127.0.0.1, configured by an administrator's config file.

    `hub_config` is the administrator's `jupyterhub_config.py` text; the test overrides
    (ports, files under `workdir`, the test authenticator, the interpreter) come after it.
    `user_env` reaches every single-user server (e.g. JUPYTER_CONFIG_PATH); `extra_config`
    comes last (e.g. a benchmark turning the extension off).
    """

    def __init__(
        self,
        workdir: Path,
        users: Sequence[HubUser],
        python: SharedPython,
        hub_config: str,
        user_env: Mapping[str, str] | None = None,
        spawner_args: Sequence[str] = (),
        extra_config: str = "",
    ) -> None:
        self.workdir = workdir
        self.users = list(users)
        self.python = python
        self.hub_config = hub_config
        self.user_env = {**python.env, **(user_env or {})}
        self.spawner_args = list(spawner_args)
        self.extra_config = extra_config
        self.admin_token = secrets.token_hex(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = workdir / "jupyterhub.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._issued: set[str] = set()

    def config_text(self) -> str:
        w = self.workdir
        return (
            self.hub_config
            + TEST_OVERRIDES.format(
                bind_url=self.url,
                hub_bind_url=f"http://127.0.0.1:{free_port()}",
                proxy_api_url=f"http://127.0.0.1:{free_port()}",
                db_url=f"sqlite:///{w / 'jupyterhub.sqlite'}",
                cookie_file=str(w / "jupyterhub_cookie_secret"),
                pid_file=str(w / "jupyterhub.pid"),
                password=HUB_PASSWORD,
                users=sorted(u.name for u in self.users),
                python=self.python.python,
                environment=self.user_env,
                spawner_args=self.spawner_args,
                admin_token=self.admin_token,
            )
            + self.extra_config
        )

    def start(self, timeout: float = 120.0) -> Hub:
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "jupyterhub_config.py"
        config.write_text(self.config_text())
        home = self.workdir / "home"  # the hub's own HOME: never the real one
        home.mkdir(exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(24),
        }
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)],
                cwd=self.workdir,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited:\n{self.log_tail()}")
            try:
                if self.api("GET", "")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"jupyterhub did not answer in {timeout}s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the hub (it stops the proxy and the single-user servers), then any leftover."""
        if self.proc is not None:
            stop(self.proc, 60)
            self.proc = None
        for user in self.users:
            kill_processes_of(user.uid)
        pid_file = self.workdir / "jupyterhub-proxy.pid"
        if pid_file.is_file():  # a proxy the hub did not stop
            with contextlib.suppress(ValueError, ProcessLookupError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)

    def __enter__(self) -> Hub:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    # -- HTTP ---------------------------------------------------------------------------------

    def request(
        self, method: str, path: str, token: str, body: Any = None, timeout: float = 60
    ) -> tuple[int, Any]:
        """One JSON request to `<hub url><path>` with `Authorization: token <token>`."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, _json_or_text(response.read())
        except urllib.error.HTTPError as error:
            return error.code, _json_or_text(error.read())

    def api(self, method: str, route: str, body: Any = None) -> tuple[int, Any]:
        """The hub's REST API (`/hub/api/<route>`) with the tests' administrator token."""
        return self.request(method, f"hub/api/{route}", self.admin_token, body)

    def user_api(
        self, user: HubUser, method: str, route: str, body: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        """`/user/<name>/repoconnect/<route>` through the proxy (default: the user's token)."""
        return self.request(
            method, f"user/{user.name}/repoconnect/{route}", token or user.token, body
        )

    # -- users and their servers ----------------------------------------------------------------

    def new_token(self, user: HubUser, scopes: Sequence[str] | None = None) -> str:
        """An API token owned by `user`; default scope: access to their own server only."""
        scopes = list(scopes) if scopes is not None else [f"access:servers!user={user.name}"]
        status, body = self.api("POST", f"users/{user.name}/tokens", {"scopes": scopes})
        if status != 201:
            raise RuntimeError(f"token for {user.name}: {status} {body}")
        self._issued.add(body["token"])
        return str(body["token"])

    def spawn(self, user: HubUser) -> None:
        """Create the hub user if needed and ask for its server (returns before it is ready)."""
        status, _ = self.api("GET", f"users/{user.name}")
        if status == 404:
            status, body = self.api("POST", f"users/{user.name}")
            if status != 201:
                raise RuntimeError(f"create {user.name}: {status} {body}")
        if user.token not in self._issued:  # none yet, or one of an earlier hub
            user.token = self.new_token(user)
        status, body = self.api("POST", f"users/{user.name}/server")
        if status not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"spawn {user.name}: {status} {body}\n{self.log_tail()}")

    def wait_ready(self, user: HubUser, timeout: float = 180.0) -> dict[str, Any]:
        """Wait for the user's server; returns its hub record (with `state.pid`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, body = self.api("GET", f"users/{user.name}?include_stopped_servers=0")
            server = (body or {}).get("servers", {}).get("") if status == 200 else None
            if server and server.get("ready"):
                return dict(server)
            if server is None and status == 200 and body.get("pending") is None:
                raise RuntimeError(f"{user.name}'s server stopped:\n{self.log_tail()}")
            time.sleep(0.3)
        raise TimeoutError(f"{user.name}'s server not ready in {timeout}s:\n{self.log_tail()}")

    def stop_server(self, user: HubUser) -> None:
        self.api("DELETE", f"users/{user.name}/server")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status, body = self.api("GET", f"users/{user.name}")
            if status == 200 and not body.get("servers") and body.get("pending") is None:
                return
            time.sleep(0.3)

    def server_pids(self, user: HubUser) -> list[int]:
        """Every process of the user (the single-user server and its kernels)."""
        return processes_of(user.uid)


def _json_or_text(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return raw.decode(errors="replace")


def admin_doc_blocks(markdown: str) -> dict[str, str]:
    """The code blocks of an administrator doc, by the file named in their first-line comment.

    A block starting with `# /etc/jupyter/jupyter_repoconnect_config.py` is returned under
    `jupyter_repoconnect_config.py` (the last block of that name wins).
    """
    blocks: dict[str, str] = {}
    for match in re.finditer(r"```(?:python|py)\n(.*?)```", markdown, re.DOTALL):
        text = match.group(1)
        first = text.splitlines()[0] if text else ""
        named = re.match(r"#\s*(\S+/)?([\w.-]+\.py)\b", first)
        if named:
            blocks[named.group(2)] = text
    return blocks


DOC_DOMAIN = "https://anaconda.example.com"  # in docs/admin.md's files; the test replaces them
DOC_CA = "/etc/ssl/certs/company-ca.pem"


def doc_configs(admin_doc: Path, domain: str, ca_path: Path) -> tuple[str, str]:
    """docs/admin.md's `jupyterhub_config.py` and `jupyter_repoconnect_config.py`, pointed at
    `domain` and `ca_path` instead of the doc's example domain and CA bundle."""
    blocks = admin_doc_blocks(admin_doc.read_text())
    hub_config = blocks["jupyterhub_config.py"]
    admin_config = blocks["jupyter_repoconnect_config.py"]
    for needle in (DOC_DOMAIN, DOC_CA):
        if needle not in admin_config:
            raise ValueError(f"{admin_doc}'s jupyter_repoconnect_config.py lacks {needle!r}")
    return hub_config, admin_config.replace(DOC_DOMAIN, domain).replace(DOC_CA, str(ca_path))


def company_ca(folder: Path) -> tuple[Any, Path, ssl.SSLContext]:
    """A trustme CA, its certificate as a world-readable PEM in `folder`, and a server-side
    SSL context for 127.0.0.1 signed by it (for `Sandbox(ssl_context=...)`)."""
    import trustme

    ca = trustme.CA()
    folder.mkdir(parents=True, exist_ok=True)
    ca_path = folder / "company-ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    os.chmod(ca_path, 0o644)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return ca, ca_path, context
