"""autoscaling.k8s.io/v1 VerticalPodAutoscaler."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf import ITerraformDependable
from constructs import Construct

from constructs_lib.manifest import Manifest, ManifestProps


@dataclass(frozen=True)
class ContainerPolicy:
    container: str
    min_allowed: Mapping[str, str]
    max_allowed: Mapping[str, str]


@dataclass(frozen=True)
class VpaProps:
    """Targets the ``target_kind`` (Deployment/StatefulSet) ``target``; ``update_mode`` Off
    only records recommendations. Depends on the workload so it is created after it."""

    name: str
    namespace: str
    target_kind: str
    target: str
    update_mode: str = "Off"
    container_policies: Sequence[ContainerPolicy] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    depends_on: Sequence[ITerraformDependable] = ()


class VerticalPodAutoscaler(Manifest):
    def __init__(self, scope: Construct, id: str, props: VpaProps):
        spec = {
            "targetRef": {"apiVersion": "apps/v1", "kind": props.target_kind, "name": props.target},
            "updatePolicy": {"updateMode": props.update_mode},
            "resourcePolicy": {
                "containerPolicies": [
                    {"containerName": p.container, "minAllowed": dict(p.min_allowed), "maxAllowed": dict(p.max_allowed)}
                    for p in props.container_policies
                ]
            },
        }
        super().__init__(
            scope,
            id,
            ManifestProps(
                "autoscaling.k8s.io/v1",
                "VerticalPodAutoscaler",
                props.name,
                spec,
                props.namespace,
                props.labels,
                props.depends_on,
            ),
        )
