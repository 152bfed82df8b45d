"""The server extension and config_files.load_settings() (CLI, magics) see the same settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jupyter_repoconnect.config_files import load_settings


@pytest.fixture
def admin_files(jp_config_dir: Path, jp_system_config_path: Path) -> None:
    """A hub image's system config plus a user's own file, written before the server starts."""
    jp_system_config_path.mkdir(parents=True, exist_ok=True)
    (jp_system_config_path / "jupyter_server_config.py").write_text(
        "c.RepoConnectSettings.server_domain = 'https://anaconda.example.com'\n"
        "c.RepoConnectSettings.allow_domain_change = False\n"
        "c.RepoConnectSettings.allowed_services = ['server']\n"
        "c.RepoConnectSettings.ssl_verify = '/etc/ssl/certs/company-ca.pem'\n"
        "c.RepoConnectSettings.timeout = 3.0\n"
    )
    (jp_config_dir / "jupyter_repoconnect_config.json").write_text(
        '{"RepoConnectSettings": {"timeout": 2.0, "enterprise_domain": "https://e.example.com/api"}}'
    )


@pytest.mark.usefixtures("admin_files")
def test_server_and_cli_read_the_same_settings(repoconnect_app: Any) -> None:
    server = repoconnect_app.repoconnect_settings
    cli = load_settings()
    names = sorted(server.traits(config=True))
    assert {n: getattr(server, n) for n in names} == {n: getattr(cli, n) for n in names}
    assert server.server_domain == "https://anaconda.example.com"
    assert server.allow_domain_change is False
    assert server.enterprise_domain == "https://e.example.com/api"
    assert server.timeout == 3.0  # jupyter_server_config wins over jupyter_repoconnect_config
