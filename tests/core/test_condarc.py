import os
import stat

import pytest

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
    assert Condarc(path).load().data == {}
    path.write_text("")
    assert Condarc(path).load().data == {}


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
