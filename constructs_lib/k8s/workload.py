"""A Deployment or StatefulSet: pods kept running by the cluster."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_kubernetes import deployment, stateful_set
from constructs import Construct

from catalog.model.pod import VolumeClaimTemplate
from constructs_lib.base import ClusterConstruct
from constructs_lib.k8s.pod import PodProps, render_pod_spec
from constructs_lib.k8s.structs import Structs
from constructs_lib.naming import name_resource, object_id


@dataclass(frozen=True)
class WorkloadProps:
    """``labels`` go on the object and on its pods; ``selector`` must be a subset of them.

    ``kind`` Deployment (default) or StatefulSet; a StatefulSet's governing Service is
    ``service_name`` (default: the workload's name). ``strategy`` unset: the Kubernetes default
    (RollingUpdate), not written.
    """

    name: str
    namespace: str
    labels: Mapping[str, str]
    selector: Mapping[str, str]
    pod: PodProps
    kind: Literal["Deployment", "StatefulSet"] = "Deployment"
    replicas: int = 1
    strategy: str | None = None
    service_name: str | None = None
    volume_claim_templates: Mapping[str, VolumeClaimTemplate] = field(default_factory=dict)
    depends_on: Sequence[ITerraformDependable] = ()


class Workload(ClusterConstruct):
    def __init__(self, scope: Construct, id: str, props: WorkloadProps):
        super().__init__(scope, id)
        self.props = props
        if not set(props.selector.items()) <= set(props.labels.items()):
            raise ValueError(f"workload {props.name!r}: selector {dict(props.selector)} is not a subset of its labels")
        if props.kind == "StatefulSet":
            self.resource = self._stateful_set(props)
        else:
            self.resource = self._deployment(props)
        name_resource(self, self.resource, object_id(props.name))

    def _deployment(self, p: WorkloadProps) -> deployment.Deployment:
        s = Structs(deployment, "Deployment")
        return deployment.Deployment(
            self,
            "deployment",
            metadata=s("Metadata", name=p.name, namespace=p.namespace, labels=dict(p.labels) or None),
            spec=s(
                "Spec",
                replicas=str(p.replicas),
                strategy=s("SpecStrategy", type=p.strategy) if p.strategy else None,
                selector=s("SpecSelector", match_labels=dict(p.selector)),
                template=_template(s, p),
            ),
            depends_on=list(p.depends_on) or None,
        )

    def _stateful_set(self, p: WorkloadProps) -> stateful_set.StatefulSet:
        s = Structs(stateful_set, "StatefulSet")
        claims = [
            s(
                "SpecVolumeClaimTemplate",
                metadata=s("SpecVolumeClaimTemplateMetadata", name=name),
                spec=s(
                    "SpecVolumeClaimTemplateSpec",
                    access_modes=list(vct.access_modes),
                    storage_class_name=vct.storage_class,
                    resources=s("SpecVolumeClaimTemplateSpecResources", requests={"storage": vct.storage}),
                ),
            )
            for name, vct in p.volume_claim_templates.items()
        ]
        return stateful_set.StatefulSet(
            self,
            "stateful_set",
            metadata=s("Metadata", name=p.name, namespace=p.namespace, labels=dict(p.labels) or None),
            spec=s(
                "Spec",
                replicas=str(p.replicas),
                service_name=p.service_name or p.name,
                selector=s("SpecSelector", match_labels=dict(p.selector)),
                template=_template(s, p),
                volume_claim_template=claims or None,
            ),
            depends_on=list(p.depends_on) or None,
        )


def _template(s: Structs, p: WorkloadProps) -> Any:
    """The pod template, labelled with all the workload's labels; the same for both kinds."""
    return s(
        "SpecTemplate",
        metadata=s("SpecTemplateMetadata", labels=dict(p.labels)),
        spec=render_pod_spec(s.nested("SpecTemplateSpec"), p.pod),
    )
