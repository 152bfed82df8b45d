"""The core's messages name no button or command; each surface adds its own next step."""

from __future__ import annotations

from jupyter_repoconnect.core.errors import BadInput, Code, Conflict
from jupyter_repoconnect.text.steps import error_text


def test_the_text_surfaces_add_their_command() -> None:
    exc = BadInput("No Anaconda Server domain is set.", code=Code.DOMAIN_REQUIRED)
    line = error_text(exc, "jupyter repoconnect")
    assert line.startswith(exc.message)
    assert "jupyter repoconnect domain server|enterprise URL" in line
    assert "%repo_connect domain server|enterprise URL" in error_text(exc, "%repo_connect")
    reissue = Conflict("acme already has a repository token.", code=Code.CONFIRM_REISSUE)
    assert error_text(reissue, "%repo_connect").endswith("Add --yes to reissue it.")
    plain = BadInput("The domain contains spaces.", code=Code.INVALID_DOMAIN)
    assert error_text(plain, "jupyter repoconnect") == plain.message


def test_the_notebook_panels_add_their_buttons() -> None:
    from jupyter_repoconnect.widgets.common import error_text as panel_text

    exc = BadInput("No Anaconda Server domain is set.", code=Code.DOMAIN_REQUIRED)
    assert (
        panel_text(exc)
        == 'No Anaconda Server domain is set. Enter the domain, then click "Set Domain".'
    )


def test_no_core_message_names_a_button() -> None:
    """The words of the panels' buttons appear in no core source line that builds a message."""
    from pathlib import Path

    import jupyter_repoconnect.core as core

    words = ('click "', "click Set", "(Configure Conda)", "Install token again", "Confirm to")
    mine = ("connector.py", "account.py", "validate.py", "domains.py", "errors.py")
    for name in mine:
        text = (Path(core.__file__).parent / name).read_text(encoding="utf-8")
        assert not [w for w in words if w in text], name
