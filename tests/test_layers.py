"""The package's import graph: three layers, one way, no loops (function-level imports included).

Every ``import``/``from ... import`` statement of every module is read with
``ast`` (module level, inside functions and under ``if TYPE_CHECKING:``),
resolved to the package module it loads, and checked against the rules:

- the general core (structure, network, routing, accessibility, hierarchy,
  testing and the shared foundations) never imports ``linyi_spatial.linyi``,
  ``linyi_spatial.viz``, the embedded data or the package facade;
- within the core a module imports only its own theme or lower ones
  (foundations < structure < network < routing < accessibility < hierarchy < testing);
- ``linyi_spatial.viz`` imports no computation at run time (only the
  foundations and itself; result types under ``TYPE_CHECKING``);
- the run-time import graph has no cycle.
"""

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "linyi_spatial"
FOUNDATIONS = {
    "errors",
    "crs",
    "decay",
    "catalog",
    "i18n",
    "_graph_cache",
    "_io",
    "_checks",
    "_progress",
    "_display",
    "_version",
}
CORE_RANK = {
    "structure": 1, "network": 2, "routing": 3, "accessibility": 4, "hierarchy": 5, "export": 6, "sensitivity": 6,
    "testing": 6,
}  # fmt: skip


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def resolve(importer: str, is_package: bool, node: ast.AST) -> list[str]:
    """Package modules an import statement loads (external modules are dropped)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        assert isinstance(node, ast.ImportFrom)
        if node.level:
            base = importer.split(".")
            base = base if is_package else base[:-1]
            base = base[: len(base) - (node.level - 1)]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        names = []
        for a in node.names:
            full = f"{prefix}.{a.name}"
            names.append(full if full in MODULES else prefix)
    out = []
    for name in names:
        n = name
        while n and n not in MODULES:  # `import linyi_spatial.x.y` names the deepest existing module
            n = n.rpartition(".")[0]
        if n.startswith("linyi_spatial"):
            out.append(n)
    return out


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                guarded.update(id(n) for n in ast.walk(child))
    return guarded


def edges() -> list[tuple[str, str, bool, int]]:
    """(importer, imported, type_checking_only, line) for every import in the package."""
    found = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in resolve(name, path.name == "__init__.py", node):
                    if target != name:
                        found.append((name, target, id(node) in guarded, node.lineno))
    return found


EDGES = edges()


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "facade"
    head = parts[1]
    if head in FOUNDATIONS:
        return "foundation"
    if head in CORE_RANK:
        return "core"
    return head  # viz, linyi, data


def rank(module: str) -> int:
    head = module.split(".")[1]
    return 0 if head in FOUNDATIONS else CORE_RANK[head]


def test_the_walk_sees_the_package():
    assert {"linyi_spatial.accessibility.scores", "linyi_spatial.viz.mapobject", "linyi_spatial.linyi.cli"} <= set(
        MODULES
    )
    assert ("linyi_spatial.accessibility.scores", "linyi_spatial.routing.matrix", False) in {e[:3] for e in EDGES}
    # function-level imports are seen too
    assert any(src == "linyi_spatial.testing.region" and dst == "linyi_spatial.network.build" for src, dst, *_ in EDGES)


@pytest.mark.parametrize("kind", ["core", "foundation"])
def test_core_never_imports_the_case_study_the_maps_or_the_data(kind):
    bad = [
        f"{src}:{line} imports {dst}"
        for src, dst, _, line in EDGES
        if layer(src) == kind and layer(dst) in ("linyi", "viz", "data", "facade")
    ]
    assert bad == []


def test_core_imports_only_its_own_theme_or_lower_ones():
    bad = [
        f"{src}:{line} (rank {rank(src)}) imports {dst} (rank {rank(dst)})"
        for src, dst, _, line in EDGES
        if layer(src) in ("core", "foundation") and layer(dst) in ("core", "foundation") and rank(dst) > rank(src)
    ]
    assert bad == []


def test_viz_imports_no_computation():
    bad = [
        f"{src}:{line} imports {dst}"
        for src, dst, type_only, line in EDGES
        if layer(src) == "viz" and not type_only and layer(dst) not in ("viz", "foundation")
    ]
    assert bad == []


def test_no_import_cycles():
    G = nx.DiGraph((src, dst) for src, dst, type_only, _ in EDGES if not type_only)
    cycles = list(nx.simple_cycles(G))
    assert cycles == []


def test_core_source_names_no_embedded_data():
    bad = []
    for name, path in MODULES.items():
        if layer(name) in ("core", "foundation"):
            text = path.read_text(encoding="utf-8")
            for needle in ("linyi_spatial.data", "linyi_spatial.linyi", "load_counties(", "load_network("):
                for i, line in enumerate(text.splitlines(), 1):
                    if needle in line and ">>>" not in line:
                        bad.append(f"{name}:{i}: {line.strip()}")
    assert bad == []


def test_rules_catch_a_planted_violation(tmp_path):
    planted = ast.parse("def f():\n    from ..linyi import load_network\n")
    node = next(n for n in ast.walk(planted) if isinstance(n, ast.ImportFrom))
    assert resolve("linyi_spatial.routing.engine", False, node) == ["linyi_spatial.linyi"]
    assert layer("linyi_spatial.routing.engine") == "core"
    assert layer("linyi_spatial.linyi") == "linyi"
