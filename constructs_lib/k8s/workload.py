"""A Deployment or StatefulSet: pods kept running by the cluster."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_kubernetes import deployment, stateful_set
from constructs import Construct

from catalog.model.objects import Workload as WorkloadSpec
from constructs_lib.context import Context
from constructs_lib.jsii_speed import ClusterConstruct
from constructs_lib.k8s.pod import render_pod_spec
from constructs_lib.k8s.structs import Structs
from constructs_lib.naming import name_resource, object_id


class Workload(ClusterConstruct):
    """The workload ``name`` of an expanded catalog entry (``wl``: its sidecars already among its
    containers). ``labels`` go on the object and on its pods; ``selector`` must be a subset of
    them. A StatefulSet's governing Service is the workload's name. ``strategy`` unset: the
    Kubernetes default (RollingUpdate), not written."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        name: str,
        wl: WorkloadSpec,
        ctx: Context,
        labels: Mapping[str, str],
        selector: Mapping[str, str],
        depends_on: Sequence[ITerraformDependable] = (),
    ):
        super().__init__(scope, id)
        self.name, self.spec, self.labels, self.selector = name, wl, dict(labels), dict(selector)
        if not set(selector.items()) <= set(labels.items()):
            raise ValueError(f"workload {name!r}: selector {dict(selector)} is not a subset of its labels")
        module, prefix = (stateful_set, "StatefulSet") if wl.kind == "StatefulSet" else (deployment, "Deployment")
        s = Structs(module, prefix)
        template = s(
            "SpecTemplate",
            metadata=s("SpecTemplateMetadata", labels=dict(labels)),
            spec=render_pod_spec(s.nested("SpecTemplateSpec"), wl, ctx),
        )
        metadata = s("Metadata", name=name, namespace=ctx.namespace, labels=dict(labels) or None)
        common: dict[str, Any] = {
            "replicas": str(wl.replicas),
            "selector": s("SpecSelector", match_labels=dict(selector)),
            "template": template,
        }
        if wl.kind == "StatefulSet":
            spec = s("Spec", **common, service_name=name, volume_claim_template=_claims(s, wl) or None)
            self.resource = stateful_set.StatefulSet(
                self, "stateful_set", metadata=metadata, spec=spec, depends_on=list(depends_on) or None
            )
        else:
            spec = s("Spec", **common, strategy=s("SpecStrategy", type=wl.strategy) if wl.strategy else None)
            self.resource = deployment.Deployment(
                self, "deployment", metadata=metadata, spec=spec, depends_on=list(depends_on) or None
            )
        name_resource(self, self.resource, object_id(name))


def _claims(s: Structs, wl: WorkloadSpec) -> list[Any]:
    return [
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
        for name, vct in wl.volume_claim_templates.items()
    ]
