"""cilium.io/v2 CiliumNetworkPolicy."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from constructs import Construct

from catalog.model.objects import NetworkPolicy
from constructs_lib.context import Context
from constructs_lib.manifest import Manifest


class CiliumNetworkPolicy(Manifest):
    """Admits TCP traffic to ``ports`` of the pods matching ``selector`` from pods matching any of
    ``allow_from``; everything else to those pods is denied once a policy selects them."""

    def __init__(
        self, scope: Construct, id: str, np: NetworkPolicy, ctx: Context, depends_on: Sequence[ITerraformDependable]
    ):
        spec = {
            "endpointSelector": {"matchLabels": dict(np.selector)},
            "ingress": [
                {
                    "fromEndpoints": [{"matchLabels": dict(s)} for s in np.allow_from],
                    "toPorts": [{"ports": [{"port": str(p), "protocol": "TCP"} for p in np.ports]}],
                }
            ],
        }
        super().__init__(
            scope,
            id,
            api_version="cilium.io/v2",
            kind="CiliumNetworkPolicy",
            name=np.name,
            spec=spec,
            namespace=ctx.namespace,
            labels=ctx.labels,
            depends_on=depends_on,
        )
