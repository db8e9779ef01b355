"""A Kubernetes Service in front of a workload's pods."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_kubernetes import service
from constructs import Construct

from catalog.model.objects import ServicePort
from constructs_lib.k8s.structs import Structs
from constructs_lib.naming import name_own_resource, object_id


@dataclass(frozen=True)
class ServiceProps:
    """``type``, ``protocol`` and ``target_port`` left unset are not written: Kubernetes then
    uses ClusterIP, TCP and the ``port`` itself."""

    name: str
    namespace: str
    labels: Mapping[str, str]
    selector: Mapping[str, str]
    ports: Sequence[ServicePort]
    type: str | None = None


class Service(service.Service):
    def __init__(self, scope: Construct, id: str, props: ServiceProps):
        s = Structs(service, "Service")
        super().__init__(
            scope,
            id,
            metadata=s("Metadata", name=props.name, namespace=props.namespace, labels=dict(props.labels) or None),
            spec=s(
                "Spec",
                type=props.type,
                selector=dict(props.selector),
                port=[
                    s(
                        "SpecPort",
                        name=p.name,
                        port=p.port,
                        target_port=str(p.target_port) if p.target_port is not None else None,
                        node_port=p.node_port,
                        protocol=p.protocol,
                    )
                    for p in props.ports
                ],
            ),
        )
        self.props = props
        name_own_resource(self, scope, object_id(props.name))
