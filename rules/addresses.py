"""Two objects of the catalog never claim one Terraform address.

An address is the resource type and the object's name (constructs_lib/naming.py), without
the namespace: a Service ``web`` in ``default`` and one in ``media`` would both be
``kubernetes_service.web``, and synthesis would stop on it deep inside a construct. The
rule object-name-unique (rules/uniqueness.py) refuses a name used twice in
one namespace; this one refuses it across namespaces, where the cluster would accept it but
Terraform cannot.
"""

from __future__ import annotations

from collections.abc import Iterator

from catalog.model import Catalog, Service
from catalog.source import Location
from rules.engine import Located


def _claims(name: str, service: Service) -> Iterator[tuple[str, str, Location]]:
    """``(kind, object name, location)`` of each object whose address the catalog names."""
    loc = ("services", name)
    for wl_name, wl in service.workloads.items():
        yield wl.kind, wl_name, loc + ("workloads", wl_name)
        for svc_name in wl.services:
            yield "Service", svc_name, loc + ("workloads", wl_name, "services", svc_name)
    sections = {
        "CronJob": "cron_jobs",
        "ConfigMap": "config_maps",
        "Ingress": "ingresses",
        "IngressRoute": "ingress_routes",
        "Middleware": "middlewares",
        "VerticalPodAutoscaler": "vpas",
    }
    for kind, section in sections.items():
        for obj_name in getattr(service, section):
            yield kind, obj_name, loc + (section, obj_name)
    for i, policy in enumerate(service.network_policies):
        yield "CiliumNetworkPolicy", policy.name, loc + ("network_policies", i, "name")
    if service.secrets is not None:
        yield "ExternalSecret", service.secrets.name or f"{name}-secrets", loc + ("secrets",)


def one_address_each(catalog: Catalog) -> Iterator[Located]:
    seen: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, snake name) -> (service, namespace)
    for name, service in catalog.services.items():
        for kind, obj_name, loc in _claims(name, service):
            key = (kind, obj_name.replace("-", "_"))
            first = seen.setdefault(key, (name, service.namespace))
            if first[1] != service.namespace:  # the same namespace is object-name-unique's
                yield (
                    loc,
                    f"{kind} {obj_name!r} would have the same Terraform address as the one of service "
                    f"{first[0]!r} in namespace {first[1]!r} (addresses do not include the namespace); rename one",
                )


RULES = {"one-address-each": one_address_each}
