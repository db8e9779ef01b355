"""traefik.io/v1alpha1 IngressRoute and Middleware."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from constructs import Construct

from constructs_lib.manifest import Manifest, ManifestProps

API_VERSION = "traefik.io/v1alpha1"


@dataclass(frozen=True)
class TraefikRoute:
    """``match`` is Traefik's rule; ``services`` are ``(name, port)``; ``middlewares`` are names in
    the route's namespace. ``priority`` None: Traefik orders by rule length."""

    match: str
    services: Sequence[tuple[str, int]]
    middlewares: Sequence[str] = ()
    priority: int | None = None


def route_match(host: str | None, path_prefix: str | None) -> str:
    parts = []
    if host:
        parts.append(f"Host(`{host}`)")
    if path_prefix:
        parts.append(f"PathPrefix(`{path_prefix}`)")
    return " && ".join(parts)


@dataclass(frozen=True)
class IngressRouteProps:
    """Routes on the ``websecure`` entrypoint, TLS from ``tls_secret``."""

    name: str
    namespace: str
    routes: Sequence[TraefikRoute]
    tls_secret: str
    labels: Mapping[str, str] = field(default_factory=dict)


class IngressRoute(Manifest):
    def __init__(self, scope: Construct, id: str, props: IngressRouteProps):
        routes = []
        for r in props.routes:
            route: dict[str, Any] = {"match": r.match, "kind": "Rule"}
            if r.priority is not None:
                route["priority"] = r.priority
            if r.middlewares:
                route["middlewares"] = [{"name": m, "namespace": props.namespace} for m in r.middlewares]
            route["services"] = [{"name": n, "port": p} for n, p in r.services]
            routes.append(route)
        spec = {"entryPoints": ["websecure"], "routes": routes, "tls": {"secretName": props.tls_secret}}
        super().__init__(
            scope, id, ManifestProps(API_VERSION, "IngressRoute", props.name, spec, props.namespace, props.labels)
        )


@dataclass(frozen=True)
class MiddlewareProps:
    """``spec`` is Traefik's middleware spec as written in its documentation (camelCase)."""

    name: str
    namespace: str
    spec: Mapping[str, Any]
    labels: Mapping[str, str] = field(default_factory=dict)


class Middleware(Manifest):
    def __init__(self, scope: Construct, id: str, props: MiddlewareProps):
        super().__init__(
            scope, id, ManifestProps(API_VERSION, "Middleware", props.name, props.spec, props.namespace, props.labels)
        )
