"""Configure Conda: list edits keep everything else in .condarc, line for line."""

import pytest

from jupyter_repoconnect.core import BadInput, Conflict, Connector, RepoConnectSettings

TOKEN = "AbCdEf-123_XyZ"
FILE = f"""\
# top comment
ssl_verify: true   # company proxy
channels:
  - https://repo.anaconda.cloud/t/{TOKEN}/repo/business-org-name/channel1  # org
  - https://repo.anaconda.cloud/t/{TOKEN}/repo/business-org-name/channel2
  - defaults
default_channels:
  - https://srv.example.com/api/repo/main
  - https://srv.example.com/api/repo/r
unknown_key:
  nested: [1, 2]
"""
MASKED1 = "https://repo.anaconda.cloud/t/<TOKEN>/repo/business-org-name/channel1"
MASKED2 = "https://repo.anaconda.cloud/t/<TOKEN>/repo/business-org-name/channel2"


@pytest.fixture
def connector(repoconnect_env):
    repoconnect_env.condarc.parent.mkdir(parents=True, exist_ok=True)
    repoconnect_env.condarc.write_text(FILE)
    return Connector(RepoConnectSettings())


def lines(env):
    return env.condarc.read_text().splitlines()


def test_listing_masks_tokens_and_has_a_version(connector, repoconnect_env):
    listed = connector.condarc_channels()
    assert listed.channels == [MASKED1, MASKED2, "defaults"]
    assert listed.default_channels[0] == "https://srv.example.com/api/repo/main"
    assert listed.exists and listed.path == str(repoconnect_env.condarc)
    assert TOKEN not in repr(listed)


def test_remove_the_reference_example_keeps_every_other_line(connector, repoconnect_env):
    before = lines(repoconnect_env)
    result = connector.remove_channels([MASKED1, MASKED2], from_list="channels")
    assert result.channels == ["defaults"]
    assert lines(repoconnect_env) == before[:3] + before[5:]


def test_removing_defaults_needs_confirmation(connector, repoconnect_env):
    before = repoconnect_env.condarc.read_bytes()
    with pytest.raises(BadInput) as info:
        connector.remove_channels(["defaults"])
    assert "recommends against removing 'defaults'" in info.value.message
    assert info.value.code == "confirm_defaults"
    assert repoconnect_env.condarc.read_bytes() == before
    assert connector.remove_channels(["defaults"], confirm_defaults=True).channels == [
        MASKED1,
        MASKED2,
    ]


def test_move_keeps_the_token_byte_for_byte(connector, repoconnect_env):
    connector.move_channel("defaults", 0)
    after = lines(repoconnect_env)
    assert after[3] == "  - defaults"
    assert after[4].endswith(f"/t/{TOKEN}/repo/business-org-name/channel1  # org")
    assert after[5] == f"  - https://repo.anaconda.cloud/t/{TOKEN}/repo/business-org-name/channel2"
    assert after[6:] == FILE.splitlines()[6:]


def test_replace_with_masked_entries_maps_back_to_the_file(connector, repoconnect_env):
    version = connector.condarc_channels().version
    connector.replace_channels([MASKED2, "defaults", "conda-forge"], None, version=version)
    text = repoconnect_env.condarc.read_text()
    assert f"/t/{TOKEN}/repo/business-org-name/channel2" in text
    assert "channel1" not in text
    assert "unknown_key:\n  nested: [1, 2]" in text
    assert "# top comment" in text and "# company proxy" in text


def test_empty_default_channels_removes_the_key(connector, repoconnect_env):
    connector.replace_channels(None, [])
    assert "default_channels" not in repoconnect_env.condarc.read_text()


def test_concurrent_edit_between_read_and_write_is_a_conflict(connector, repoconnect_env):
    version = connector.condarc_channels().version
    repoconnect_env.condarc.write_text(FILE + "changed_elsewhere: true\n")
    before = repoconnect_env.condarc.read_bytes()
    with pytest.raises(Conflict) as info:
        connector.replace_channels(["defaults"], None, version=version, confirm_defaults=True)
    assert info.value.code == "stale_version"
    assert "changed on disk since you opened it" in info.value.message
    assert repoconnect_env.condarc.read_bytes() == before


@pytest.mark.parametrize(
    ("channels", "words"),
    [
        (["a", "a"], "the same channel twice"),
        ([" "], "empty entry"),
        (["a b"], "contains spaces"),
        (
            ["https://repo.anaconda.cloud/t/<TOKEN>/repo/other/x"],
            "hides a token that is not in the file",
        ),
    ],
)
def test_bad_lists_are_refused(connector, repoconnect_env, channels, words):
    before = repoconnect_env.condarc.read_bytes()
    with pytest.raises(BadInput) as info:
        connector.replace_channels(channels + ["defaults"], None)
    assert words in info.value.message
    assert repoconnect_env.condarc.read_bytes() == before


def test_remove_unknown_channel(connector):
    with pytest.raises(BadInput, match="is not in"):
        connector.remove_channels(["nope"])


# --- a channel name and its URL under channel_alias are one channel (issue 10) --------------

ALIASED = """\
channel_alias: https://srv.example.com/api/repo
channels:
  - defaults
  - https://srv.example.com/api/repo/team-a  # added as a URL
  - team-b
"""


@pytest.fixture
def aliased(repoconnect_env):
    repoconnect_env.condarc.parent.mkdir(parents=True, exist_ok=True)
    repoconnect_env.condarc.write_text(ALIASED)
    return Connector(RepoConnectSettings())


def test_remove_by_name_finds_the_url_under_channel_alias(aliased, repoconnect_env):
    assert aliased.remove_channels(["team-a"]).channels == ["defaults", "team-b"]
    assert "team-a" not in repoconnect_env.condarc.read_text()


def test_remove_by_url_finds_the_name_under_channel_alias(aliased):
    result = aliased.remove_channels(["https://srv.example.com/api/repo/team-b/"])
    assert result.channels == ["defaults", "https://srv.example.com/api/repo/team-a"]


def test_move_by_name_finds_the_url(aliased):
    assert aliased.move_channel("team-a", 0).channels[0].endswith("/team-a")


def test_without_channel_alias_names_resolve_under_condas_default(repoconnect_env):
    repoconnect_env.condarc.parent.mkdir(parents=True, exist_ok=True)
    repoconnect_env.condarc.write_text("channels:\n  - https://conda.anaconda.org/conda-forge\n")
    connector = Connector(RepoConnectSettings())
    assert connector.remove_channels(["conda-forge"]).channels == []


def test_a_name_does_not_match_a_url_under_another_alias(aliased):
    with pytest.raises(BadInput) as info:
        aliased.remove_channels(["https://other.example.com/api/repo/team-b"])
    assert info.value.code == "not_found"


def test_a_token_alias_matches_the_masked_url(repoconnect_env):
    from jupyter_repoconnect.core.configure import same_channel

    alias = f"https://e.example.com/conda/t/{TOKEN}"
    assert same_channel("https://e.example.com/conda/t/<TOKEN>/owner/ch", "owner/ch", alias)
    assert same_channel("owner/ch", f"{alias}/owner/ch", alias)
    assert not same_channel("owner/other", f"{alias}/owner/ch", alias)
