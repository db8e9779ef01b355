"""traefik.io/v1alpha1 IngressRoute and Middleware."""

from __future__ import annotations

from typing import Any

from constructs import Construct

from catalog.model.objects import IngressRoute as IngressRouteSpec
from catalog.model.objects import Middleware as MiddlewareSpec
from catalog.model.objects import Route
from constructs_lib.context import Context
from constructs_lib.manifest import Manifest

API_VERSION = "traefik.io/v1alpha1"


def route_match(route: Route) -> str:
    """Traefik's rule of a route: its raw ``match``, or built from ``host`` and ``path_prefix``."""
    if route.match is not None:
        return route.match
    parts = []
    if route.host:
        parts.append(f"Host(`{route.host}`)")
    if route.path_prefix:
        parts.append(f"PathPrefix(`{route.path_prefix}`)")
    return " && ".join(parts)


class IngressRoute(Manifest):
    """Routes on the ``websecure`` entrypoint, TLS from the cluster's wildcard certificate;
    middlewares are names in the route's namespace; priority None: Traefik orders by rule length."""

    def __init__(self, scope: Construct, id: str, name: str, ir: IngressRouteSpec, ctx: Context):
        routes = []
        for r in ir.routes:
            route: dict[str, Any] = {"match": route_match(r), "kind": "Rule"}
            if r.priority is not None:
                route["priority"] = r.priority
            if r.middlewares:
                route["middlewares"] = [{"name": m, "namespace": ctx.namespace} for m in r.middlewares]
            route["services"] = [{"name": ref.service, "port": ref.port} for ref in r.services]
            routes.append(route)
        spec = {"entryPoints": ["websecure"], "routes": routes, "tls": {"secretName": ctx.cluster.tls_secret}}
        super().__init__(
            scope,
            id,
            api_version=API_VERSION,
            kind="IngressRoute",
            name=name,
            spec=spec,
            namespace=ctx.namespace,
            labels=ctx.component_labels(ir.component) if ir.labelled else None,
        )


class Middleware(Manifest):
    """``spec`` is Traefik's middleware spec as written in its documentation (camelCase)."""

    def __init__(self, scope: Construct, id: str, name: str, mw: MiddlewareSpec, ctx: Context):
        super().__init__(
            scope,
            id,
            api_version=API_VERSION,
            kind="Middleware",
            name=name,
            spec=mw.spec,
            namespace=ctx.namespace,
            labels=ctx.labels if mw.labelled else None,
        )
