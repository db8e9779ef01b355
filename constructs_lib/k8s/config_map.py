"""A ConfigMap of literal files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdktf_cdktf_provider_kubernetes import config_map
from constructs import Construct

from constructs_lib.base import ClusterConstruct
from constructs_lib.k8s.structs import Structs
from constructs_lib.naming import name_resource, object_id
from constructs_lib.terraform_text import literal


@dataclass(frozen=True)
class ConfigMapProps:
    """``data`` values are literal text (escaped for Terraform here); empty ``labels``: none written."""

    name: str
    namespace: str
    data: Mapping[str, str]
    labels: Mapping[str, str]


class ConfigMap(ClusterConstruct):
    def __init__(self, scope: Construct, id: str, props: ConfigMapProps):
        super().__init__(scope, id)
        self.props = props
        s = Structs(config_map, "ConfigMap")
        self.resource = name_resource(
            self,
            config_map.ConfigMap(
                self,
                "config_map",
                metadata=s("Metadata", name=props.name, namespace=props.namespace, labels=dict(props.labels) or None),
                data={k: literal(v) for k, v in props.data.items()},
            ),
            object_id(props.name),
        )
