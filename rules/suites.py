"""A suite entry's ``suite`` and ``params`` fit together and agree with the entry's data
(``suites/``). Runs over the declared catalog: after expansion the generated parts are there."""

from __future__ import annotations

from collections.abc import Iterator

from catalog.model import Catalog
from catalog.source import Location
from suites import SUITES


def _suite_fits(catalog: Catalog) -> Iterator[tuple[Location, str]]:
    for name, service in catalog.services.items():
        loc = ("services", name)
        if service.suite is None:
            if service.params is not None:
                yield loc + ("params",), "params are only read by a suite; set 'suite:' or remove 'params:'"
            continue
        suite = SUITES[service.suite]
        if service.params is None:
            yield loc + ("suite",), f"suite {service.suite!r} needs its params ({suite.params.__name__})"
        elif service.params.suite != service.suite:
            yield (
                loc + ("params",),
                f"params are for suite {service.params.suite!r} but the entry is suite {service.suite!r}",
            )
        else:
            for where, message in suite.contract_findings(service.suite, service, service.params):
                yield loc + where, message


RULES = {"suite-fits": _suite_fits}
