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
    return env.snapshot
