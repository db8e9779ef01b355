"""Names the cluster shares: a hostname, a node port or an object name claimed twice."""

from __future__ import annotations

from collections.abc import Iterator

from catalog.model import Catalog
from catalog.source import Location
from rules.engine import Located


def _hostnames_once(catalog: Catalog) -> Iterator[Located]:
    seen: dict[tuple[str, str], str] = {}
    for name, service in catalog.services.items():
        claims: list[tuple[Location, str, str]] = []
        for ing_name, ing in service.ingresses.items():
            claims += [(("services", name, "ingresses", ing_name, "hosts", i), h, "/") for i, h in enumerate(ing.hosts)]
        for ir_name, ir in service.ingress_routes.items():
            for i, route in enumerate(ir.routes):
                if route.host is not None:
                    where = ("services", name, "ingress_routes", ir_name, "routes", i, "host")
                    claims.append((where, route.host, route.path_prefix or "/"))
        own: set[tuple[str, str]] = set()
        for loc, host, prefix in claims:
            key = (host, prefix)
            if key in seen and key not in own:
                yield loc, f"hostname {host!r} is already claimed by service {seen[key]!r}"
            seen.setdefault(key, name)
            own.add(key)


def _node_ports_once(catalog: Catalog) -> Iterator[Located]:
    seen: dict[int, str] = {}
    for name, service in catalog.services.items():
        for wl_name, wl in service.workloads.items():
            for svc_name, svc in wl.services.items():
                for i, port in enumerate(svc.ports):
                    if port.node_port is None:
                        continue
                    loc = ("services", name, "workloads", wl_name, "services", svc_name, "ports", i, "node_port")
                    if port.node_port in seen:
                        yield loc, f"node_port {port.node_port} is already used by {seen[port.node_port]!r}"
                    seen.setdefault(port.node_port, f"{name}/{svc_name}")


def _object_names_once(catalog: Catalog) -> Iterator[Located]:
    seen: dict[tuple[str, str, str], str] = {}
    for name, service in catalog.services.items():
        sections = {
            "Deployment/StatefulSet": ("workloads", service.workloads),
            "CronJob": ("cron_jobs", service.cron_jobs),
            "ConfigMap": ("config_maps", service.config_maps),
            "Ingress": ("ingresses", service.ingresses),
            "IngressRoute": ("ingress_routes", service.ingress_routes),
            "Middleware": ("middlewares", service.middlewares),
        }
        services = {s: w for w, wl in service.workloads.items() for s in wl.services}
        for kind, (section, objects) in sections.items():
            for obj in objects:
                key = (kind, service.namespace, obj)
                if key in seen:
                    yield (
                        ("services", name, section, obj),
                        f"{kind} {obj!r} is already defined by service {seen[key]!r}",
                    )
                seen.setdefault(key, name)
        for svc, wl in services.items():
            key = ("Service", service.namespace, svc)
            if key in seen:
                yield (
                    ("services", name, "workloads", wl, "services", svc),
                    f"Service {svc!r} is already defined by service {seen[key]!r}",
                )
            seen.setdefault(key, name)


RULES = {
    "hostname-unique": _hostnames_once,
    "node-port-unique": _node_ports_once,
    "object-name-unique": _object_names_once,
}
