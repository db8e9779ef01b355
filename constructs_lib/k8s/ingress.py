"""A networking.k8s.io/v1 Ingress for Traefik."""

from __future__ import annotations

from cdktf_cdktf_provider_kubernetes import ingress_v1
from constructs import Construct

from catalog.model.objects import Ingress as IngressSpec
from constructs_lib.context import Context
from constructs_lib.k8s.structs import Structs
from constructs_lib.naming import name_own_resource, object_id

TRAEFIK_ANNOTATIONS = {
    "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
    "traefik.ingress.kubernetes.io/router.tls": "true",
}
PATH = "/"


class Ingress(ingress_v1.IngressV1):
    """Every host routes ``/`` (Prefix) to the backend; class ``traefik`` on the ``websecure``
    entrypoint with TLS from the cluster's wildcard certificate."""

    def __init__(self, scope: Construct, id: str, name: str, ing: IngressSpec, ctx: Context):
        s = Structs(ingress_v1, "IngressV1")
        backend = s(
            "SpecRuleHttpPathBackend",
            service=s(
                "SpecRuleHttpPathBackendService",
                name=ing.backend.service,
                port=_port(s, ing.backend.port),
            ),
        )
        rules = [
            s(
                "SpecRule",
                host=host,
                http=s("SpecRuleHttp", path=[s("SpecRuleHttpPath", path=PATH, path_type="Prefix", backend=backend)]),
            )
            for host in ing.hosts
        ]
        super().__init__(
            scope,
            id,
            metadata=s(
                "Metadata",
                name=name,
                namespace=ing.namespace or ctx.namespace,
                labels=dict(ctx.labels) if ing.labelled and ctx.labels else None,
                annotations=dict(TRAEFIK_ANNOTATIONS),
            ),
            spec=s(
                "Spec",
                ingress_class_name="traefik",
                tls=[s("SpecTls", hosts=list(ing.hosts), secret_name=ctx.cluster.tls_secret)],
                rule=rules,
            ),
        )
        name_own_resource(self, scope, object_id(name))


def _port(s: Structs, port: int | str):
    """The backend's Service port, by number or by name (``ServiceRef``)."""
    if isinstance(port, int):
        return s("SpecRuleHttpPathBackendServicePort", number=port)
    return s("SpecRuleHttpPathBackendServicePort", name=port)
