"""Status of an unchanged home parses nothing again, and stays exact when any file changes."""

import configparser
import os

import pytest

from jupyter_repoconnect.core import Connector, RepoConnectSettings
from jupyter_repoconnect.core.tokens import TokenStore, anaconda_client_config_path

ENTERPRISE_A = "https://enterprise-a.example.com/api"
ENTERPRISE_B = "https://enterprise-b.example.com/api"  # same length as A


def rewrite_keeping_identity(path, text):
    """Rewrite ``path`` in place with same-size ``text`` and put its mtime back.

    What a second write within one timestamp tick looks like: only ctime may tell.
    """
    before = path.stat()
    assert len(text.encode()) == before.st_size
    with open(path, "r+b") as f:
        f.write(text.encode())
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )


@pytest.fixture
def parses(monkeypatch):
    """Every parse of a .condarc, anaconda-client config or state file."""
    from ruamel.yaml import YAML

    calls = []
    real_yaml, real_ini = YAML.load, configparser.ConfigParser.read_string

    def yaml_load(self, stream):
        calls.append("yaml")
        return real_yaml(self, stream)

    def ini_read(self, string, source="<string>"):
        calls.append("ini")
        return real_ini(self, string, source)

    monkeypatch.setattr(YAML, "load", yaml_load)
    monkeypatch.setattr(configparser.ConfigParser, "read_string", ini_read)
    return calls


@pytest.fixture
def home(repoconnect_env):
    """Signed in from the command line to Enterprise 4 A, with a .condarc and a state file."""
    env = repoconnect_env
    env.condarc.write_text("channels:\n  - defaults\n  - alpha\nchannel_alias: https://a.example\n")
    config = anaconda_client_config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"url: {ENTERPRISE_A}\n")
    TokenStore().set(ENTERPRISE_A, "token-a")
    TokenStore().set(ENTERPRISE_B, "token-b")
    (env.state_dir / "repoconnect.ini").write_text("[main]\nusername = None\n")
    return env


def test_status_of_an_unchanged_home_parses_nothing_again(home, parses):
    connector = Connector(RepoConnectSettings())
    first = connector.status()
    assert (first.service, first.domain, first.source) == ("enterprise", ENTERPRISE_A, "cli")
    assert first.channels == ["defaults", "alpha"]
    parses.clear()
    assert connector.status() == first
    assert connector.condarc_channels().channels == ["defaults", "alpha"]
    assert parses == []


def test_status_follows_each_file_even_when_size_and_mtime_stay(home):
    connector = Connector(RepoConnectSettings())
    assert connector.status().channels == ["defaults", "alpha"]

    rewrite_keeping_identity(
        home.condarc, "channels:\n  - defaults\n  - omega\nchannel_alias: https://b.example\n"
    )
    status = connector.status()
    assert status.channels == ["defaults", "omega"]
    assert status.channel_alias == "https://b.example"

    rewrite_keeping_identity(anaconda_client_config_path(), f"url: {ENTERPRISE_B}\n")
    assert connector.status().domain == ENTERPRISE_B

    token_file = next(home.token_dir.glob("*enterprise-b*.token"))
    rewrite_keeping_identity(token_file, "token-c")
    assert TokenStore().get(ENTERPRISE_B) == "token-c"
    token_file.unlink()
    assert not connector.status().connected

    ini = home.state_dir / "repoconnect.ini"
    connector.status()
    rewrite_keeping_identity(ini, "[main]\nusername = Nobe\n")
    assert connector.state_store.load().username == "Nobe"


def test_a_file_rewritten_by_another_program_is_seen(home):
    connector = Connector(RepoConnectSettings())
    # A file last changed long ago (only its ctime is recent), then rewritten.
    old = 1_000_000_000
    os.utime(home.condarc, (old, old))
    assert connector.status().channels == ["defaults", "alpha"]
    home.condarc.write_text("channels:\n  - defaults\n  - omega\n")
    assert connector.status().channels == ["defaults", "omega"]


@pytest.mark.parametrize(
    "config", ["default_site: [x]\nsites: {}\n", "url: &u [a, b]\nother: [*u, *u]\n", "- just\n"]
)
def test_a_strange_anaconda_client_config_is_no_login(repoconnect_env, config):
    path = anaconda_client_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config)
    assert not Connector(RepoConnectSettings()).status().connected
