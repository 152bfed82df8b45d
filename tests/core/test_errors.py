"""core/errors.py: every code is defined once, raise sites can only use defined ones, and an
error is never changed after it is raised."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_repoconnect.core import errors
from jupyter_repoconnect.core.errors import Code, HttpCode, RepoConnectError

PACKAGE = Path(errors.__file__).resolve().parents[1]
# The sandbox imitates the services; it raises no core errors of its own.
SKIPPED = ("testing",)


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in SKIPPED:
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _code_values(node: ast.expr) -> Iterator[tuple[str, int]]:
    """The code(s) an expression given as ``code=`` names: "text" or Code.NAME (or a or b)."""
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _code_values(value)
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value, node.lineno
    elif (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Code"
    ):
        member = Code.__members__.get(node.attr)
        yield (member.value if member else f"Code.{node.attr}"), node.lineno


def test_every_code_is_defined_once_with_its_class_and_meaning() -> None:
    values = [c.value for c in Code]
    assert len(values) == len(set(values))
    for code in Code:
        assert issubclass(code.kind, RepoConnectError), code
        assert code.doc.strip(), code
        assert code.value.isidentifier() and code.value == code.value.lower()
    # every class's own code is raised as that class
    for cls in errors._CLASSES.values():
        assert cls.code.kind is cls, cls
    # Jupyter's codes are told apart from the core's (not_found is both: a route, a channel)
    assert {c.value for c in HttpCode} & {c.value for c in Code} == {"not_found"}


def test_the_wire_text_of_a_code_is_its_value() -> None:
    assert f"{Code.BUSY}" == str(Code.BUSY) == "busy" == Code.BUSY
    assert errors.BadInput("x").code == "bad_input"


def test_an_unknown_code_or_one_of_another_class_cannot_be_raised() -> None:
    with pytest.raises(ValueError, match="not a valid Code"):
        errors.BadInput("x", code="no_such_code")
    with pytest.raises(TypeError, match="raised as Conflict"):
        errors.BadInput("x", code=Code.BUSY)
    assert errors.NotConnected("x", code="account_signed_out").code is Code.ACCOUNT_SIGNED_OUT


def test_every_raise_site_names_a_defined_code_of_its_class() -> None:
    known = {c.value for c in Code}
    found = 0
    problems = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            cls = errors._CLASSES.get(name)
            for keyword in node.keywords:
                if keyword.arg != "code":
                    continue
                for value, line in _code_values(keyword.value):
                    found += 1
                    if value not in known:
                        problems.append(f"{path}:{line}: unknown code {value!r}")
                    elif cls is not None and not issubclass(cls, Code(value).kind):
                        problems.append(f"{path}:{line}: {value!r} raised as {name}")
    assert not problems, "\n".join(problems)
    assert found > 50  # the scan sees the raise sites


def test_state_moved_is_defined_once() -> None:
    moved = {c.value for c in Code if c.state_moved}
    assert moved == {"conflict", "not_connected", "already_connected", "stale_session"}
    assert errors.state_moved("stale_session") and not errors.state_moved("stale_version")
    assert not errors.state_moved("forbidden") and not errors.state_moved(None)
    assert errors.Conflict("x").state_moved


def test_a_caller_that_knows_more_raises_a_new_error_from_the_old() -> None:
    old = errors.ServiceUnavailable("Unreachable.", code="wrong_domain")
    new = old.with_notes(["The token created could not be revoked."])
    assert type(new) is errors.ServiceUnavailable and new.code is Code.WRONG_DOMAIN
    assert new.message == "Unreachable. The token created could not be revoked."
    assert str(new) == new.message and new.args == (new.message,)
    assert old.message == "Unreachable."  # untouched
    again = new.reworded("Installed nothing: " + new.message)
    assert again.code is Code.WRONG_DOMAIN and again.message.startswith("Installed nothing: ")


# core/signin.py's transaction still adds the rollback's notes to the raised error; its owner
# replaces that with ``raise exc.with_notes(notes) from exc`` (then this list is empty).
PENDING_MUTATION: set[str] = set()


def test_nothing_changes_an_error_after_it_is_raised() -> None:
    changed = set()
    for path, tree in _sources():
        if path == Path("core/errors.py"):
            continue
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if not isinstance(target, ast.Attribute):
                    continue
                owner = target.value.id if isinstance(target.value, ast.Name) else ""
                if owner != "self" and (
                    target.attr in ("message", "code", "summary", "notes")
                    or (target.attr == "args" and owner in ("exc", "error", "err", "e"))
                ):
                    changed.add(str(path))
    assert changed <= PENDING_MUTATION, sorted(changed - PENDING_MUTATION)
