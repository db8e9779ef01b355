"""A ConfigMap of literal files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdktf_cdktf_provider_kubernetes import config_map
from constructs import Construct

from constructs_lib.k8s.structs import Structs
from constructs_lib.naming import name_own_resource, object_id
from constructs_lib.terraform_text import literal


@dataclass(frozen=True)
class ConfigMapProps:
    """``data`` values are literal text (escaped for Terraform here); empty ``labels``: none written."""

    name: str
    namespace: str
    data: Mapping[str, str]
    labels: Mapping[str, str]


class ConfigMap(config_map.ConfigMap):
    def __init__(self, scope: Construct, id: str, props: ConfigMapProps):
        s = Structs(config_map, "ConfigMap")
        super().__init__(
            scope,
            id,
            metadata=s("Metadata", name=props.name, namespace=props.namespace, labels=dict(props.labels) or None),
            data={k: literal(v) for k, v in props.data.items()},
        )
        self.props = props
        name_own_resource(self, scope, object_id(props.name))
