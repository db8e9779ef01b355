"""The one-way flow of the README, as imports: services.yaml -> catalog/ -> (suites/, rules/) ->
stacks/ -> constructs_lib/, and no import circle between any two modules of the project. A test
of the source, so an import against the flow fails here."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.conftest import PROJECT_ROOT

PACKAGES = ("catalog", "configs", "suites", "rules", "constructs_lib", "stacks")
# What each package may import from the others (rules/tree.py, the rules of the built tree, is
# the one module of rules/ that reads constructs).
ALLOWED = {
    "catalog": set(),
    "configs": set(),
    "suites": {"catalog", "configs"},
    "rules": {"catalog", "suites"},
    "rules/tree.py": {"catalog", "suites", "rules", "constructs_lib"},
    "constructs_lib": {"catalog", "configs"},
    "stacks": {"catalog", "rules", "constructs_lib"},
}


def _imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for package in PACKAGES:
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            key = "rules/tree.py" if path.relative_to(PROJECT_ROOT).as_posix() == "rules/tree.py" else package
            for node in ast.walk(ast.parse(path.read_text())):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom) and node.level == 0
                    else []
                )
                for name in names:
                    top = name.split(".")[0]
                    if top in PACKAGES and top != package:
                        found[key].add(top)
    return found


def test_every_package_imports_only_what_the_flow_allows():
    imports = _imports()
    assert {k: v - ALLOWED[k] for k, v in imports.items() if v - ALLOWED[k]} == {}


def _top_level_imports(path) -> set[str]:
    tops = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            tops.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.add(node.module.split(".")[0])
    return tops


def test_the_catalog_the_suites_the_configs_and_the_rules_know_nothing_of_cdktf():
    cdktf = {"cdktf", "constructs", "jsii"}
    for package in ("catalog", "suites", "configs", "rules"):
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            if path.relative_to(PROJECT_ROOT).as_posix() == "rules/tree.py":
                continue
            tops = _top_level_imports(path)
            assert not tops & cdktf and not any(t.startswith("cdktf_") for t in tops), path


# Every package of the project's code (tests aside): an import circle is refused between any two modules.
CODE = (*PACKAGES, "grammar", "review", "validation", "tools", "bench")


def _module(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_graph() -> dict[str, set[str]]:
    """``{module: the project modules it imports}`` (anywhere in it; ``from p import m`` names
    the module ``p.m`` when there is one, else ``p``)."""
    paths = {_module(p): p for package in CODE for p in (PROJECT_ROOT / package).rglob("*.py")}
    paths |= {_module(p): p for p in PROJECT_ROOT.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        named: list[str] = []
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                named += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = ".".join(
                    [*package[: len(package) - node.level + 1], node.module or ""]
                    if node.level
                    else [node.module or ""]
                ).strip(".")
                named += [f"{base}.{a.name}" if f"{base}.{a.name}" in paths else base for a in node.names]
        graph[module] = set()
        for name in named:
            while name and name not in paths:
                name = name.rpartition(".")[0]
            if name and name != module:
                graph[module].add(name)
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while not component or component[-1] != v:
                component.append(stack.pop())
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return circles


def test_the_circle_finder_finds_a_circle_through_a_package_and_its_module():
    graph = {"suites": {"suites.matrix"}, "suites.matrix": {"suites.base"}, "suites.base": {"suites"}, "catalog": set()}
    assert _circles(graph) == [["suites", "suites.base", "suites.matrix"]]
    assert _circles({**graph, "suites.base": set()}) == []


def test_no_two_modules_of_the_project_import_each_other():
    graph = _module_graph()
    assert {"suites.matrix", "suites.matrix.params", "catalog.model.service", "main"} <= set(graph)
    assert "suites.matrix.configs" in graph["suites.matrix"]
    assert _circles(graph) == []
