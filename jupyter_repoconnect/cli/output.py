"""What the commands print: results as JSON, or as the text both text surfaces share
(:mod:`jupyter_repoconnect.text.render`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core import ChannelPage, CondarcChannels, Diagnosis, Status


def print_json(obj: Any) -> None:
    import json

    print(json.dumps(obj, indent=2))


def service_title(service: str | None) -> str:
    from ..text.render import service_title as title

    return title(service)


def print_lists(lists: CondarcChannels, text_filter: str = "") -> None:
    from ..text.render import lists_text

    print(lists_text(lists, text_filter))


def print_status(st: Status) -> None:
    from ..text.render import CLI, status_text

    print(status_text(st, CLI))


def print_signed_in(st: Status) -> None:
    """The summary after a sign-in (``login``, ``account token install``)."""
    from ..text.render import CLI, signed_in_text

    print(signed_in_text(st, CLI))


def print_available(page: ChannelPage, text_filter: str = "") -> None:
    """One page of the channels the server offers, as a table with the next steps."""
    from ..text.render import CLI, page_text

    print(page_text(page, CLI))


def print_diagnosis(diagnosis: Diagnosis) -> None:
    """A headline, then one ``[ok]``/``[FAIL]`` line per finding with its hint."""
    from ..text.render import diagnosis_text

    print(diagnosis_text(diagnosis))
