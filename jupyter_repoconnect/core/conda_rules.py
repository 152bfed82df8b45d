"""What in a user's ``.condarc`` makes conda ignore it or part of it, said in words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .condarc import CondarcDocument


def ignored_condarc_message(path: Any) -> str:
    return (
        f"conda ignores {path}: it reads a $CONDARC file only when it is named .condarc or "
        "condarc or ends in .yml/.yaml (conda 23.7 and later). Rename the file and point "
        "CONDARC at the new name, then try again."
    )


def condarc_warnings(doc: CondarcDocument) -> list[str]:
    """What in the user's ``.condarc`` stops conda from using it as the user expects."""
    from .conda_config import conda_would_load

    found = []
    if not conda_would_load(doc.path):
        found.append(ignored_condarc_message(doc.path))
    channels = doc.get_list("channels")
    if doc.get_list("default_channels") and channels is not None and "defaults" not in channels:
        found.append(
            "default_channels is set, but conda uses it only where 'defaults' is listed in "
            "channels (conda 25.3 and later). Add 'defaults' to channels (Configure Conda) or "
            "the default_channels entries will not be searched."
        )
    return found
