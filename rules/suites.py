"""A suite entry agrees with its suite (``suites/``): what the suite reads from the entry's
routes and ports is there (``Suite.derived``), the ConfigMaps the suite fills are declared and
not written by hand, and a script that only a suite writes out is used by that suite's entries
only. Runs over the declared catalog: after
expansion the generated parts are there. (Whether ``params`` fit the suite is their shape,
checked by ``suites.validated_params`` before any rule.)"""

from __future__ import annotations

from collections.abc import Iterator

from catalog.model import Catalog
from rules.engine import Located
from suites import SUITES, validated_params
from suites.base import containers

SCRIPT_OWNER = {builder: name for name, suite in SUITES.items() for builder in suite.scripts}


def _suite_fits(catalog: Catalog) -> Iterator[Located]:
    params = validated_params(catalog)
    for name, service in catalog.services.items():
        loc = ("services", name)
        for where, container in containers(service):
            builder = container.script.builder if container.script is not None else None
            owner = SCRIPT_OWNER.get(builder)
            if owner is not None and owner != service.suite:
                yield (
                    loc + where + ("script", "builder"),
                    f"{builder!r} is written out by the {owner} suite: only its entries may use it",
                )
        if service.suite is not None:
            for where, message in SUITES[service.suite].contract_findings(service.suite, service, params[name]):
                yield loc + where, message


RULES = {"suite-fits": _suite_fits}
