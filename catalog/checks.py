"""Checks that span several fields or services, run after the models validated.

Each check yields ``(location, message)``; the loader turns locations into lines. A check
belongs here when the mistake is visible in the catalog alone; rules about the generated
objects are Aspects (``rules/``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from catalog.model import Catalog, Service
from catalog.model.pod import glusterfs_path
from catalog.source import Location
from rules.walk import pods as _pods

Finding = tuple[Location, str]


def check_catalog(catalog: Catalog) -> list[Finding]:
    findings: list[Finding] = []
    for check in (_hostnames_once, _node_ports_once, _object_names_once):
        findings.extend(check(catalog))
    for name, service in catalog.services.items():
        loc = ("services", name)
        findings.extend(_placement(catalog, service, loc))
        findings.extend(_secret_keys(service, loc))
        findings.extend(_mounts(service, loc))
        findings.extend(_storage_paths(catalog, name, service, loc))
        findings.extend(_litestream(service, loc))
        findings.extend(_references(service, loc))
        findings.extend(_env_references(service, loc))
    for rules in catalog_rules():
        for check in rules.values():
            findings.extend(check(catalog))
    return findings


def catalog_rules() -> list[dict[str, Callable[[Catalog], Iterator[Finding]]]]:
    """The ``RULES`` of the catalog's rule modules (imported here, not at the top: they import
    the catalog's models)."""
    from rules import addresses, api_server, literal_secrets, nomad, references

    return [api_server.RULES, references.RULES, addresses.RULES, nomad.RULES, literal_secrets.RULES]


def _hostnames_once(catalog: Catalog) -> Iterator[Finding]:
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


def _node_ports_once(catalog: Catalog) -> Iterator[Finding]:
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


def _object_names_once(catalog: Catalog) -> Iterator[Finding]:
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


def _placement(catalog: Catalog, service: Service, loc: Location) -> Iterator[Finding]:
    for where, containers, _volumes, placement in _pods(service):
        node = getattr(placement, "node", None)
        if node is not None and node not in catalog.cluster.nodes:
            yield (
                loc + where + ("placement", "node"),
                f"unknown node {node!r}; known nodes: {', '.join(catalog.cluster.nodes)}",
            )
            continue
        for c_loc, container in containers.items():
            if "nvidia.com/gpu" not in {**container.resources.requests, **container.resources.limits}:
                continue
            gpu_nodes = [n for n, spec in catalog.cluster.nodes.items() if spec.gpu]
            if node is None or not catalog.cluster.nodes[node].gpu:
                yield (
                    loc + c_loc + ("resources",),
                    f"requests a GPU but is not pinned to a GPU node (placement.node: {node!r}); "
                    f"GPU nodes: {', '.join(gpu_nodes) or 'none'}",
                )


def _secret_keys(service: Service, loc: Location) -> Iterator[Finding]:
    declared = set(service.secrets.keys) if service.secrets else set()
    for _where, containers, _volumes, _placement in _pods(service):
        for c_loc, container in containers.items():
            if container.env_from_secret and service.secrets is None:
                yield (
                    loc + c_loc + ("env_from_secret",),
                    "env_from_secret needs a 'secrets' section",
                )
            for i, item in enumerate(container.env):
                for var, value in item.items():
                    if isinstance(value, str) or value.from_ is not None:
                        continue
                    if value.secret not in declared:
                        known = ", ".join(sorted(declared)) or "none declared"
                        yield (
                            loc + c_loc + ("env", i, var),
                            f"secret key {value.secret!r} is not declared under secrets.keys ({known})",
                        )
    if service.litestream and service.secrets:
        for key in (service.litestream.access_key, service.litestream.secret_key):
            if key not in declared:
                yield loc + ("litestream",), f"secret key {key!r} is not declared under secrets.keys"
    elif service.litestream:
        yield loc + ("litestream",), "litestream needs a 'secrets' section with the MinIO keys"


def _mounts(service: Service, loc: Location) -> Iterator[Finding]:
    for _where, containers, volumes, _placement in _pods(service):
        for c_loc, container in containers.items():
            for i, mount in enumerate(container.mounts):
                if mount.volume not in volumes:
                    yield (
                        loc + c_loc + ("mounts", i, "volume"),
                        f"volume {mount.volume!r} is not declared; declared: {', '.join(volumes) or 'none'}",
                    )


def _storage_paths(catalog: Catalog, name: str, service: Service, loc: Location) -> Iterator[Finding]:
    if service.waived("storage-path"):
        return
    root = catalog.cluster.storage_root.rstrip("/") + "/"
    for where, _containers, volumes, _placement in _pods(service):
        for v_name, volume in volumes.items():
            if volume is None:
                continue
            path = volume.path if volume.glusterfs is not None else volume.host_path
            if path is None:
                continue
            if not path.startswith(root):
                yield (
                    loc + where + ("volumes", v_name),
                    f"hostPath {path!r} is outside {root}; move it there or waive 'storage-path' with a reason",
                )
            elif volume.glusterfs is not None and path != glusterfs_path(name, volume.glusterfs, root):
                yield (
                    loc + where + ("volumes", v_name, "path"),
                    (
                        f"hostPath {path!r} breaks the glusterfs_<service>_<type> naming; "
                        "waive 'storage-path' with a reason"
                    ),
                )


def _litestream(service: Service, loc: Location) -> Iterator[Finding]:
    ls = service.litestream
    if ls is None:
        return
    wl = service.workloads.get(ls.workload)
    if wl is None:
        yield (
            loc + ("litestream", "workload"),
            f"workload {ls.workload!r} is not declared; declared: {', '.join(service.workloads) or 'none'}",
        )
        return
    if ls.volume not in wl.volumes and ls.volume not in wl.volume_claim_templates:
        yield loc + ("litestream", "volume"), f"volume {ls.volume!r} is not declared in workload {ls.workload!r}"


def _references(service: Service, loc: Location) -> Iterator[Finding]:
    for ir_name, ir in service.ingress_routes.items():
        for i, route in enumerate(ir.routes):
            for j, mw in enumerate(route.middlewares):
                if mw not in service.middlewares:
                    yield (
                        loc + ("ingress_routes", ir_name, "routes", i, "middlewares", j),
                        f"middleware {mw!r} is not declared under middlewares",
                    )
    for vpa_name, vpa in service.vpas.items():
        if vpa.workload not in service.workloads:
            yield loc + ("vpas", vpa_name, "workload"), f"workload {vpa.workload!r} is not declared"


_ENV_REFERENCE = re.compile(r"(?<!\$)\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)")


def _env_references(service: Service, loc: Location) -> Iterator[Finding]:
    """Kubernetes expands ``$(VAR)`` only from variables declared earlier in the same env list,
    or by ``envFrom`` (which comes first: with ``env_from_secret``, every key of the service's
    Secret); a later or unknown one stays literal text (a wrong password in a URL, found at
    runtime)."""
    from_secret = set(service.secrets.keys) if service.secrets else set()
    for _where, containers, _volumes, _placement in _pods(service):
        for c_loc, container in containers.items():
            earlier: set[str] = set(from_secret) if container.env_from_secret else set()
            for i, item in enumerate(container.env):
                for var, value in item.items():
                    if isinstance(value, str):
                        for ref in _ENV_REFERENCE.findall(value):
                            if ref not in earlier:
                                yield (
                                    loc + c_loc + ("env", i, var),
                                    f"$({ref}) is not declared before {var}; move {ref} above it in the env list",
                                )
                    earlier.add(var)
