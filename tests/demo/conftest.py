"""The demo tests run the CLI as its tests do: the same fixtures (throwaway HOME, CLI runner)."""

from ..cli.conftest import cli, cli_env, home  # noqa: F401
