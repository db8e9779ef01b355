"""The one engine of findings (``rules/engine.py``) and its rules, one module per theme.

Entry points read the catalog with :func:`load_catalog` here: the shape-checked catalog of
``catalog/``, its suite entries expanded (``suites/``), with every rule run over it. A module of
rules exports ``RULES = {"rule-id": check}`` and is registered with one line below: in
:data:`ENGINE` (over the expanded catalog, what the constructs render) or, for the few rules
about what the entry declares before expansion, in :data:`DECLARED`. The rules that need the
synthesized tree are in ``rules/tree.py`` (imported by ``stacks/``, as it needs cdktf).
"""

from __future__ import annotations

from pathlib import Path

from catalog import Catalog, read_catalog
from catalog.loader import DEFAULT_PATH, collector_paused
from rules import (
    addresses,
    api_server,
    csi_volumes,
    declared,
    defaults,
    literal_secrets,
    nomad,
    pods,
    references,
    suites,
    uniqueness,
)
from rules.engine import Finding, Registry
from suites import expand_catalog, validated_params

DECLARED = Registry()
DECLARED.register(suites.RULES)
DECLARED.register(defaults.RULES)

ENGINE = Registry()
ENGINE.register(uniqueness.RULES)
ENGINE.register(declared.RULES)
ENGINE.register(pods.RULES)
ENGINE.register(api_server.RULES)
ENGINE.register(references.RULES)
ENGINE.register(addresses.RULES)
ENGINE.register(nomad.RULES)
ENGINE.register(literal_secrets.RULES)
ENGINE.register(csi_volumes.RULES)


def load_catalog(path: Path | str = DEFAULT_PATH) -> Catalog:
    """services.yaml -> the checked, expanded catalog, or a CatalogError listing every problem
    located (file, line, YAML path, rule)."""
    return checked(read_catalog(path))


def checked(declared: Catalog) -> Catalog:
    """``declared`` expanded and checked by every rule (for catalogs built in code, e.g. tests).
    The suites' params are shape, checked like the loader's before any rule."""
    with collector_paused():
        params = validated_params(declared)
        DECLARED.check(declared)
        catalog = expand_catalog(declared, params)
        ENGINE.check(catalog)
        return catalog


__all__ = ["DECLARED", "ENGINE", "Finding", "Registry", "checked", "load_catalog"]
