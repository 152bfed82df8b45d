import stat

from jupyter_repoconnect.core.state import RecordedState, StateStore


def test_round_trip_with_reference_key_names_and_mode_0600(tmp_path):
    store = StateStore(tmp_path)
    store.save(
        RecordedState(
            logged_api_url="https://s/api",
            anaconda_server_token="tok",
            anaconda_server_token_id="7",
        )
    )
    text = store.ini.read_text()
    for key in (
        "logged_api_url = https://s/api",
        "anaconda_server_token = tok",
        "anaconda_server_token_id = 7",
        "service = None",
    ):
        assert key in text
    assert stat.S_IMODE(store.ini.stat().st_mode) == 0o600
    assert store.load().anaconda_server_token_id == "7"


def test_legacy_team_edition_keys_are_read(tmp_path):
    store = StateStore(tmp_path)
    store.ini.write_text("[main]\nteam_edition_token = old\nteam_edition_token_id = 3\n")
    state = store.load()
    assert (state.anaconda_server_token, state.anaconda_server_token_id) == ("old", "3")
    assert store.needs_migration()
    store.save(state)
    assert not store.needs_migration()
    assert "anaconda_server_token = old" in store.ini.read_text()


def test_signed_out_keeps_domains_only():
    state = RecordedState(
        logged_api_url="u",
        anaconda_server_token="t",
        anaconda_server_token_id="1",
        anaconda_server_api_url="https://s",
        enterprise_4_repo_api_url="https://e/api",
        service="server",
        username="demo",
    )
    assert state.signed_out() == RecordedState(
        anaconda_server_api_url="https://s", enterprise_4_repo_api_url="https://e/api"
    )


def test_saved_copy_remembers_a_missing_file(tmp_path):
    store = StateStore(tmp_path)
    store.save_copy(store.saved_condarc, None)
    assert store.read_copy(store.saved_condarc) == (True, None)
    store.save_copy(store.saved_condarc, b"channels: []\n")
    assert store.read_copy(store.saved_condarc) == (True, b"channels: []\n")
