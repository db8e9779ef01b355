"""A Kubernetes object managed through ``kubectl_manifest`` (CRDs the kubernetes provider lacks)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from cdktf import ITerraformDependable
from constructs import Construct

from constructs_lib.kubectl import KubectlManifest
from constructs_lib.naming import manifest_id, name_own_resource
from constructs_lib.terraform_text import literal

# libyaml's emitter where available: the same YAML, several times faster than the pure-Python one.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def manifest_yaml(obj: Mapping[str, Any]) -> str:
    """YAML of ``obj`` in a stable key order: the object the cluster receives."""
    return yaml.dump(dict(obj), Dumper=_DUMPER, sort_keys=False, default_flow_style=False, width=1000)


def manifest_body(obj: Mapping[str, Any]) -> str:
    """:func:`manifest_yaml` escaped for Terraform: the ``yaml_body`` of a ``kubectl_manifest``."""
    return literal(manifest_yaml(obj))


class Manifest(KubectlManifest):
    """One object as a ``kubectl_manifest`` named ``<kind>_<name>``. The construct is the
    resource (no wrapper): every construct costs a round trip to the jsii kernel.

    ``namespace`` None: cluster-scoped. ``labels`` empty: no labels key is written. ``spec`` is
    the object's spec in API (camelCase) form."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        api_version: str,
        kind: str,
        name: str,
        spec: Mapping[str, Any],
        namespace: str | None = None,
        labels: Mapping[str, str] | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ):
        metadata: dict[str, Any] = {"name": name}
        if namespace is not None:
            metadata["namespace"] = namespace
        if labels:
            metadata["labels"] = dict(labels)
        obj = {"apiVersion": api_version, "kind": kind, "metadata": metadata, "spec": dict(spec)}
        text = manifest_yaml(obj)
        super().__init__(scope, id, yaml_body=literal(text), depends_on=list(depends_on))
        self.object = obj
        self.yaml = text
        name_own_resource(self, scope, manifest_id(kind, name))
