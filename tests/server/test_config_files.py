"""config_files.load_settings: the CLI and the magics read what the server extension reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from traitlets.config import Config

from jupyter_repoconnect.config_files import load_settings
from jupyter_repoconnect.core import BadInput
from jupyter_repoconnect.core.settings import RepoConnectSettings


@pytest.fixture
def config_path(tmp_path: Path) -> list[Path]:
    """[user folder, system folder], highest priority first like jupyter_config_path()."""
    user, system = tmp_path / "user", tmp_path / "etc-jupyter"
    user.mkdir()
    system.mkdir()
    return [user, system]


def paths(folders: list[Path]) -> list[str]:
    return [str(f) for f in folders]


def test_defaults_without_any_file(config_path: list[Path]) -> None:
    settings = load_settings(paths=paths(config_path))
    assert isinstance(settings, RepoConnectSettings)
    assert settings.server_domain == ""
    assert settings.allow_domain_change is True


def test_hub_admin_sets_it_once_in_jupyter_server_config(config_path: list[Path]) -> None:
    _, system = config_path
    (system / "jupyter_server_config.py").write_text(
        "c.ServerApp.ip = '0.0.0.0'\n"
        "c.RepoConnectSettings.server_domain = 'https://anaconda.example.com'\n"
        "c.RepoConnectSettings.allow_domain_change = False\n"
        "c.RepoConnectSettings.allowed_services = ['server']\n"
        "c.RepoConnectSettings.ssl_verify = '/etc/ssl/company-ca.pem'\n"
    )
    settings = load_settings(paths=paths(config_path))
    assert settings.server_domain == "https://anaconda.example.com"
    assert settings.allow_domain_change is False
    assert settings.allowed_services == ["server"]
    assert settings.ssl_verify == "/etc/ssl/company-ca.pem"


def test_precedence_matches_the_server(config_path: list[Path]) -> None:
    user, system = config_path
    (system / "jupyter_repoconnect_config.json").write_text(
        json.dumps({"RepoConnectSettings": {"timeout": 1.0, "enterprise_domain": "https://e/api"}})
    )
    (user / "jupyter_repoconnect_config.py").write_text("c.RepoConnectSettings.timeout = 2.0\n")
    settings = load_settings(paths=paths(config_path))
    assert settings.timeout == 2.0  # user folder wins over system folder
    assert settings.enterprise_domain == "https://e/api"  # merged, not clobbered

    (system / "jupyter_server_config.json").write_text(
        json.dumps({"RepoConnectSettings": {"timeout": 3.0}})
    )
    assert load_settings(paths=paths(config_path)).timeout == 3.0  # server config wins

    (user / "jupyter_server_config.py").write_text("c.RepoConnectSettings.timeout = 4.0\n")
    (user / "jupyter_server_config.json").write_text('{"RepoConnectSettings": {"timeout": 5.0}}')
    assert load_settings(paths=paths(config_path)).timeout == 5.0  # .json wins over .py


@pytest.mark.parametrize(
    "argv_config",
    [
        Config({"RepoConnectSettings": {"timeout": 9.0}}),
        {"RepoConnectSettings": {"timeout": 9.0}},
        ["--RepoConnectSettings.timeout=9"],
    ],
)
def test_argv_config_wins(config_path: list[Path], argv_config: object) -> None:
    (config_path[0] / "jupyter_server_config.py").write_text(
        "c.RepoConnectSettings.timeout = 4.0\nc.RepoConnectSettings.server_domain = 'https://s'\n"
    )
    settings = load_settings(argv_config, paths=paths(config_path))  # type: ignore[arg-type]
    assert settings.timeout == 9.0
    assert settings.server_domain == "https://s"


def test_reads_the_jupyter_config_path_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "")
    (tmp_path / "jupyter_server_config.json").write_text(
        '{"RepoConnectSettings": {"server_domain": "https://from-env.example.com"}}'
    )
    assert load_settings().server_domain == "https://from-env.example.com"


def test_a_broken_file_is_reported_without_its_text(
    config_path: list[Path], caplog: pytest.LogCaptureFixture
) -> None:
    user, system = config_path
    (system / "jupyter_repoconnect_config.py").write_text("c.RepoConnectSettings.timeout = 6.0\n")
    (user / "jupyter_server_config.py").write_text("c.IdentityProvider.token = 'tok-secret' +\n")
    settings = load_settings(paths=paths(config_path))
    assert settings.timeout == 6.0
    assert "jupyter_server_config.py" in caplog.text
    assert "tok-secret" not in caplog.text


def test_invalid_value_is_refused(config_path: list[Path]) -> None:
    (config_path[0] / "jupyter_repoconnect_config.py").write_text(
        "c.RepoConnectSettings.allowed_services = ['gitlab']\n"
    )
    with pytest.raises(BadInput, match="gitlab") as info:  # not a traceback on every command
        load_settings(paths=paths(config_path))
    assert info.value.code == "bad_setting"
    assert "jupyter --paths" in info.value.message


def test_a_bad_setting_is_one_clear_line_in_the_cli(
    config_path: list[Path], tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    (config_path[0] / "jupyter_repoconnect_config.py").write_text(
        "c.RepoConnectSettings.server_token_days = 'soon'\n"
    )
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(config_path[0])}
    done = subprocess.run(
        [sys.executable, "-m", "jupyter_repoconnect.cli", "status"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert "server_token_days" in done.stderr and "Unexpected error" not in done.stderr
    assert "Traceback" not in done.stderr
