from pathlib import Path

import pytest

from jupyter_repoconnect.core import Connector, RepoConnectSettings

ORIGINAL_CONDARC = b"""\
# my conda settings
channels:
  - defaults   # keep this
  - conda-forge
default_channels:
  - https://example.com/old-main
ssl_verify: true
"""


def files_under(*roots: Path) -> dict[str, bytes]:
    """Every file below ``roots`` with its bytes (the lock file excepted)."""
    found: dict[str, bytes] = {}
    for root in roots:
        if root.is_file():
            found[str(root)] = root.read_bytes()
        elif root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.endswith(".lock"):
                    found[str(path)] = path.read_bytes()
    return found


@pytest.fixture
def env(repoconnect_env):
    repoconnect_env.condarc.parent.mkdir(parents=True, exist_ok=True)
    repoconnect_env.condarc.write_bytes(ORIGINAL_CONDARC)
    return repoconnect_env


@pytest.fixture
def connector(env):
    return Connector(RepoConnectSettings(timeout=3.0))


@pytest.fixture
def snapshot(env):
    """Call it before and after: equal results mean nothing on disk changed."""
    return lambda: files_under(env.condarc, env.binstar_dir, env.state_dir)
