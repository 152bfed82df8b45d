"""The Jupyter server extension: the REST API under ``{base_url}repoconnect/``.

Loading it is cheap on purpose: the core imports httpx and ruamel.yaml on first use.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join
from tornado.ioloop import IOLoop
from traitlets import Float, Instance, Int, default

from .core.connector import Connector
from .core.settings import RepoConnectSettings
from .routes import ROUTES

URL_PREFIX = "repoconnect"


class RepoConnectApp(ExtensionApp):
    """Serve the Connector over REST for the JupyterLab panel."""

    name = "jupyter_repoconnect"
    description = "Connect Jupyter to your organisation's conda package repository."
    load_other_extensions = True
    classes = [*ExtensionApp.classes, RepoConnectSettings]

    worker_threads = Int(
        4,
        config=True,
        help="Threads running Connector calls, so a slow repository never blocks the server.",
    )

    warm_up_delay = Float(
        3.0,
        config=True,
        help="Seconds after start-up to warm up (import ruamel.yaml, read the files) in a "
        "worker thread, so the first request is as fast as the next; negative: never. Late "
        "enough not to hold the GIL while the server itself gets ready.",
    )

    repoconnect_settings = Instance(RepoConnectSettings)
    connector = Instance(Connector)
    account = Instance("jupyter_repoconnect.core.account.Account")

    @default("config_file_name")
    def _config_file_name_default(self) -> str:
        # Same file the CLI and the magics read (see config_files.py).
        return "jupyter_repoconnect_config"

    @default("repoconnect_settings")
    def _default_settings(self) -> RepoConnectSettings:
        # parent=self: c.RepoConnectSettings.* from the server's config files applies.
        return RepoConnectSettings(parent=self)

    @default("connector")
    def _default_connector(self) -> Connector:
        return Connector(self.repoconnect_settings)

    @default("account")
    def _default_account(self) -> Any:
        # composed beside the Connector: it holds the sign-ins waiting for approval
        from .core.account import Account

        return Account(self.connector)

    @property
    def executor(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=self.worker_threads, thread_name_prefix="repoconnect"
            )
        return self._executor

    _executor: ThreadPoolExecutor | None = None

    def initialize_settings(self) -> None:
        self.connector  # noqa: B018 -- build settings and Connector now, from the final config

    async def _start_jupyter_server_extension(self, serverapp: Any) -> None:
        if self.warm_up_delay >= 0:
            IOLoop.current().call_later(self.warm_up_delay, self._warm_up)

    def _warm_up(self) -> None:
        """Import ruamel.yaml and fill the file caches in a worker thread, off any request.

        Its import costs a full garbage collection (~100 ms) that would otherwise land on
        the first status request.
        """

        def warm() -> None:
            try:
                import ruamel.yaml  # noqa: F401

                self.connector.status()
            except Exception as exc:  # a broken home is reported by the real request
                self.log.debug("jupyter_repoconnect warm-up: %s", exc)

        self.executor.submit(warm)

    def initialize_handlers(self) -> None:
        self.handlers.extend((url_path_join(URL_PREFIX, path), handler) for path, handler in ROUTES)

    async def stop_extension(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
