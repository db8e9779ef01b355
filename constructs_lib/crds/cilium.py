"""cilium.io/v2 CiliumNetworkPolicy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf import ITerraformDependable
from constructs import Construct

from constructs_lib.manifest import Manifest, ManifestProps


@dataclass(frozen=True)
class NetworkPolicyProps:
    """Admits TCP traffic to ``ports`` of the pods matching ``selector`` from pods matching any of
    ``allow_from``; everything else to those pods is denied once a policy selects them."""

    name: str
    namespace: str
    selector: Mapping[str, str]
    allow_from: Sequence[Mapping[str, str]]
    ports: Sequence[int]
    labels: Mapping[str, str] = field(default_factory=dict)
    depends_on: Sequence[ITerraformDependable] = ()


class CiliumNetworkPolicy(Manifest):
    def __init__(self, scope: Construct, id: str, props: NetworkPolicyProps):
        spec = {
            "endpointSelector": {"matchLabels": dict(props.selector)},
            "ingress": [
                {
                    "fromEndpoints": [{"matchLabels": dict(s)} for s in props.allow_from],
                    "toPorts": [{"ports": [{"port": str(p), "protocol": "TCP"} for p in props.ports]}],
                }
            ],
        }
        super().__init__(
            scope,
            id,
            ManifestProps(
                "cilium.io/v2", "CiliumNetworkPolicy", props.name, spec, props.namespace, props.labels, props.depends_on
            ),
        )
