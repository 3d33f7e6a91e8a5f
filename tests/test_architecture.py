"""The arrows between the parts of the code (README's Architecture): read from the source.

Every ``import`` statement of ours is read with ``ast`` (those inside functions too: a lazy
import is still a dependency), except those under ``if TYPE_CHECKING:``. A module belongs to an
*app* (records_dms.archive, ingestion, search, ...) and is either its *domain* (models,
services, selectors, permissions, events and their helpers) or an *interface* (``admin/``,
``api/``, ``cli.py``, template tags, the AppConfig that connects them).
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("records_dms", "ingestion", "retention", "search")
SUBAPPS = (
    "accounts",
    "archive",
    "audit",
    "common",
    "fixity",
    "inspection",
    "lending",
    "reports",
    "transfer",
    "cli",
)

# What each app's domain may import besides itself: each layer only what lies below it.
BELOW: dict[str, set[str]] = {
    "search": set(),
    "records_dms.common": set(),
    "records_dms.audit": {"records_dms.common"},
    "records_dms.accounts": {"records_dms.common", "records_dms.audit"},
    "records_dms.archive": {
        "records_dms.common",
        "records_dms.audit",
        "records_dms.accounts",
        "search",
    },
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    found = {}
    for top in OURS:
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking(child):
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                found.add(child.module)
                found.update(f"{child.module}.{alias.name}" for alias in child.names)
            walk(child)

    walk(ast.parse(path.read_text(encoding="utf-8")))
    return {name for name in found if name.split(".")[0] in OURS}


def app_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "records_dms" and len(parts) > 1 and parts[1] in SUBAPPS:
        return ".".join(parts[:2])
    return parts[0]


def is_interface(module: str) -> bool:
    parts = module.split(".")
    return (
        any(p in ("admin", "api", "templatetags") for p in parts[1:])
        or parts[-1] in ("cli", "apps")
        or app_of(module) in ("records_dms", "records_dms.cli")
    )


MODULES = our_modules()
GRAPH = {name: imports_of(path) for name, path in MODULES.items()}


def resolve(name: str) -> str | None:
    """The module an imported name belongs to (``from x import y`` names y too)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def edges() -> list[tuple[str, str]]:
    out = []
    for source, names in GRAPH.items():
        for target in {resolve(n) for n in names} - {None, source}:
            assert target is not None
            out.append((source, target))
    return out


def test_the_graph_is_read() -> None:
    """The checks below mean something only if the reader finds the real imports."""
    assert "records_dms.archive.services" in MODULES
    assert ("records_dms.archive.services", "records_dms.audit.services") in edges()
    assert any(source.startswith("retention.") for source, _ in edges())


def test_search_imports_nothing_of_ours() -> None:
    wrong = [(s, t) for s, t in edges() if app_of(s) == "search" and app_of(t) != "search"]
    assert wrong == []


@pytest.mark.parametrize("app", sorted(BELOW))
def test_lower_layers_import_nothing_above_them(app: str) -> None:
    allowed = BELOW[app] | {app}
    wrong = [
        (s, t)
        for s, t in edges()
        if app_of(s) == app and not is_interface(s) and app_of(t) not in allowed
    ]
    assert wrong == []


def test_only_the_archive_feeds_or_asks_the_search_index() -> None:
    """records_dms/archive/indexing.py feeds the index (and searching.py asks it); every other
    app announces its changes with records_dms.archive.events.records_changed instead."""
    domain = {"records_dms.archive.indexing", "records_dms.archive.searching"}
    wrong = [
        (s, t)
        for s, t in edges()
        if app_of(t) == "search"
        and app_of(s) != "search"
        and s not in domain
        and not (is_interface(s) and app_of(s) == "records_dms.archive")
    ]
    assert wrong == []


def test_no_domain_module_imports_a_screen_an_api_or_a_command() -> None:
    wrong = [(s, t) for s, t in edges() if not is_interface(s) and is_interface(t)]
    assert wrong == []


def test_no_api_imports_a_command_line_module() -> None:
    wrong = [
        (s, t)
        for s, t in edges()
        if ".api" in s and (t.endswith(".cli") or app_of(t) == "records_dms.cli")
    ]
    assert wrong == []


def test_commands_never_import_each_other() -> None:
    """Each app's cli.py imports only records_dms.cli.base of the CLI; main.py finds them."""
    wrong = [
        (s, t)
        for s, t in edges()
        if (t.endswith(".cli") or app_of(t) == "records_dms.cli")
        and t != "records_dms.cli.base"
        and not (app_of(s) in ("records_dms", "records_dms.cli") and app_of(t) == "records_dms.cli")
    ]
    assert wrong == []


def test_the_apps_domains_import_each_other_without_a_circle() -> None:
    depends: dict[str, set[str]] = defaultdict(set)
    for s, t in edges():
        if not is_interface(s) and app_of(s) != app_of(t):
            depends[app_of(s)].add(app_of(t))
    circles = [
        (a, b)
        for a, b in itertools.permutations(depends, 2)
        if _reaches(depends, a, b) and _reaches(depends, b, a)
    ]
    assert circles == [], dict(depends)


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        for nxt in graph.get(node, ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False
