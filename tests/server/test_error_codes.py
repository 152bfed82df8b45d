"""The REST contract's error codes are core/errors.py's table: openapi.yaml and
docs/rest-api.md list exactly its codes, each under the HTTP status the handlers give it."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from jupyter_repoconnect.core.errors import Code, HttpCode
from jupyter_repoconnect.handlers import HTTP_ERROR_CODES, status_for

REST_DOC = Path(__file__).resolve().parents[2] / "docs" / "rest-api.md"
ALL = {c.value for c in Code} | {c.value for c in HttpCode}


def _status(code: Code) -> int:
    return status_for(code.kind("x", code=code))


def test_openapi_error_enum_is_the_table() -> None:
    spec = yaml.safe_load((files("jupyter_repoconnect") / "openapi.yaml").read_text("utf-8"))
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]["error"]["enum"]) == ALL
    assert error["properties"]["state_moved"] == {
        "type": "boolean",
        **error["properties"]["state_moved"],
    }
    assert "state_moved" in error["required"]


def test_rest_doc_lists_every_code_under_its_status() -> None:
    rows: dict[str, set[str]] = {}
    for line in REST_DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"\d{3}( / \d{3})?|other", cells[0]):
            rows[cells[0]] = set(re.findall(r"`([a-z_]+)`", cells[2]))
    listed = set().union(*rows.values())
    assert listed == ALL, f"missing {sorted(ALL - listed)}, unknown {sorted(listed - ALL)}"
    for code in Code:
        where = [status for status, codes in rows.items() if code.value in codes]
        assert any(str(_status(code)) in status for status in where), (code.value, where)
    for status, code in HTTP_ERROR_CODES.items():
        assert any(str(status) in s for s, codes in rows.items() if code in codes), code


async def test_an_error_body_says_whether_the_state_moved(rest: Any) -> None:
    reply = await rest.post("disconnect")  # nobody is signed in: someone signed out elsewhere
    assert reply.status == 409
    assert reply.body["error"] == "not_connected"
    assert reply.body["state_moved"] is True
    reply = await rest.put("preferences", {"domains": {"server": "  "}})
    assert reply.status == 400
    assert reply.body == {
        "error": "invalid_domain",
        "message": reply.body["message"],
        "state_moved": False,
    }
    assert reply.body["message"].startswith("Please enter the Anaconda Server domain.")
