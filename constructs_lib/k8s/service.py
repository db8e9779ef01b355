"""A Kubernetes Service in front of a workload's pods."""

from __future__ import annotations

from cdktf_cdktf_provider_kubernetes import service
from constructs import Construct

from catalog.model.objects import ServiceSpec
from constructs_lib.context import Context
from constructs_lib.k8s.structs import Structs
from constructs_lib.k8s.workload import Workload
from constructs_lib.naming import name_own_resource, object_id


class Service(service.Service):
    """``type`` ClusterIP, ``protocol`` TCP and an unset ``target_port`` are not written: they are
    what Kubernetes (and the provider) use anyway, so the plan shows only what the catalog states.
    It carries the labels of the workload it selects."""

    def __init__(self, scope: Construct, id: str, name: str, svc: ServiceSpec, ctx: Context, workload: Workload):
        s = Structs(service, "Service")
        labels, selector = workload.labels, workload.selector
        super().__init__(
            scope,
            id,
            metadata=s("Metadata", name=name, namespace=ctx.namespace, labels=dict(labels) or None),
            spec=s(
                "Spec",
                type=None if svc.type == "ClusterIP" else svc.type,
                selector=dict(selector),
                port=[
                    s(
                        "SpecPort",
                        name=p.name,
                        port=p.port,
                        target_port=str(p.target_port) if p.target_port is not None else None,
                        node_port=p.node_port,
                        protocol=None if p.protocol == "TCP" else p.protocol,
                    )
                    for p in svc.ports
                ],
            ),
        )
        name_own_resource(self, scope, object_id(name))
