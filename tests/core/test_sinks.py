"""Other package managers (core/sinks/): what a sign-in writes for pixi/rattler and mamba, and
that a sign-out (or a failed sign-in) leaves a user's own files byte for byte as they were."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from jupyter_repoconnect.core import Connector, RepoConnectSettings
from jupyter_repoconnect.core.sinks import jsonfile, mamba, rattler, registry
from jupyter_repoconnect.core.sinks.mamba import MambaSink

LOGIN = {"username": "demo", "password": "demo-password"}
BOTH = ["rattler", "mamba"]

USER_CREDENTIALS = b'{"prefix.dev":{"BearerToken":"pfx-secret"}}'  # as pixi writes it
USER_MAMBA = b'{\n    "my.host/chan": {"type": "BearerToken", "token": "mine"}\n}\n'
USER_PIXI = b"""\
# my pixi settings
default-channels = ["conda-forge"]  # keep this comment

[mirrors]
# conda-forge through prefix.dev
"https://conda.anaconda.org/conda-forge" = ["https://prefix.dev/conda-forge"]

[repodata-config]
disable-jlap = true
"""


def home() -> Path:
    return Path(os.environ["HOME"])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def connector_for(managers: list[str] | None = BOTH) -> Connector:
    return Connector(RepoConnectSettings(timeout=5.0, package_managers=managers))


def sign_in(connector: Connector, service: str, sandbox) -> None:
    if service == "cloud":
        connector.connect("cloud", token=sandbox.cloud_tokens[0])
    else:
        connector.connect(service, domain=sandbox.urls[service], **LOGIN)


def user_files() -> dict[Path, bytes]:
    files = {
        rattler.credentials_path(): USER_CREDENTIALS,
        rattler.config_path(): USER_PIXI,
        mamba.auth_path(): USER_MAMBA,
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        path.chmod(0o644)
    return files


def grant_of(connector: Connector):
    from jupyter_repoconnect.core.services import registry as services

    current = connector.current_connection(connector.state_store.load())
    assert current is not None
    return services.get(current.service).grant(current.domain, current.token)


# --- Cloud: rattler's credential store and mamba's authentication file ---------------------


def test_cloud_sign_in_adds_our_host_and_sign_out_restores_the_users_files(env, sandbox):
    files = user_files()
    connector = connector_for()
    sign_in(connector, "cloud", sandbox)
    token = sandbox.cloud_tokens[0]
    grant = grant_of(connector)
    assert grant.token_after_host

    credentials = json.loads(rattler.credentials_path().read_bytes())
    assert credentials == {
        "127.0.0.1": {"CondaToken": token},
        "prefix.dev": {"BearerToken": "pfx-secret"},
    }
    authentication = json.loads(mamba.auth_path().read_bytes())
    key = mamba.location(sandbox.urls["cloud"])  # 127.0.0.1:PORT/repo: the channel root
    assert key.endswith("/repo") and "://" not in key
    assert authentication[key] == {"type": "CondaToken", "token": token}
    assert authentication["my.host/chan"] == {"type": "BearerToken", "token": "mine"}
    assert rattler.config_path().read_bytes() == USER_PIXI  # Cloud needs no mirror
    assert mode(rattler.credentials_path()) == 0o600 and mode(mamba.auth_path()) == 0o600
    assert connector.status().package_managers == BOTH

    connector.disconnect()
    for path, content in files.items():
        assert path.read_bytes() == content, path
    assert connector.status().package_managers == []


def test_a_fresh_home_gets_new_files_which_sign_out_deletes(env, sandbox):
    connector = connector_for()
    sign_in(connector, "cloud", sandbox)
    for path in (rattler.credentials_path(), mamba.auth_path()):
        assert mode(path) == 0o600
    assert not rattler.config_path().exists()
    connector.disconnect()
    assert not rattler.credentials_path().exists()
    assert not mamba.auth_path().exists()


def test_rattler_auth_file_variable_is_where_the_credential_goes(env, sandbox, monkeypatch):
    chosen = home() / "elsewhere" / "auth.json"
    monkeypatch.setenv("RATTLER_AUTH_FILE", str(chosen))
    connector = connector_for(["rattler"])
    sign_in(connector, "cloud", sandbox)
    assert json.loads(chosen.read_bytes()) == {"127.0.0.1": {"CondaToken": sandbox.cloud_tokens[0]}}
    assert not (home() / ".rattler").exists()
    connector.disconnect()
    assert not chosen.exists()


# --- Server and Enterprise 4: a mirror in pixi's configuration ---------------------------


@pytest.mark.parametrize("service", ["server", "enterprise"])
def test_mirror_for_a_service_that_takes_the_token_after_its_root(env, sandbox, service):
    files = user_files()
    connector = connector_for()
    sign_in(connector, service, sandbox)
    grant = grant_of(connector)
    root = sandbox.root(service) + ("/api/repo" if service == "server" else "/conda")
    assert not grant.token_after_host and grant.channel_root == root

    text = rattler.config_path().read_text()
    assert text.startswith(USER_PIXI.decode().split("[mirrors]")[0])  # the user's lines kept
    assert "# conda-forge through prefix.dev" in text and "disable-jlap = true" in text
    assert rattler.mirrors() == {
        "https://conda.anaconda.org/conda-forge": ["https://prefix.dev/conda-forge"],
        f"{root}/": [f"{root}/t/{grant.token}/"],
    }
    assert mode(rattler.config_path()) == 0o600
    # rattler would put a CondaToken after the host, mamba too: neither file gets one
    assert rattler.credentials_path().read_bytes() == USER_CREDENTIALS
    assert mamba.auth_path().read_bytes() == USER_MAMBA
    assert connector.status().package_managers == ["rattler"]

    connector.disconnect()
    for path, content in files.items():
        assert path.read_bytes() == content, path


def test_a_fresh_pixi_configuration_is_created_and_deleted(env, sandbox):
    connector = connector_for(["rattler"])
    sign_in(connector, "server", sandbox)
    assert rattler.config_path().read_text().startswith("[mirrors]  # added by jupyter_repoconnect")
    assert mode(rattler.config_path()) == 0o600
    connector.disconnect()
    assert not rattler.config_path().exists()


def test_pixi_home_variable_is_where_the_mirror_goes(env, sandbox, monkeypatch):
    monkeypatch.setenv("PIXI_HOME", str(home() / "pixi-home"))
    connector = connector_for(["rattler"])
    sign_in(connector, "enterprise", sandbox)
    assert (home() / "pixi-home" / "config.toml").is_file()
    assert not (home() / ".pixi").exists()
    connector.disconnect()
    assert not (home() / "pixi-home" / "config.toml").exists()


# --- the text of a user's file: only our entry comes and goes -----------------------------

KEY, VALUE = "http://srv:8/api/repo/", "http://srv:8/api/repo/t/tk-1/"
PIXI_LAYOUTS = [
    "",
    "a = 1\n",
    "a = 1",  # no newline at the end
    "# only a comment\n",
    "[mirrors]\n",
    '[mirrors]  # mine\n"https://a/" = ["https://b/"]\n\n[x]\ny = 2\n',
    'a = 1\n[mirrors]\n"https://a/" = ["https://b/"]',  # table last, no newline
    'mirrors = { "https://a/" = ["https://b/"] }\nx = 1\n',  # an inline table
    'mirrors."https://a/" = ["https://b/"]\n',  # a dotted key
    f'[mirrors]\n"{KEY}" = ["http://old/"]\n',  # our address, mirrored by hand before
]


@pytest.mark.parametrize("text", PIXI_LAYOUTS)
def test_pixi_mirror_line_comes_and_goes_alone(text):
    added = rattler._with_mirror(text, KEY, VALUE)
    import tomlkit

    assert tomlkit.parse(added).unwrap()["mirrors"][KEY] == [VALUE]
    before = tomlkit.parse(text).unwrap()
    others = {k: v for k, v in before.get("mirrors", {}).items() if k != KEY}
    assert {k: v for k, v in tomlkit.parse(added).unwrap()["mirrors"].items() if k != KEY} == others
    removed = rattler._without_mirror(added, KEY, VALUE)
    if KEY in before.get("mirrors", {}):  # a user's entry for our address is replaced, not kept
        assert KEY not in tomlkit.parse(removed).unwrap().get("mirrors", {})
    else:
        assert removed == text


JSON_LAYOUTS = [
    b"{}",
    b"{ }\n",
    b'{"a":{"CondaToken":"x"}}',
    b'{\n  "a": {\n    "BearerToken": "x"\n  }\n}\n',
    b'  {"a": 1, "b": [1, 2]}  ',
]


@pytest.mark.parametrize("content", JSON_LAYOUTS)
def test_json_member_comes_and_goes_alone(tmp_path, content):
    path = tmp_path / "credentials.json"
    path.write_bytes(content)
    jsonfile.put(path, "127.0.0.1", {"CondaToken": "tk"}, "test")
    assert json.loads(path.read_bytes()) == {
        **json.loads(content),
        "127.0.0.1": {"CondaToken": "tk"},
    }
    assert mode(path) == 0o600
    assert jsonfile.drop(path, "127.0.0.1", {"CondaToken": "tk"})
    assert path.read_bytes() == content


def test_json_member_removed_from_a_file_rewritten_since(tmp_path):
    path = tmp_path / "credentials.json"
    jsonfile.put(path, "h", {"CondaToken": "tk"}, "test")
    data = json.loads(path.read_bytes())
    path.write_text(json.dumps({**data, "other": {"BearerToken": "b"}}))  # as pixi rewrites it
    assert jsonfile.drop(path, "h", {"CondaToken": "tk"})
    assert json.loads(path.read_bytes()) == {"other": {"BearerToken": "b"}}
    assert not jsonfile.drop(path, "other", {"BearerToken": "changed"})  # not ours: kept
    assert json.loads(path.read_bytes()) == {"other": {"BearerToken": "b"}}


def test_a_broken_credentials_file_stops_the_sign_in_and_is_kept(env, sandbox, snapshot):
    path = rattler.credentials_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{not json")
    before = snapshot()
    from jupyter_repoconnect.core import RepoConnectError

    with pytest.raises(RepoConnectError) as info:
        sign_in(connector_for(), "cloud", sandbox)
    assert "not a JSON object" in info.value.message and str(path) in info.value.message
    assert path.read_bytes() == b"{not json"
    assert snapshot() == before
    assert not mamba.auth_path().exists()


# --- a failure mid-sign-in puts every file back ---------------------------------------


@pytest.mark.parametrize("service", ["cloud", "server"])
def test_failure_after_the_sink_writes_rolls_them_back(
    env, sandbox, monkeypatch, service, snapshot
):
    files = user_files()
    before = snapshot()

    def boom(self, grant):
        raise OSError("disk gone")  # after rattler wrote its file

    monkeypatch.setattr(MambaSink, "install", boom)
    connector = connector_for()
    with pytest.raises(OSError):
        sign_in(connector, service, sandbox)
    for path, content in files.items():
        assert path.read_bytes() == content, path
        assert mode(path) == 0o644, path
    assert snapshot() == before
    assert not connector.status().connected
    if service == "server":  # and the token made on the server is revoked
        assert sandbox.server_tokens and not any(r.valid for r in sandbox.server_tokens.values())


# --- secrets: only in the credential files, all 0600 --------------------------------------


@pytest.mark.parametrize("service", ["cloud", "server", "enterprise"])
def test_the_token_is_only_in_credential_files(env, sandbox, service, tmp_path):
    user_files()
    connector = connector_for()
    sign_in(connector, service, sandbox)
    token = grant_of(connector).token
    allowed = {rattler.credentials_path(), rattler.config_path(), mamba.auth_path()}
    holding = [p for p in tmp_path.rglob("*") if p.is_file() and token.encode() in p.read_bytes()]
    assert holding
    for path in holding:
        # conda's token store; Navigator's record (anaconda_server_token) in the state folder
        assert path in allowed or {env.token_dir, env.state_dir} & set(path.parents), path
        assert mode(path) == 0o600, path
    connector.disconnect()
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and token.encode() in p.read_bytes()]


# --- which package managers ---------------------------------------------------------------


def test_detection_by_folder_or_program(env, monkeypatch, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("PIXI_HOME", raising=False)
    assert registry.active(None) == []
    (home() / ".pixi").mkdir()
    assert [s.id for s in registry.active(None)] == ["rattler"]
    program = bin_dir / "micromamba"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    assert [s.id for s in registry.active(None)] == BOTH
    assert registry.active([]) == []
    assert [s.id for s in registry.active(["mamba"])] == ["mamba"]


def test_package_managers_empty_connects_conda_only(env, sandbox, tmp_path):
    (home() / ".pixi").mkdir()
    (home() / ".mamba").mkdir()
    connector = connector_for([])
    sign_in(connector, "cloud", sandbox)
    assert not rattler.credentials_path().exists() and not mamba.auth_path().exists()
    assert connector.status().package_managers == []


# --- the doctor asks the way each client asks ---------------------------------------------


def test_doctor_asks_as_rattler_and_mamba_for_cloud(env, sandbox):
    connector = connector_for()
    sign_in(connector, "cloud", sandbox)
    connector.add_channels([sandbox.urls["cloud"] + "acme/internal"], [])
    found = {f.check: f for f in connector.doctor().findings}
    root = sandbox.urls["cloud"]  # the first configured channel under the repository
    assert found["pixi"].ok and f"read {root}main" in found["pixi"].message, found["pixi"]
    assert found["mamba"].ok and f"read {root}main" in found["mamba"].message, found["mamba"]
    token = sandbox.cloud_tokens[0]
    assert all(token not in f.message for f in found.values())


def test_doctor_asks_through_the_mirror_for_server(env, sandbox):
    connector = connector_for()
    sign_in(connector, "server", sandbox)
    connector.add_channels(["internal-tools"], [])
    found = {f.check: f for f in connector.doctor().findings}
    assert found["pixi"].ok and "internal-tools" in found["pixi"].message, found["pixi"]
    assert not found["mamba"].ok and "right after the host" in found["mamba"].message


def test_doctor_finds_our_entry_gone(env, sandbox):
    connector = connector_for(["rattler"])
    sign_in(connector, "cloud", sandbox)
    rattler.credentials_path().unlink()
    found = {f.check: f for f in connector.doctor().findings}
    assert not found["pixi"].ok and "not connected" in found["pixi"].message
    assert connector.status().package_managers == []


def test_doctor_finds_a_credential_that_is_refused(env, sandbox):
    connector = connector_for(["rattler"])
    sign_in(connector, "server", sandbox)
    connector.add_channels(["internal-tools"], [])
    grant = grant_of(connector)
    path = rattler.credentials_path()  # a hand-made entry for the same host: rattler adds it too
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({grant.host: {"CondaToken": "wrong-token"}}))
    found = {f.check: f for f in connector.doctor().findings}
    assert not found["pixi"].ok and "refused" in found["pixi"].message


# --- a kill at every write point of a sign-in or sign-out that writes the sinks' files ----


@pytest.mark.parametrize("service", ["cloud", "server"])
@pytest.mark.parametrize("flow", ["sign-in", "sign-out"])
def test_kill_at_every_write_point_keeps_the_users_files(env, sandbox, flow, service):
    """The kill harness (tests/reliability/test_kills.py) with both sinks writing: after the
    next operation recovers, either everything is written or nothing, and a sign-out gives
    back the user's files byte for byte."""
    from tests.reliability.test_kills import run_child, wait

    from .conftest import ORIGINAL_CONDARC

    files = user_files()
    expected = ["rattler", "mamba"] if service == "cloud" else ["rattler"]

    def prepare() -> None:
        for path, content in files.items():
            path.write_bytes(content)
            path.chmod(0o644)
        env.condarc.write_bytes(ORIGINAL_CONDARC)
        if flow == "sign-out":
            sign_in(connector_for(), service, sandbox)

    def action() -> None:
        connector = connector_for()
        sign_in(connector, service, sandbox) if flow == "sign-in" else connector.disconnect()

    def assert_whole() -> None:
        connector = connector_for()
        status = connector.status()  # recovery happens here
        if status.connected:  # fully signed in: every client connected
            assert status.package_managers == expected
            connector.disconnect()
        for path, content in files.items():
            assert path.read_bytes() == content, path
        assert env.condarc.read_bytes() == ORIGINAL_CONDARC

    prepare()
    pid, changes = run_child(action, None)
    assert wait(pid) == 0, "the flow failed without a kill"
    assert_whole()
    for point in range(1, changes + 1):
        prepare()
        pid, _ = run_child(action, point)
        assert os.WIFSIGNALED(wait(pid)), f"change {point} of {changes} was not reached"
        assert_whole()


def test_sign_out_cleans_a_sink_the_setting_no_longer_names(env, sandbox, monkeypatch):
    """Signed in with pixi connected, then package_managers = []: sign-out still removes
    the mirror it wrote, and nothing else."""
    from jupyter_repoconnect.core import Connector, RepoConnectSettings

    home = env.condarc.parent
    (home / ".pixi").mkdir(exist_ok=True)
    monkeypatch.delenv("PIXI_HOME", raising=False)
    login = {"username": "demo", "password": "demo-password"}
    Connector(RepoConnectSettings(timeout=3.0, package_managers=["rattler"])).connect(
        "server", domain=sandbox.urls["server"], **login
    )
    config = home / ".pixi" / "config.toml"
    assert "mirrors" in config.read_text()
    Connector(RepoConnectSettings(timeout=3.0, package_managers=[])).disconnect()
    assert not config.exists()  # we created it; nothing else was in it
