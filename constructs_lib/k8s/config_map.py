"""A ConfigMap of literal files."""

from __future__ import annotations

from pathlib import Path

from cdktf_cdktf_provider_kubernetes import config_map
from constructs import Construct

from catalog.model.objects import ConfigMap as ConfigMapSpec
from constructs_lib.context import Context
from constructs_lib.k8s.structs import Structs
from constructs_lib.naming import name_own_resource, object_id
from constructs_lib.terraform_text import literal

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def read_project_file(path: str) -> str:
    """Text of a project file named in the catalog (paths are relative to the project root)."""
    return (PROJECT_ROOT / path).read_text(encoding="utf-8")


class ConfigMap(config_map.ConfigMap):
    """The ``files`` (read here) and ``data`` of the entry's ConfigMap ``name``; values are
    literal text, escaped for Terraform here. ``texts`` keeps them as shipped (the rules read them);
    the attribute names of the provider's resource (``data``, ``metadata``) are taken."""

    def __init__(self, scope: Construct, id: str, name: str, cm: ConfigMapSpec, ctx: Context):
        s = Structs(config_map, "ConfigMap")
        self.texts = {**{k: read_project_file(p) for k, p in cm.files.items()}, **cm.data}
        labels = ctx.component_labels(cm.component) if cm.labelled else None
        super().__init__(
            scope,
            id,
            metadata=s("Metadata", name=name, namespace=ctx.namespace, labels=labels),
            data={k: literal(v) for k, v in self.texts.items()},
        )
        name_own_resource(self, scope, object_id(name))
