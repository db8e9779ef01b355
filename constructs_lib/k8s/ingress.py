"""A networking.k8s.io/v1 Ingress for Traefik."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_kubernetes import ingress_v1
from constructs import Construct

from constructs_lib.k8s.structs import Structs
from constructs_lib.naming import name_own_resource, object_id

TRAEFIK_ANNOTATIONS = {
    "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
    "traefik.ingress.kubernetes.io/router.tls": "true",
}


@dataclass(frozen=True)
class IngressProps:
    """Every host routes ``/`` (Prefix) to ``service:port``; class ``traefik`` on the
    ``websecure`` entrypoint with TLS from ``tls_secret`` (the cluster's wildcard certificate)."""

    name: str
    namespace: str
    labels: Mapping[str, str]
    hosts: Sequence[str]
    service: str
    port: int
    tls_secret: str
    path: str = "/"


class Ingress(ingress_v1.IngressV1):
    def __init__(self, scope: Construct, id: str, props: IngressProps):
        s = Structs(ingress_v1, "IngressV1")
        backend = s(
            "SpecRuleHttpPathBackend",
            service=s(
                "SpecRuleHttpPathBackendService",
                name=props.service,
                port=s("SpecRuleHttpPathBackendServicePort", number=props.port),
            ),
        )
        rules = [
            s(
                "SpecRule",
                host=host,
                http=s(
                    "SpecRuleHttp", path=[s("SpecRuleHttpPath", path=props.path, path_type="Prefix", backend=backend)]
                ),
            )
            for host in props.hosts
        ]
        super().__init__(
            scope,
            id,
            metadata=s(
                "Metadata",
                name=props.name,
                namespace=props.namespace,
                labels=dict(props.labels) or None,
                annotations=dict(TRAEFIK_ANNOTATIONS),
            ),
            spec=s(
                "Spec",
                ingress_class_name="traefik",
                tls=[s("SpecTls", hosts=list(props.hosts), secret_name=props.tls_secret)],
                rule=rules,
            ),
        )
        self.props = props
        name_own_resource(self, scope, object_id(props.name))
