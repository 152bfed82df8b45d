import stat
from urllib.parse import quote_plus

from jupyter_repoconnect.core.tokens import TokenStore


def test_file_layout_matches_conda_and_anaconda_client(tmp_path, monkeypatch):
    monkeypatch.setenv("BINSTAR_CONFIG_DIR", str(tmp_path))
    store = TokenStore()
    store.set("https://srv.example.com/api", "SeCrEt")
    path = tmp_path / "data" / f"{quote_plus('https://srv.example.com/api')}.token"
    assert path.read_text() == "SeCrEt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store.get("https://srv.example.com/api") == "SeCrEt"
    assert [t.url for t in store.list()] == ["https://srv.example.com/api"]
    assert store.remove("https://srv.example.com/api")
    assert store.get("https://srv.example.com/api") is None


def test_reads_and_removes_anaconda_client_second_location(tmp_path, monkeypatch):
    monkeypatch.setenv("BINSTAR_CONFIG_DIR", str(tmp_path))
    legacy = tmp_path / "data" / "tokens"
    legacy.mkdir(parents=True)
    (legacy / f"{quote_plus('https://e/api')}.token").write_text("t1\n")
    store = TokenStore()
    assert store.get("https://e/api") == "t1"
    store.remove("https://e/api")
    assert not list(legacy.iterdir())
