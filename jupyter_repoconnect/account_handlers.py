"""REST handlers of the Anaconda Cloud account, under ``{base_url}repoconnect/account``.

Same conventions as :mod:`.handlers` (they subclass its base handler): one core call each, core
errors mapped in one place, bodies never logged. The API key goes in (``account/api-key``) but
never comes out; the device code and the access token never leave the core.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from jupyter_server.auth.decorator import authorized
from tornado import web
from tornado.ioloop import IOLoop

from .core.errors import BadInput
from .handlers import RepoConnectHandler

if TYPE_CHECKING:
    from .core.account import Account


class AccountHandler(RepoConnectHandler):
    """Base of the account routes: the one :class:`Account` next to the app's Connector (it
    holds the sign-ins waiting for approval)."""

    @property
    def account(self) -> Account:
        return self.app.account  # type: ignore[no-any-return]

    def login_id(self) -> str:
        value = self.get_query_argument("id", "")
        if not value or len(value) > 64 or not value.isascii():
            raise BadInput("'id' is required: the login_id that POST account/login returned.")
        return value


class AccountStatusHandler(AccountHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        await self.reply(self.account.status)


class AccountLoginHandler(AccountHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        self.json_object(set())
        await self.reply(self.account.begin_login)

    @web.authenticated
    @authorized
    async def get(self) -> None:
        await self.reply(self.account.check_login, self.login_id())

    @web.authenticated
    @authorized
    async def delete(self) -> None:
        self.account.cancel_login(self.login_id())
        await self.reply(self.account.status)


class AccountApiKeyHandler(AccountHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_object({"api_key"})
        await self.reply(self.account.sign_in_with_api_key, self.optional_str(body, "api_key"))


class AccountOrgsHandler(AccountHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        orgs = await IOLoop.current().run_in_executor(self.app.executor, self.account.organizations)
        self.finish(json.dumps({"organizations": [o.to_dict() for o in orgs]}))


class AccountTokenHandler(AccountHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_object({"org", "confirm_reissue"})
        confirm: Any = body.get("confirm_reissue", False)
        await self.reply(
            self.account.install_token,
            self.optional_str(body, "org") or "",
            confirm_reissue=confirm,
        )

    @web.authenticated
    @authorized
    async def delete(self) -> None:
        await self.reply(self.account.remove_token)


class AccountLogoutHandler(AccountHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        self.json_object(set())  # no body expected; a malformed one is refused like elsewhere
        await self.reply(self.account.sign_out)


ACCOUNT_ROUTES: list[tuple[str, type[RepoConnectHandler]]] = [
    ("account", AccountStatusHandler),
    ("account/login", AccountLoginHandler),
    ("account/api-key", AccountApiKeyHandler),
    ("account/orgs", AccountOrgsHandler),
    ("account/token", AccountTokenHandler),
    ("account/logout", AccountLogoutHandler),
]
