"""What a sign-in changed in ``.condarc``, said in the same words on every surface.

A sign-in empties ``channels`` and sets ``channel_alias`` (Server, Enterprise 4) or
``default_channels`` (Cloud), as Navigator and the token tools do; nobody should learn that
from a failing ``conda install``. The connect answer carries one :class:`Change` per key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import Change

if TYPE_CHECKING:
    from .condarc import CondarcDocument
    from .services.base import RepositoryService

LISTS = ("channels", "default_channels")
SCALARS = ("channel_alias", "add_anaconda_token", "restore_free_channel", "ssl_verify")
# Said once after the list, by every surface.
RESTORED = "Your previous .condarc is saved and comes back at sign-out."


def condarc_changes(
    before: CondarcDocument, after: CondarcDocument, service: RepositoryService
) -> list[Change]:
    """One :class:`Change` per key the sign-in changed, in a fixed order, tokens masked."""
    from .condarc import mask_token

    found: list[Change] = []
    for key in LISTS:
        old, new = before.get_list(key), after.get_list(key)
        if old != new:
            shown_old = None if old is None else [mask_token(v) for v in old]
            shown_new = None if new is None else [mask_token(v) for v in new]
            text = f"{key}: {_show(shown_old)} → {_show(shown_new)}"
            why = _why_list(key, shown_new, service)
            found.append(Change(key, shown_old, shown_new, f"{text} ({why})" if why else text))
    for key in SCALARS:
        old_value, new_value = before.get_scalar(key), after.get_scalar(key)
        if old_value != new_value:
            shown = [v if v is None or isinstance(v, bool) else mask_token(str(v))
                     for v in (old_value, new_value)]  # fmt: skip
            text = (
                f"{key} set to {_show(shown[1])}"
                if old_value is None
                else f"{key}: {_show(shown[0])} → {_show(shown[1])}"
            )
            why = _WHY_SCALAR.get((key, new_value if isinstance(new_value, bool) else None))
            found.append(Change(key, shown[0], shown[1], f"{text} ({why})" if why else text))
    return found


_WHY_SCALAR: dict[tuple[str, Any], str] = {
    ("channel_alias", None): "conda now looks channel names up on the repository",
    ("ssl_verify", False): "certificate checks are off, as you chose with Trust this server",
    ("add_anaconda_token", True): "conda sends your token to the repository",
    ("restore_free_channel", False): "as the token tools set it",
}


def _why_list(key: str, new: list[str] | None, service: RepositoryService) -> str | None:
    if key == "channels" and new == []:
        if service.capabilities.lists_channels:
            return "conda now uses only the repository's channels: pick them with Add channels"
        return "conda now uses only the repository's channels: add the ones you need"
    if key == "channels" and new == ["defaults"]:
        return "conda 25.3 and later reads default_channels only through defaults"
    if key == "default_channels" and new is None:
        return "defaults no longer points elsewhere"
    if key == "default_channels" and new:
        return "what defaults now means: the repository's channels"
    return None


def _show(value: object) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
