"""A Kubernetes object managed through ``kubectl_manifest`` (CRDs the kubernetes provider lacks)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from cdktf import ITerraformDependable
from constructs import Construct

from constructs_lib.base import ClusterConstruct
from constructs_lib.kubectl import KubectlManifest
from constructs_lib.naming import manifest_id, name_resource
from constructs_lib.terraform_text import literal


def manifest_body(obj: Mapping[str, Any]) -> str:
    """YAML of ``obj`` in a stable key order, escaped for Terraform."""
    return literal(yaml.safe_dump(dict(obj), sort_keys=False, default_flow_style=False, width=1000))


@dataclass(frozen=True)
class ManifestProps:
    """``api_version``/``kind``/``name``: the object's identity. ``namespace`` None: cluster-scoped.
    ``labels`` empty: no labels key is written. ``spec`` is the object's spec in API (camelCase) form."""

    api_version: str
    kind: str
    name: str
    spec: Mapping[str, Any]
    namespace: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    depends_on: Sequence[ITerraformDependable] = ()


class Manifest(ClusterConstruct):
    """One object as a ``kubectl_manifest`` named ``<kind>_<name>``."""

    def __init__(self, scope: Construct, id: str, props: ManifestProps):
        super().__init__(scope, id)
        metadata: dict[str, Any] = {"name": props.name}
        if props.namespace is not None:
            metadata["namespace"] = props.namespace
        if props.labels:
            metadata["labels"] = dict(props.labels)
        self.object = {
            "apiVersion": props.api_version,
            "kind": props.kind,
            "metadata": metadata,
            "spec": dict(props.spec),
        }
        self.resource = name_resource(
            self,
            KubectlManifest(self, "manifest", yaml_body=manifest_body(self.object), depends_on=props.depends_on),
            manifest_id(props.kind, props.name),
        )
