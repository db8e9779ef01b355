"""The multi-component suites, one module each, found through :data:`SUITES`.

A suite's module holds its expansion of the entry (``expand``: the entry with the generated
configuration added, an ordinary entry from then on), its findings, and the names of what it
writes; its params model is in ``catalog/model/suites.py`` (part of the catalog's shape) and
its config builders in ``configs/``. :func:`expand_catalog` runs between the rules of the
declared catalog (``suite-fits``) and those of the expanded one, so every construct renders
plain entries.
"""

from __future__ import annotations

from catalog.model import Catalog, Service
from suites import gitlab, matrix
from suites.base import Suite

SUITES: dict[str, Suite] = {
    "matrix": matrix.SUITE,
    "gitlab": gitlab.SUITE,
}


def expand_service(service: Service) -> Service:
    if service.suite is None:
        return service
    return SUITES[service.suite].expand(service, service.params)


def expand_catalog(catalog: Catalog) -> Catalog:
    """The catalog with every suite entry expanded (it keeps the declared entries' locations)."""
    services = {name: expand_service(service) for name, service in catalog.services.items()}
    return catalog.model_copy(update={"services": services})


__all__ = ["SUITES", "Suite", "expand_catalog", "expand_service"]
