"""The shape of the code: no surface (nor core code outside the services) asks "which service is
this?" by its name — they read the registry and the status' capabilities instead."""

from __future__ import annotations

import ast
from pathlib import Path

import jupyter_repoconnect
from jupyter_repoconnect.core.services import registry

PACKAGE = Path(jupyter_repoconnect.__file__).resolve().parent
ROOT = PACKAGE.parent
# The services themselves, and the sandbox that imitates them, are where the names belong.
EXEMPT = (PACKAGE / "core" / "services", PACKAGE / "testing")
OPS = (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)


def _names(node: ast.expr) -> set[str]:
    """The service ids ``node`` spells: a string, or a tuple/list/set of them."""
    ids = set(registry.ids())
    if isinstance(node, ast.Constant) and node.value in ids:
        return {node.value}
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return {e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in ids}
    return set()


def comparisons(path: Path) -> list[str]:
    """``x == "cloud"``, ``"server" != x``, ``x in ("server", "enterprise")``, ``case "cloud"``."""
    found = []
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Compare) and any(isinstance(op, OPS) for op in node.ops):
            for side in (node.left, *node.comparators):
                if _names(side):
                    found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
                    break
        elif (
            isinstance(node, ast.match_case)
            and isinstance(node.pattern, ast.MatchValue)
            and _names(node.pattern.value)
        ):
            found.append(f"{where}:{node.pattern.lineno}: case")
    return found


def test_no_code_compares_with_a_service_name() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if not any(path.is_relative_to(exempt) for exempt in EXEMPT):
            found += comparisons(path)
    assert not found, "ask the registry or the status' capabilities instead:\n" + "\n".join(found)


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'a = s == "cloud"\nb = "server" != s\nc = s in ("server", "enterprise")\n'
        "d = s not in ['cloud']\ne = s == 'conda'\n"
    )
    assert len(comparisons(sample)) == 4


def test_the_text_surfaces_spell_the_registry() -> None:
    """The CLI's parser and the magic list the ids without loading the core (fast --help)."""
    from jupyter_repoconnect import magics
    from jupyter_repoconnect.cli import parser

    typed = tuple(s.id for s in registry.all_services() if s.needs_domain)
    assert registry.ids() == parser.SERVICES
    assert typed == parser.DOMAIN_SERVICES
    assert set(registry.ids()) <= set(magics.SUBCOMMANDS)
