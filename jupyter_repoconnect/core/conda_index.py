"""conda's index cache: cleaned after a token or channel source changes, as anaconda-auth does.

Repodata fetched under the previous token or organisation would otherwise be reused until it
expires. The cleaning is conda's own (``conda clean --index-cache``), run only where conda is
present: ``$CONDA_EXE`` (set by ``conda activate``) or ``conda`` on the PATH. Without conda
there is no index cache of conda's to clean (docs/admin.md says so).
"""

from __future__ import annotations

import os
import shutil
import subprocess

TIMEOUT = 120.0  # seconds; conda imports itself first


def conda_executable() -> str | None:
    found = os.environ.get("CONDA_EXE") or shutil.which("conda")
    return found if found and os.access(found, os.X_OK) else None


def clean() -> list[str]:
    """Run ``conda clean --index-cache``; what went wrong, as notes (never raises)."""
    conda = conda_executable()
    if conda is None:
        return []
    try:
        done = subprocess.run(
            [conda, "clean", "--index-cache", "--yes", "--quiet"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        done = None
    if done is not None and done.returncode == 0:
        return []
    return [
        "conda's index cache could not be cleaned, so conda may use channel data fetched "
        "before this change until it expires: run 'conda clean --index-cache'."
    ]
