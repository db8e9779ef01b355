"""The one engine of findings (``rules/engine.py``) and its rules, one module per theme.

Entry points read the catalog with :func:`load_catalog` here: the shape-checked catalog of
``catalog/`` with every rule run over it. A module of rules exports ``RULES = {"rule-id":
check}`` and is registered with one line below. The rules that need the synthesized tree are
in ``rules/tree.py`` (imported by ``stacks/``, as it needs cdktf).
"""

from __future__ import annotations

from pathlib import Path

from catalog import Catalog
from catalog.loader import DEFAULT_PATH
from rules import cron, declared, pods, suites, uniqueness
from rules.engine import Finding, Registry, load_checked

ENGINE = Registry()
ENGINE.register(uniqueness.RULES)
ENGINE.register(declared.RULES)
ENGINE.register(pods.RULES)
ENGINE.register(cron.RULES)
ENGINE.register(suites.RULES)


def load_catalog(path: Path | str = DEFAULT_PATH) -> Catalog:
    """services.yaml -> the checked catalog, or a CatalogError listing every problem located."""
    return load_checked(ENGINE, path)


__all__ = ["ENGINE", "Finding", "Registry", "load_catalog"]
