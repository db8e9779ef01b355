"""The one-way flow of the README, as imports: services.yaml -> catalog/ -> (suites/, rules/) ->
stacks/ -> constructs_lib/. A test of the source, so an import against the flow fails here."""

from __future__ import annotations

import ast
from collections import defaultdict

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
