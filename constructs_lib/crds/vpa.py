"""autoscaling.k8s.io/v1 VerticalPodAutoscaler."""

from __future__ import annotations

from cdktf import ITerraformDependable
from constructs import Construct

from catalog.model.objects import Vpa
from constructs_lib.context import Context
from constructs_lib.manifest import Manifest


class VerticalPodAutoscaler(Manifest):
    """Targets the ``target_kind`` (Deployment/StatefulSet) workload ``vpa.workload``; ``Off``
    only records recommendations. Depends on the workload so it is created after it."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        name: str,
        vpa: Vpa,
        ctx: Context,
        target_kind: str,
        target: ITerraformDependable,
    ):
        spec = {
            "targetRef": {"apiVersion": "apps/v1", "kind": target_kind, "name": vpa.workload},
            "updatePolicy": {"updateMode": vpa.update_mode},
            "resourcePolicy": {
                "containerPolicies": [
                    {"containerName": c, "minAllowed": dict(b.min), "maxAllowed": dict(b.max)}
                    for c, b in vpa.containers.items()
                ]
            },
        }
        super().__init__(
            scope,
            id,
            api_version="autoscaling.k8s.io/v1",
            kind="VerticalPodAutoscaler",
            name=name,
            spec=spec,
            namespace=ctx.namespace,
            labels=ctx.labels,
            depends_on=[target],
        )
