"""`jupyter repoconnect demo`: the sandbox repository and JupyterLab pointed at it.

Everything lives in a throw-away home (``CONDARC``, token store, recorded state), so the user's
real conda configuration is never touched.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from .core.services import registry
from .testing import Sandbox
from .testing.processes import stop

# The sandbox only listens on loopback, so a well-known token is safe and easy to type.
DEMO_CLOUD_TOKEN = "demo-cloud-token"
# Enough Anaconda Server channels that the panel's search and paging are really exercised.
DEMO_CHANNELS = 2_000
MISSING_LAB = (
    "JupyterLab is not installed in this Python ({python}); install it with: "
    'pip install "jupyter_repoconnect[demo]"   (or: pip install jupyterlab)'
)


def missing_jupyterlab() -> str | None:
    """The one line to print when this Python has no JupyterLab (None when it has)."""
    if importlib.util.find_spec("jupyterlab") is None:
        return MISSING_LAB.format(python=sys.executable)
    return None


def run_demo(home: str | os.PathLike[str] | None, port: int | None, open_browser: bool) -> int:
    """Run until interrupted (Ctrl+C or SIGTERM); returns the exit code."""
    problem = missing_jupyterlab()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _interrupt)  # stop JupyterLab and the sandbox on SIGTERM too
    temporary = not home
    home = Path(tempfile.mkdtemp(prefix="repoconnect-demo-") if temporary else str(home))
    home = home.expanduser().resolve()
    (home / "notebooks").mkdir(parents=True, exist_ok=True)
    notebook = home / "notebooks" / "repoconnect-demo.ipynb"
    if not notebook.exists():
        shutil.copyfile(Path(__file__).with_name("demo.ipynb"), notebook)
    port = port or _free_port()
    lab_token = secrets.token_urlsafe(24)
    log_path = home / "jupyterlab.log"
    try:
        with Sandbox(cloud_tokens=[DEMO_CLOUD_TOKEN], channels=DEMO_CHANNELS) as sb:
            config_dir = home / "jupyter-config"
            config_dir.mkdir(exist_ok=True)
            settings = {
                "server_domain": sb.urls["server"].rstrip("/"),
                "enterprise_domain": sb.urls["enterprise"].rstrip("/"),
            }
            for name in ("jupyter_server_config.json", "jupyter_repoconnect_config.json"):
                conf: dict[str, Any] = {"RepoConnectSettings": settings}
                if name == "jupyter_server_config.json":
                    conf["ServerApp"] = {"jpserver_extensions": {"jupyter_repoconnect": True}}
                (config_dir / name).write_text(json.dumps(conf, indent=2))
            # A quiet JupyterLab: no "get notified about news?" toast on a demo machine.
            notification = home / "lab-settings" / "@jupyterlab" / "apputils-extension"
            notification.mkdir(parents=True, exist_ok=True)
            (notification / "notification.jupyterlab-settings").write_text(
                json.dumps({"fetchNews": "false", "checkForUpdates": False})
            )
            box = _box_env(home, config_dir, sb.urls)
            env = {**os.environ, **box}
            (home / ENV_FILE).write_text(json.dumps(box, indent=2))
            _open_panel_and_notebook(home, env)
            cmd = [
                sys.executable,
                "-m",
                "jupyterlab",
                f"--port={port}",
                "--ip=127.0.0.1",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={lab_token}",
                f"--ServerApp.root_dir={home / 'notebooks'}",
                # Lab's terminals are login shells by default, and a login shell's /etc/profile
                # resets PATH (Debian): an interactive, non-login shell keeps the demo's env.
                "--ServerApp.terminado_settings=" + json.dumps({"shell_command": [_shell(), "-i"]}),
            ]
            if not open_browser:
                cmd.append("--no-browser")
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                cmd.append("--allow-root")  # containers and Binder-like machines run as root
            users = ", ".join(f"{u} / {p}" for u, p in sb.users.items())
            print("Sandbox repository (loopback, throwaway):")
            for service in registry.all_services():
                print(f"  {service.id:<10} {sb.urls[service.id]}   ({service.title})")
            print(f"  server/enterprise users (username / password): {users}")
            print(f"  cloud tokens: {', '.join(sb.cloud_tokens)}")
            print(f"Demo home (CONDARC, token store, state): {home}")
            print("Join the demo from another shell:")
            print(f'  eval "$({shlex.quote(sys.executable)} -m jupyter_repoconnect.cli demo env'
                  f' --home {shlex.quote(str(home))})"')  # fmt: skip
            print(f"Starting JupyterLab (log: {log_path}) ...", flush=True)
            with open(log_path, "ab") as log:
                proc = subprocess.Popen(
                    cmd,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,  # Ctrl+C reaches us; we stop JupyterLab cleanly
                )
            try:
                url = f"http://127.0.0.1:{port}/lab?token={lab_token}"
                deadline = time.monotonic() + 120
                while proc.poll() is None and time.monotonic() < deadline:
                    try:
                        urllib.request.urlopen(
                            f"http://127.0.0.1:{port}/api/status?token={lab_token}", timeout=2
                        ).close()
                        break
                    except OSError:
                        time.sleep(0.3)
                if proc.poll() is not None:
                    _report_exit(proc.returncode, log_path, temporary)
                    return 1
                print(f"JupyterLab: {url}")
                print("Press Ctrl+C to stop.", flush=True)
                proc.wait()
                _report_exit(proc.returncode, log_path, temporary)
                return 1
            except KeyboardInterrupt:
                print("Stopping ...", file=sys.stderr)
                return 0
            finally:
                stop(proc)
    finally:
        (home / ENV_FILE).unlink(missing_ok=True)  # no shell joins a stopped demo
        if temporary:
            shutil.rmtree(home, ignore_errors=True)


ENV_FILE = "demo-env.json"
# What a shell needs to act in the demo's box (``jupyter repoconnect demo env`` prints these).
BOX_VARIABLES = (
    "HOME",
    "PATH",
    "CONDARC",
    "BINSTAR_CONFIG_DIR",
    "JUPYTER_REPOCONNECT_STATE_DIR",
    "CONDA_TOKEN_REPO_URL",
    "JUPYTER_REPOCONNECT_ACCOUNT_DOMAIN",
    "ANACONDA_AUTH_KEYRING_PATH",
    "JUPYTER_CONFIG_PATH",
    "JUPYTER_DATA_DIR",
    "JUPYTER_RUNTIME_DIR",
    "JUPYTERLAB_SETTINGS_DIR",
    "JUPYTERLAB_WORKSPACES_DIR",
    "npm_config_cache",
    "npm_config_logs_dir",
)


def _box_env(home: Path, config_dir: Path, urls: dict[str, str]) -> dict[str, str]:
    """Every variable that keeps the demo (its Lab, kernels, terminals, npm) inside ``home``.

    HOME itself moves too: anything that writes under ``~`` (anaconda-auth's keyring, Jupyter's
    runtime files, npm's logs, IPython's history) then writes into the box.
    """
    bin_dir = str(Path(sys.executable).parent)  # `jupyter` of this Python, activated or not
    path = os.environ.get("PATH", "")
    return {
        "HOME": str(home),
        "PATH": os.pathsep.join(p for p in (bin_dir, path) if p),
        "CONDARC": str(home / ".condarc"),
        "BINSTAR_CONFIG_DIR": str(home / "binstar"),
        "JUPYTER_REPOCONNECT_STATE_DIR": str(home / "state"),
        "CONDA_TOKEN_REPO_URL": urls["cloud"],
        "JUPYTER_REPOCONNECT_ACCOUNT_DOMAIN": urls["account"],  # its device page
        "ANACONDA_AUTH_KEYRING_PATH": str(home / ".anaconda" / "keyring"),
        "JUPYTER_CONFIG_PATH": os.pathsep.join(
            p for p in (str(config_dir), os.environ.get("JUPYTER_CONFIG_PATH")) if p
        ),
        "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
        "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "lab-workspaces"),
        "npm_config_cache": str(home / ".npm"),
        "npm_config_logs_dir": str(home / ".npm" / "_logs"),
    }


def print_env(home: str | os.PathLike[str] | None) -> int:
    """``jupyter repoconnect demo env --home DIR``: shell lines that join a running demo."""
    if not home:
        print("demo env: give the demo's --home (the demo prints the whole line).", file=sys.stderr)
        return 2
    path = Path(home).expanduser() / ENV_FILE
    try:
        box = json.loads(path.read_text())
    except (OSError, ValueError):
        print(f"demo env: no running demo in {home} ({ENV_FILE} not found).", file=sys.stderr)
        return 1
    if not isinstance(box, dict):
        box = {}
    for name in BOX_VARIABLES:  # only our names; each value quoted for the shell
        value = box.get(name)
        if isinstance(value, str) and value.isprintable():
            print(f"export {name}={shlex.quote(value)}")
    return 0


def _shell() -> str:
    """The terminal's shell: the user's, else bash, else sh."""
    for candidate in (os.environ.get("SHELL"), shutil.which("bash"), "/bin/sh"):
        if candidate and os.path.isabs(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return "/bin/sh"


def _open_panel_and_notebook(home: Path, env: dict[str, str]) -> None:
    """A default workspace with the Repositories panel and the demo notebook open."""
    workspace = {
        "data": {
            "layout-restorer:data": {
                "left": {
                    "collapsed": False,
                    "current": "jupyter-repoconnect",
                    "widgets": ["filebrowser", "jupyter-repoconnect"],
                },
                "main": {
                    "dock": {
                        "type": "tab-area",
                        "currentIndex": 0,
                        "widgets": ["notebook:repoconnect-demo.ipynb"],
                    }
                },
            },
            "notebook:repoconnect-demo.ipynb": {
                "data": {"path": "repoconnect-demo.ipynb", "factory": "Notebook"}
            },
        },
        "metadata": {"id": "default"},
    }
    path = home / "lab-workspaces" / "demo-workspace.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(workspace))
    subprocess.run(
        [sys.executable, "-m", "jupyterlab", "workspaces", "import", str(path)],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _report_exit(code: int | None, log_path: Path, temporary: bool) -> None:
    """Say that JupyterLab stopped; a temporary home is deleted on exit, so show its log's end."""
    if not temporary:
        print(f"JupyterLab exited with code {code}; see {log_path}", file=sys.stderr)
        return
    lines = log_path.read_text(errors="replace").splitlines()[-20:] if log_path.exists() else []
    print(f"JupyterLab exited with code {code}; the end of its log:", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
