"""The package's import graph: no cycles, and no import from a lower floor to a higher one.

Read from the source with :mod:`ast` (every ``import`` anywhere in a module: at the
top, inside functions, under ``TYPE_CHECKING``), so that a cycle hidden in a
function-level import is found too. The floors follow the data flow, bottom to top::

    errors, records, display  <  submission  <  checks, suites, provenance  <  scoring, github
                              <  evaluation, site  <  demo  <  cli

A module may import from its own floor or below; only ``kleaderboard.cli`` sits on top.
``kleaderboard/__init__.py`` statically imports only :mod:`kleaderboard.errors`; the rest
of the public API it loads lazily by name (``importlib``), which this reader does not see.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "kleaderboard"
ROOT_NAME = "kleaderboard"

FLOORS: dict[str, int] = {
    "": 0,  # kleaderboard/__init__.py: the public API, re-exported from the root modules
    "errors": 0,
    "records": 0,
    "display": 0,
    "identifiers": 0,
    "kinds": 0,
    "suggest": 0,
    "code_sandbox": 0,
    "benchmark_catalogue": 0,
    "contamination": 0,
    "forked": 0,
    "submission": 1,
    "checks": 2,
    "suites": 2,
    "provenance": 2,
    "scoring": 3,
    "github": 3,
    "evaluation": 4,
    "site": 4,
    "demo": 5,
    "cli": 6,
}
# Upward imports we know of and have not removed yet: (importer, imported). This set may
# only shrink; test_the_allow_list_only_shrinks fails when an entry is no longer needed.
ALLOWED_UPWARD: frozenset[tuple[str, str]] = frozenset()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """Every kleaderboard module that name imports, wherever the import statement is."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, name, is_package)
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                yield submodule if submodule in known else module


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    known = set(modules)
    return {
        name: {
            imported for imported in imports_of(name, path, known) if imported in known and imported != name
        }
        for name, path in modules.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a list of modules (first repeated at the end), or None when acyclic."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def floor_of(module: str) -> int:
    top = module.removeprefix(ROOT_NAME).lstrip(".").split(".", 1)[0]
    return FLOORS[top]


def upward_imports(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {
        (importer, imported)
        for importer, targets in graph.items()
        for imported in targets
        if floor_of(imported) > floor_of(importer)
    }


# --- the tests ---------------------------------------------------------------------------------


def test_the_graph_is_read_from_the_source() -> None:
    """Guards the reader itself: known edges, function-level and TYPE_CHECKING ones included."""
    graph = import_graph()
    assert "kleaderboard.cli.main" in graph and "kleaderboard.github.pull_check" in graph
    assert "kleaderboard.github.comments" in graph["kleaderboard.github.pull_check"]
    assert "kleaderboard.github.check_report" in graph["kleaderboard.github.comments"]  # TYPE_CHECKING
    assert "kleaderboard.checks.validate" in graph["kleaderboard.cli.submission"]  # inside a function
    assert "kleaderboard.submission.untrusted" in graph["kleaderboard.checks.scope"]  # from pkg import mod


def test_find_cycle_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_there_are_no_import_cycles() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_every_module_sits_on_a_floor() -> None:
    unplaced = sorted(
        name for name in all_modules() if name.split(".")[1:2] and name.split(".")[1] not in FLOORS
    )
    assert not unplaced, f"add these packages to FLOORS in {__file__}: {unplaced}"


def test_no_module_imports_from_a_higher_floor() -> None:
    found = upward_imports(import_graph()) - ALLOWED_UPWARD
    shown = [f"{a} (floor {floor_of(a)}) imports {b} (floor {floor_of(b)})" for a, b in sorted(found)]
    assert not found, "upward imports:\n" + "\n".join(shown)


def test_only_the_cli_imports_the_cli() -> None:
    graph = import_graph()
    outside = sorted(
        (importer, imported)
        for importer, targets in graph.items()
        if not importer.startswith(f"{ROOT_NAME}.cli")
        for imported in targets
        if imported.startswith(f"{ROOT_NAME}.cli")
    )
    assert not outside, outside


def test_the_allow_list_only_shrinks() -> None:
    stale = ALLOWED_UPWARD - upward_imports(import_graph())
    assert not stale, f"no longer needed, remove from ALLOWED_UPWARD: {sorted(stale)}"
