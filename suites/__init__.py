"""The multi-component suites, one package each, found through :data:`SUITES`.

A suite's package holds everything of that suite: its params model (``params.py``; the
catalog keeps ``params:`` raw, as their shape belongs to the suite), its expansion of the entry
(``expand``: the entry with the generated configuration added, an ordinary entry from then on),
its config builders (``configs.py``), its findings, and the names of what it writes.

:func:`validated_params` checks each suite entry's ``params`` with its suite's model and
reports what does not fit exactly like the loader reports the catalog's shape (the same
conversion, ``catalog.loader.shape_problems``); :func:`expand_catalog` runs between the rules
of the declared catalog (``suite-fits``) and those of the expanded one, so every construct
renders plain entries.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from catalog import CatalogError, Problem, problem_order
from catalog.errors import excerpt
from catalog.loader import shape_problems
from catalog.model import Catalog, Service
from catalog.source import dotted
from suites import gitlab, matrix
from suites.base import Suite
from suites.params import SuiteParams

SUITES: dict[str, Suite] = {
    "matrix": matrix.SUITE,
    "gitlab": gitlab.SUITE,
}


def _params_problems(catalog: Catalog, name: str, service: Service) -> list[Problem]:
    loc = ("services", name)
    known = ", ".join(sorted(SUITES))

    def problem(where: str, message: str) -> list[Problem]:
        return [Problem(*catalog.locate(loc + (where,)), dotted(loc + (where,)), message)]

    if service.suite is None:
        if service.params is None:
            return []
        return problem("params", f"params are only read by a suite; set 'suite:' ({known}) or remove 'params:'")
    suite = SUITES.get(service.suite)
    if suite is None:
        return problem("suite", f"unknown suite {excerpt(repr(service.suite))}; known: {known}")
    if service.params is None:
        return problem("suite", f"suite {service.suite!r} needs its params ({suite.params.__name__})")
    try:
        suite.params.model_validate(service.params)
    except ValidationError as exc:
        return shape_problems(exc, suite.params, catalog.locate, loc + ("params",))
    return []


def validated_params(catalog: Catalog) -> dict[str, SuiteParams]:
    """``{service: its params as its suite's model}`` of every suite entry, or a
    :class:`CatalogError` listing every located problem of every entry's ``suite``/``params``."""
    problems = [p for name, s in catalog.services.items() for p in _params_problems(catalog, name, s)]
    if problems:
        raise CatalogError(sorted(problems, key=problem_order))
    return {
        name: SUITES[s.suite].params.model_validate(s.params)
        for name, s in catalog.services.items()
        if s.suite is not None
    }


def expand_catalog(catalog: Catalog, params: Mapping[str, SuiteParams] | None = None) -> Catalog:
    """The catalog with every suite entry expanded (it keeps the declared entries' locations);
    ``params``: :func:`validated_params` of ``catalog`` when the caller has them already."""
    params = validated_params(catalog) if params is None else params
    services = {
        name: SUITES[service.suite].expanded(service.suite, service, params[name])
        if service.suite is not None
        else service
        for name, service in catalog.services.items()
    }
    return catalog.model_copy(update={"services": services})


__all__ = ["SUITES", "Suite", "SuiteParams", "expand_catalog", "validated_params"]
