"""A suite's ``params`` agree with the entry that declares them (``catalog/model/suites.py``)."""

from __future__ import annotations

from collections.abc import Iterator

from catalog.model import Catalog
from catalog.model.suites import suite_problems
from catalog.source import Location


def _suite_fits(catalog: Catalog) -> Iterator[tuple[Location, str]]:
    for name, service in catalog.services.items():
        where = ("services", name, "params" if service.params is not None else "suite")
        for problem in suite_problems(service):
            yield where, problem


RULES = {"suite-fits": _suite_fits}
