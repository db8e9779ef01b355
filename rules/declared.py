"""References inside the catalog: every name one object uses must be declared where it points
(a node, a secret key, a volume, a workload, a middleware, a Service and its port)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from catalog.model import Catalog
from catalog.model.objects import ServiceRef
from rules.engine import Located
from rules.walk import pods


def _nodes(catalog: Catalog) -> Iterator[Located]:
    for pod in pods(catalog):
        node = pod.placement.node
        if node is not None and node not in catalog.cluster.nodes:
            yield (
                pod.location + ("placement", "node"),
                f"unknown node {node!r}; known nodes: {', '.join(catalog.cluster.nodes)}",
            )


def _secret_keys(catalog: Catalog) -> Iterator[Located]:
    for pod in pods(catalog):
        secrets = pod.spec.secrets
        declared = set(secrets.keys) if secrets else set()
        for c_loc, container in pod.containers.items():
            if container.env_from_secret and secrets is None:
                yield c_loc + ("env_from_secret",), "env_from_secret needs a 'secrets' section"
            for i, item in enumerate(container.env):
                for var, value in item.items():
                    if isinstance(value, str) or value.from_ is not None or value.secret in declared:
                        continue
                    known = ", ".join(sorted(declared)) or "none declared"
                    yield (
                        c_loc + ("env", i, var),
                        f"secret key {value.secret!r} is not declared under secrets.keys ({known})",
                    )
    for name, service in catalog.services.items():
        ls, loc = service.litestream, ("services", name, "litestream")
        if ls is None:
            continue
        if service.secrets is None:
            yield loc, "litestream needs a 'secrets' section with the MinIO keys"
            continue
        for key in (ls.access_key, ls.secret_key):
            if key not in service.secrets.keys:
                yield loc, f"secret key {key!r} is not declared under secrets.keys"


def _volumes(catalog: Catalog) -> Iterator[Located]:
    for pod in pods(catalog):
        for c_loc, container in pod.containers.items():
            for i, mount in enumerate(container.mounts):
                if mount.volume not in pod.volumes:
                    yield (
                        c_loc + ("mounts", i, "volume"),
                        f"volume {mount.volume!r} is not declared; declared: {', '.join(pod.volumes) or 'none'}",
                    )


def _litestream_target(catalog: Catalog) -> Iterator[Located]:
    for name, service in catalog.services.items():
        ls, loc = service.litestream, ("services", name, "litestream")
        if ls is None:
            continue
        wl = service.workloads.get(ls.workload)
        if wl is None:
            declared = ", ".join(service.workloads) or "none"
            yield loc + ("workload",), f"workload {ls.workload!r} is not declared; declared: {declared}"
        elif ls.volume not in wl.volumes and ls.volume not in wl.volume_claim_templates:
            yield loc + ("volume",), f"volume {ls.volume!r} is not declared in workload {ls.workload!r}"


def _middlewares(catalog: Catalog) -> Iterator[Located]:
    for name, service in catalog.services.items():
        for ir_name, ir in service.ingress_routes.items():
            for i, route in enumerate(ir.routes):
                for j, mw in enumerate(route.middlewares):
                    if mw not in service.middlewares:
                        yield (
                            ("services", name, "ingress_routes", ir_name, "routes", i, "middlewares", j),
                            f"middleware {mw!r} is not declared under middlewares",
                        )


def _vpa_targets(catalog: Catalog) -> Iterator[Located]:
    for name, service in catalog.services.items():
        for vpa_name, vpa in service.vpas.items():
            if vpa.workload not in service.workloads:
                yield ("services", name, "vpas", vpa_name, "workload"), f"workload {vpa.workload!r} is not declared"


def service_ports(catalog: Catalog) -> dict[tuple[str, str], set[int | str]]:
    """``{(namespace, Service name): its port numbers and port names}`` of every Service the
    catalog declares."""
    ports: dict[tuple[str, str], set[int | str]] = {}
    for service in catalog.services.values():
        for wl in service.workloads.values():
            for svc_name, svc in wl.services.items():
                known = ports.setdefault((service.namespace, svc_name), set())
                known.update(p.port for p in svc.ports)
                known.update(p.name for p in svc.ports if p.name)
    return ports


def _backends(catalog: Catalog) -> Iterator[Located]:
    declared = service_ports(catalog)

    def problem(namespace: str, ref: ServiceRef) -> str | None:
        ports = declared.get((namespace, ref.service))
        if ports is None:
            return f"Service {ref.service!r} is not declared in namespace {namespace!r}"
        if ref.port not in ports:
            listed = ", ".join(sorted(map(str, ports)))
            return f"Service {ref.service!r} has no port {ref.port} (ports: {listed})"
        return None

    for name, service in catalog.services.items():
        for ing_name, ing in service.ingresses.items():
            message = problem(ing.namespace or service.namespace, ing.backend)
            if message:
                yield ("services", name, "ingresses", ing_name, "backend"), message
        for ir_name, ir in service.ingress_routes.items():
            for i, route in enumerate(ir.routes):
                for j, ref in enumerate(route.services):
                    message = problem(service.namespace, ref)
                    if message:
                        yield ("services", name, "ingress_routes", ir_name, "routes", i, "services", j), message


_ENV_REFERENCE = re.compile(r"(?<!\$)\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)")


def _env_references(catalog: Catalog) -> Iterator[Located]:
    """Kubernetes expands ``$(VAR)`` only from variables declared earlier in the same env list,
    or by ``envFrom`` (which comes first: with ``env_from_secret``, every key of the service's
    Secret); a later or unknown one stays literal text (a wrong password in a URL, found at
    runtime)."""
    for pod in pods(catalog):
        from_secret = set(pod.spec.secrets.keys) if pod.spec.secrets else set()
        for c_loc, container in pod.containers.items():
            earlier: set[str] = set(from_secret) if container.env_from_secret else set()
            for i, item in enumerate(container.env):
                for var, value in item.items():
                    for ref in _ENV_REFERENCE.findall(value) if isinstance(value, str) else ():
                        if ref not in earlier:
                            yield (
                                c_loc + ("env", i, var),
                                f"$({ref}) is not declared before {var}; move {ref} above it in the env list",
                            )
                    earlier.add(var)


RULES = {
    "node-declared": _nodes,
    "secret-key-declared": _secret_keys,
    "volume-declared": _volumes,
    "litestream-target-declared": _litestream_target,
    "middleware-declared": _middlewares,
    "vpa-target-declared": _vpa_targets,
    "backend-declared": _backends,
    "env-reference-declared": _env_references,
}
