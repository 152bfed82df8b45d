"""`jupyter repoconnect demo`: the sandbox repository and JupyterLab pointed at it.

Everything lives in a throw-away home (``CONDARC``, token store, recorded state), so the user's
real conda configuration is never touched.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
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
            env = dict(os.environ)
            env.update(
                CONDARC=str(home / ".condarc"),
                BINSTAR_CONFIG_DIR=str(home / "binstar"),
                JUPYTER_REPOCONNECT_STATE_DIR=str(home / "state"),
                CONDA_TOKEN_REPO_URL=sb.urls["cloud"],
                JUPYTER_REPOCONNECT_ACCOUNT_DOMAIN=sb.urls["account"],  # its device page
                JUPYTERLAB_SETTINGS_DIR=str(home / "lab-settings"),
                JUPYTERLAB_WORKSPACES_DIR=str(home / "lab-workspaces"),
                JUPYTER_CONFIG_PATH=os.pathsep.join(
                    p for p in (str(config_dir), os.environ.get("JUPYTER_CONFIG_PATH")) if p
                ),
            )
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
        if temporary:
            shutil.rmtree(home, ignore_errors=True)


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
