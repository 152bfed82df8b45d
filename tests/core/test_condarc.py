import os
import stat

import pytest
from ruamel.yaml import YAML

from jupyter_repoconnect.core.condarc import Condarc, mask_token
from jupyter_repoconnect.core.errors import CorruptCondarc

ORIGINAL = """\
# company settings -- keep
channels:  # my channels
  - defaults   # the default
  - 'conda-forge'
ssl_verify: true
custom_channels:
  internal: https://internal.example.com
"""


def test_edit_keeps_comments_quotes_order_and_other_keys(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text(ORIGINAL)
    Condarc(path).edit(lambda d: d.set_list("channels", d.get_list("channels") + ["extra"]))
    after = path.read_text().splitlines()
    before = ORIGINAL.splitlines()
    assert after[:4] == before[:4]
    assert after[4] == "  - extra"
    assert after[5:] == before[4:]


def test_mode_is_kept_and_no_temp_file_left(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text(ORIGINAL)
    os.chmod(path, 0o640)
    Condarc(path).edit(lambda d: d.set_list("default_channels", ["https://x.example.com/main"]))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == [".condarc"]


def test_unchanged_edit_does_not_rewrite(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text(ORIGINAL)
    mtime = path.stat().st_mtime_ns
    Condarc(path).edit(lambda d: None)
    assert path.stat().st_mtime_ns == mtime


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("channels: [a, b\n", "is not valid YAML at line 2"),
        ("channels:\n  - a\n - b\n", "is not valid YAML at line"),
        ("- a\n- b\n", "its top level is a seq"),
        ("just a string\n", "its top level is a str"),
        ("channels: defaults\n", "'channels' in"),
    ],
)
def test_corrupt_file_names_file_and_line_and_is_never_written(tmp_path, content, words):
    path = tmp_path / ".condarc"
    path.write_text(content)
    with pytest.raises(CorruptCondarc) as info:
        Condarc(path).edit(lambda d: d.set_list("channels", d.get_list("channels") or []))
    assert words in info.value.message
    assert str(path) in info.value.message
    assert path.read_text() == content


def test_empty_and_missing_files_are_empty_settings(tmp_path):
    path = tmp_path / ".condarc"
    assert Condarc(path).load().settings() == {}
    path.write_text("")
    assert Condarc(path).load().settings() == {}


def test_mask_token_keeps_case_elsewhere():
    url = "https://repo.anaconda.cloud/t/AbC-123xYZ/repo/Org/Channel1"
    assert mask_token(url) == "https://repo.anaconda.cloud/t/<TOKEN>/repo/Org/Channel1"


def test_emptying_a_list_with_a_comment_on_its_key_stays_valid_yaml(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text("channels:   # mine\n  - defaults\nssl_verify: true\n")
    Condarc(path).edit(lambda d: d.set_list("channels", []))
    assert path.read_text() == "channels: []  # mine\nssl_verify: true\n"
    Condarc(path).edit(lambda d: d.set_list("channels", ["a"]))
    assert Condarc(path).load().get_list("channels") == ["a"]
    assert "# mine" in path.read_text()


# --- one parse, one write, linear (issue 12) ---------------------------------------------


@pytest.fixture
def count_parses(monkeypatch):
    """Count full parses: ruamel.yaml round-trip loads and libyaml (C) composes."""
    import yaml
    from ruamel.yaml import YAML

    calls = []
    real_load, real_compose = YAML.load, yaml.compose

    def load(self, stream):
        calls.append("ruamel")
        return real_load(self, stream)

    def compose(*args, **kwargs):
        calls.append("libyaml")
        return real_compose(*args, **kwargs)

    monkeypatch.setattr(YAML, "load", load)
    monkeypatch.setattr(yaml, "compose", compose)
    return calls


def test_an_append_is_made_on_the_text_and_proven_by_libyaml(tmp_path, count_parses):
    path = tmp_path / ".condarc"
    path.write_text(ORIGINAL)
    doc = Condarc(path).edit(lambda d: d.set_list("channels", d.get_list("channels") + ["x:1"]))
    assert doc.get_list("channels") == ["defaults", "conda-forge", "x:1"]
    assert count_parses == ["libyaml", "libyaml"]  # read, then read back; no ruamel round trip
    assert path.read_text() == ORIGINAL.replace(
        "  - 'conda-forge'\n", "  - 'conda-forge'\n  - x:1\n"
    )


def test_any_other_edit_parses_the_file_once_with_ruamel(tmp_path, count_parses):
    path = tmp_path / ".condarc"
    path.write_text(ORIGINAL)
    doc = Condarc(path).edit(lambda d: d.set_list("channels", ["extra", *d.get_list("channels")]))
    assert doc.get_list("channels") == ["extra", "defaults", "conda-forge"]
    assert count_parses.count("ruamel") == 1


def test_reading_an_unchanged_file_again_does_not_parse_it(tmp_path, count_parses):
    path = tmp_path / ".condarc"
    path.write_text(ORIGINAL)
    assert Condarc(path).load().get_list("channels") == ["defaults", "conda-forge"]
    parsed = len(count_parses)
    assert Condarc(path).load().get_list("channels") == ["defaults", "conda-forge"]
    assert len(count_parses) == parsed
    Condarc(path).edit(lambda d: d.set_list("channels", ["defaults"]))
    parsed = len(count_parses)
    assert Condarc(path).load().get_list("channels") == ["defaults"]
    assert len(count_parses) == parsed  # the edit's result is what the next read gets


class CountingText(str):
    """A channel name that counts how often it is compared."""

    compared = 0

    def __eq__(self, other):
        CountingText.compared += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def test_rewriting_a_long_list_compares_each_entry_a_bounded_number_of_times(tmp_path):
    n = 2000
    path = tmp_path / ".condarc"
    path.write_text("channels:\n" + "".join(f"  - c{i}\n" for i in range(n)))
    CountingText.compared = 0
    new = [CountingText(f"c{i}") for i in reversed(range(n))]
    Condarc(path).edit(lambda d: d.set_list("channels", new))
    assert Condarc(path).load().get_list("channels") == [f"c{i}" for i in reversed(range(n))]
    assert CountingText.compared < 5 * n  # quadratic matching made ~n*n/2 comparisons


def test_a_change_made_by_another_program_during_the_edit_is_not_lost(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text(ORIGINAL)
    calls = []

    def change(doc):
        if not calls:  # another program writes while our first attempt is under way
            path.write_text(ORIGINAL.replace("ssl_verify: true", "ssl_verify: false"))
        calls.append(1)
        doc.set_list("channels", doc.get_list("channels") + ["extra"])

    Condarc(path).edit(change)
    text = path.read_text()
    assert "ssl_verify: false" in text and "  - extra\n" in text
    assert len(calls) == 2


# --- hostile files (issue 10) ----------------------------------------------------------------


def test_crlf_line_ends_and_a_bom_are_kept_byte_for_byte(tmp_path):
    path = tmp_path / ".condarc"
    original = "\ufeff# mine\r\nchannels:  # c\r\n  - defaults  # d\r\nssl_verify: true\r\n"
    path.write_bytes(original.encode())
    Condarc(path).edit(lambda d: d.set_list("channels", ["defaults", "extra"]))
    expected = original.replace("# d\r\n", "# d\r\n  - extra\r\n")
    assert path.read_bytes() == expected.encode()
    assert Condarc(path).load().get_list("channels") == ["defaults", "extra"]


def test_editing_a_list_shared_through_an_anchor_leaves_the_other_list_alone(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text("channels: &mine\n  - a\n  - b\ndefault_channels: *mine\n")
    Condarc(path).edit(lambda d: d.set_list("channels", ["a", "b", "c"]))
    doc = Condarc(path).load()
    assert doc.get_list("channels") == ["a", "b", "c"]
    assert doc.get_list("default_channels") == ["a", "b"]
    path.write_text("default_channels: &d\n  - a\n  - b\nchannels: *d\n")
    Condarc(path).edit(lambda d: d.set_list("channels", ["b"]))
    doc = Condarc(path).load()
    assert (doc.get_list("channels"), doc.get_list("default_channels")) == (["b"], ["a", "b"])


def alias_bomb(levels):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines.append(f"channels: *a{levels - 1}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [6, 9])
def test_an_alias_bomb_is_refused_with_the_file_and_line(tmp_path, levels):
    path = tmp_path / ".condarc"
    path.write_text(alias_bomb(levels))
    assert len(path.read_bytes()) <= 525  # 9 levels: the 525-byte file of issue 10
    with pytest.raises(CorruptCondarc) as info:
        Condarc(path).load().get_list("channels")
    assert str(path) in info.value.message and "alias" in info.value.message
    assert "at line " in info.value.message
    with pytest.raises(CorruptCondarc):
        Condarc(path).edit(lambda d: d.set_list("channels", ["a"]))
    assert path.read_text() == alias_bomb(levels)


def test_a_few_aliases_are_fine(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text("x: &x [a, b]\ny: [*x, *x]\nchannels: [defaults]\n")
    assert Condarc(path).load().get_list("channels") == ["defaults"]


def test_a_nested_list_in_channels_is_refused_with_its_line(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text("channels:\n  - defaults\n  - [a, b]\n")
    with pytest.raises(CorruptCondarc) as info:
        Condarc(path).load().get_list("channels")
    assert "line 3" in info.value.message and str(path) in info.value.message


def section(text, key):
    """The lines of top-level ``key`` in ``text``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i][:1] not in (" ", "")), None)
    return "\n".join(lines[start:end])


@pytest.mark.parametrize(
    ("text", "mine", "theirs"),
    [
        ("channels: &c [a, b]  # mine\ndefault_channels: *c\n", "# mine", None),
        ("default_channels: &c  # theirs\n  - a  # first\n  - b\nchannels: *c\n", None, "# first"),
    ],
)
def test_comments_of_a_shared_list_stay_on_the_lines_they_were_written(
    tmp_path, text, mine, theirs
):
    path = tmp_path / ".condarc"
    path.write_text(text)
    Condarc(path).edit(lambda d: d.set_list("channels", ["a", "b", "x"]))
    after = path.read_text()
    doc = Condarc(path).load()
    assert (doc.get_list("channels"), doc.get_list("default_channels")) == (
        ["a", "b", "x"],
        ["a", "b"],
    )
    channels_part, defaults_part = section(after, "channels"), section(after, "default_channels")
    for comment, part in ((mine, channels_part), (theirs, defaults_part)):
        if comment:
            assert after.count(comment) == 1 and comment in part


# --- appends on the text (condarc_splice.py) --------------------------------------------------

TRICKY = ["yes", "1.0", "null", "a#b", "it's", "https://x.example.com/t/T0K/c", "c: d"]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("channels:\n- a\n# tail\nssl_verify: true\n", "- a\n"),  # items at the key's column
        ("channels:\n    -   a  # x\nssl_verify: true\n", "    -   a  # x\n"),  # own spacing
        ("channels: [a]  # flow: the round trip\n", "# flow: the round trip"),
        ("channels:\n  - a", "channels:\n  - a\n"),  # no final newline: the round trip
    ],
)
def test_appended_entries_read_back_as_written_whatever_the_layout(tmp_path, text, kept):
    path = tmp_path / ".condarc"
    path.write_text(text)
    Condarc(path).edit(lambda d: d.set_list("channels", d.get_list("channels") + TRICKY))
    raw = path.read_bytes()
    data = YAML(typ="safe", pure=True).load(raw)  # as conda reads it
    assert data["channels"] == ["a", *TRICKY]
    assert Condarc(path).load().get_list("channels") == ["a", *TRICKY]
    assert kept in raw.decode()


def test_an_append_keeps_every_other_byte(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text("channels:\n- a\n# tail\nssl_verify: true\n")
    Condarc(path).edit(lambda d: d.set_list("channels", ["a", "yes"]))
    assert path.read_text() == "channels:\n- a\n- 'yes'\n# tail\nssl_verify: true\n"


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (["a", "c", "x"], "  - a  # first\n  - c   # third\n  - x\n"),  # on the text
        (["c", "a"], "  - c   # third\n  - a  # first\n"),  # moved and removed: round trip
        (["c", "a", "b"], "  - c   # third\n  - a  # first\n  - b\n"),  # a move: on the text
        ([], None),  # emptied: the round trip writes `channels: []  # mine`
    ],
)
def test_removing_and_moving_entries_keep_their_comments(tmp_path, new, expected):
    path = tmp_path / ".condarc"
    path.write_text("# top\nchannels:  # mine\n  - a  # first\n  - b\n  - c   # third\nssl: 1\n")
    Condarc(path).edit(lambda d: d.set_list("channels", new))
    text = path.read_text()
    body = expected if expected is not None else ""
    head = "# top\nchannels:  # mine\n" if new else "# top\nchannels: []  # mine\n"
    assert text == head + body + "ssl: 1\n"


# --- the interface use cases use (issue 17) ----------------------------------------------------


def test_scalars_read_as_conda_types_them_whichever_parser_answers(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text(
        "channel_alias: https://c.example.com  # mine\nssl_verify: false\n"
        "add_anaconda_token: yes\nremote_read_timeout_secs: 1e3\nquoted: '1e3'\n"
        "channels: [a]\ncustom_channels:\n  x: https://x.example.com\n"
    )
    doc = Condarc(path).load()
    assert doc.get_scalar("channel_alias") == "https://c.example.com"
    assert doc.get_scalar("ssl_verify") is False
    assert doc.get_scalar("add_anaconda_token") == "yes"  # YAML 1.2: text
    assert doc.get_scalar("remote_read_timeout_secs") == 1000.0
    assert doc.get_scalar("quoted") == "1e3"
    assert doc.get_scalar("channels") is None and doc.get_scalar("custom_channels") is None
    assert doc.get_scalar("missing") is None


def test_settings_are_a_plain_deep_copy(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text(
        "ssl_verify: 'ca.pem'\nproxy_servers: &p\n  https: http://proxy:3128\n"
        "other: *p\nchannels:\n  - a  # c\nn: 0x10\nf: 1.5\nb: true\n"
    )
    doc = Condarc(path).load()
    settings = doc.settings()
    assert settings == {
        "ssl_verify": "ca.pem",
        "proxy_servers": {"https": "http://proxy:3128"},
        "other": {"https": "http://proxy:3128"},
        "channels": ["a"],
        "n": 16,
        "f": 1.5,
        "b": True,
    }
    plain = (dict, list, str, int, float, bool)

    def types(value):
        yield type(value)
        if isinstance(value, dict):
            for k, v in value.items():
                yield from types(k)
                yield from types(v)
        elif isinstance(value, list):
            for v in value:
                yield from types(v)

    assert set(types(settings)) <= set(plain)
    settings["proxy_servers"]["https"] = "changed"
    assert settings["other"]["https"] == "http://proxy:3128"  # aliases are copied apart
    assert doc.settings()["proxy_servers"]["https"] == "http://proxy:3128"


def test_set_scalar_and_remove_keep_the_rest_of_the_file(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text(ORIGINAL)

    def change(doc):
        doc.set_scalar("channel_alias", "https://c.example.com")
        doc.set_scalar("ssl_verify", False)
        doc.remove("custom_channels")
        doc.remove("absent")

    Condarc(path).edit(change)
    assert path.read_text() == ORIGINAL.replace("ssl_verify: true", "ssl_verify: false").replace(
        "custom_channels:\n  internal: https://internal.example.com\n",
        "channel_alias: https://c.example.com\n",
    )
    doc = Condarc(path).load()
    assert doc.get_scalar("channel_alias") == "https://c.example.com"
    assert doc.get_scalar("ssl_verify") is False


def test_the_interface_takes_only_what_it_can_write(tmp_path):
    path = tmp_path / ".condarc"
    path.write_text(ORIGINAL)
    for change in (
        lambda d: d.set_list("channels", "defaults"),
        lambda d: d.set_list("channels", ["a", 1]),
        lambda d: d.set_scalar("ssl_verify", ["a"]),
    ):
        with pytest.raises(TypeError):
            Condarc(path).edit(change)
    assert path.read_text() == ORIGINAL


def test_the_raw_map_is_not_part_of_the_interface(tmp_path):
    """Use cases use the typed interface only: the ruamel map is not handed out."""
    path = tmp_path / ".condarc"
    path.write_text(ORIGINAL)
    doc = Condarc(path).load()
    assert not hasattr(doc, "data") and not hasattr(doc, "get_text")


def test_a_move_is_made_on_the_text_and_keeps_every_other_byte(tmp_path):
    """Moving an entry swaps whole lines (their comments with them), proven by libyaml; a
    comment line between entries stays where it is. No ruamel.yaml round trip is needed."""
    path = tmp_path / ".condarc"
    text = "channels:\n  - a  # first\n  # about the next\n  - b\n  - a\nx: {y: 1}   # odd\n"
    path.write_text(text)
    doc = Condarc(path).edit(lambda d: d.set_list("channels", ["b", "a", "a"]))
    assert path.read_text() == (
        "channels:\n  - b\n  # about the next\n  - a  # first\n  - a\nx: {y: 1}   # odd\n"
    )
    assert doc._map is None, "a move took the ruamel.yaml round trip"
