"""Configure Conda from the command line: list, add, remove and move channels of .condarc."""

from __future__ import annotations

from pathlib import Path

import pytest

from .cli_helpers import one_line

CONDARC = """\
# team settings -- keep me
channels:
  - defaults   # the recommended one
  - conda-forge
  - https://repo.example.com/t/Tk-CaseSensitive-123/repo/org/chan1
default_channels:
  - https://repo.example.com/repo/main
  - https://repo.example.com/repo/r
auto_update_conda: false  # unknown to us, kept
"""
TOKEN = "Tk-CaseSensitive-123"


@pytest.fixture
def edited(repoconnect_env) -> Path:
    path = Path(repoconnect_env.condarc)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONDARC)
    return path


def _lines_except(text: str, *dropped: str) -> list[str]:
    return [line for line in text.splitlines() if not any(d in line for d in dropped)]


def test_listing_shows_both_lists_and_the_file(cli, edited: Path) -> None:
    result = cli("channels")
    assert result.rc == 0, result.err
    assert str(edited) in result.out
    assert "channels:" in result.out and "default_channels:" in result.out
    assert "1. defaults" in result.out
    assert "2. conda-forge" in result.out
    assert "https://repo.example.com/repo/r" in result.out
    assert TOKEN not in result.out  # token URLs are shown masked
    assert "/t/<TOKEN>/" in result.out

    data = cli("channels", "--json").json()
    assert data["path"] == str(edited)
    assert data["channels"][:2] == ["defaults", "conda-forge"]
    assert data["default_channels"] == [
        "https://repo.example.com/repo/main",
        "https://repo.example.com/repo/r",
    ]
    assert TOKEN not in str(data)

    filtered = cli("channels", "--filter", "forge")
    assert "conda-forge" in filtered.out and "defaults" not in filtered.out


def test_remove_keeps_everything_else(cli, edited: Path) -> None:
    result = cli("channels", "remove", "conda-forge")
    assert result.rc == 0, result.err
    assert edited.read_text().splitlines() == _lines_except(CONDARC, "conda-forge")


def test_remove_masked_token_url_and_from_default_channels(cli, edited: Path) -> None:
    masked = "https://repo.example.com/t/<TOKEN>/repo/org/chan1"
    result = cli("channels", "remove", masked, "--from", "channels")
    assert result.rc == 0, result.err
    assert TOKEN not in result.output
    result = cli(
        "channels", "remove", "https://repo.example.com/repo/r", "--from", "default_channels"
    )
    assert result.rc == 0, result.err
    assert edited.read_text().splitlines() == _lines_except(CONDARC, "chan1", "repo/r")


def test_removing_defaults_needs_yes_and_says_why(cli, edited: Path) -> None:
    refused = cli("channels", "remove", "defaults")
    assert refused.rc == 1
    line = one_line(refused.err)
    assert "recommends against" in line
    assert "--yes" in line
    assert edited.read_text() == CONDARC

    done = cli("channels", "remove", "defaults", "--yes")
    assert done.rc == 0, done.err
    assert edited.read_text().splitlines() == _lines_except(CONDARC, "- defaults")


def test_move_keeps_a_masked_token_byte_for_byte(cli, edited: Path) -> None:
    result = cli("channels", "move", "https://repo.example.com/t/<TOKEN>/repo/org/chan1",
                 "--to-position", "1")  # fmt: skip
    assert result.rc == 0, result.err
    assert "1. https://repo.example.com/t/<TOKEN>/repo/org/chan1" in result.out
    text = edited.read_text()
    assert f"https://repo.example.com/t/{TOKEN}/repo/org/chan1" in text
    assert text.index(TOKEN) < text.index("- defaults")
    assert "# team settings -- keep me" in text and "auto_update_conda: false  # unknown" in text

    moved = cli("channels", "move", "https://repo.example.com/repo/r", "--to-position", "1",
                "--in", "default_channels", "--json")  # fmt: skip
    assert moved.rc == 0, moved.err
    assert moved.json()["default_channels"][0] == "https://repo.example.com/repo/r"


def test_add_to_each_list(cli, edited: Path) -> None:
    result = cli("channels", "add", "bioconda", "pytorch")
    assert result.rc == 0, result.err
    assert "Added 2 channels to channels (bioconda, pytorch) in " in result.out
    msys2 = "https://repo.example.com/repo/msys2"
    result = cli("channels", "add", msys2, "--to", "default_channels")
    assert result.rc == 0, result.err
    data = cli("channels", "--json").json()
    assert data["channels"][-2:] == ["bioconda", "pytorch"]
    assert data["default_channels"][-1] == "https://repo.example.com/repo/msys2"
    assert "# team settings -- keep me" in edited.read_text()


def test_condarc_option_edits_another_file(cli, tmp_path: Path) -> None:
    other = tmp_path / "other.condarc"
    other.write_text("channels:\n  - defaults\n")
    result = cli("--condarc", str(other), "channels", "add", "bioconda")
    assert result.rc == 0, result.err
    assert other.read_text() == "channels:\n  - defaults\n  - bioconda\n"
    status = cli("status", "--json", "--condarc", str(other)).json()
    assert status["condarc_path"] == str(other)
