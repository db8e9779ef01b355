"""Adoption of the running cluster: Terraform ``import`` blocks for every resource.

Switched on with ``CLUSTER_STATE_ADOPT=1`` at synth. The first plan against an empty state
then imports each object instead of creating it. Import IDs are the ones each provider
documents:

- kubernetes_*: ``<namespace>/<name>``;
- kubectl_manifest (alekc/kubectl): ``<apiVersion>//<kind>//<name>//<namespace>``, without the
  namespace part for cluster-scoped objects;
- nomad_job: the job ID, ``<job>@<namespace>`` outside the default namespace.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

import jsii
import yaml
from cdktf import Aspects, IAspect, TerraformResource, TerraformStack
from constructs import Construct, IConstruct

from constructs_lib.terraform_text import unescape

ADOPT_ENV = "CLUSTER_STATE_ADOPT"
_NOMAD_NAMESPACE = re.compile(r'^\s*namespace\s*=\s*"([^"]+)"', re.MULTILINE)


def adoption_enabled(env: Mapping[str, str] = os.environ) -> bool:
    return env.get(ADOPT_ENV, "").lower() in ("1", "true", "yes")


def import_id(resource_type: str, body: Mapping[str, Any]) -> str:
    """The import ID of a resource from its Terraform config (the ``to_terraform()`` body)."""
    if resource_type == "kubectl_manifest":
        obj = yaml.safe_load(unescape(body["yaml_body"]))
        meta = obj["metadata"]
        parts = [obj["apiVersion"], obj["kind"], meta["name"]] + ([meta["namespace"]] if meta.get("namespace") else [])
        return "//".join(parts)
    if resource_type == "nomad_job":
        jobspec = unescape(body["jobspec"])
        job = re.search(r'^\s*job\s+"([^"]+)"', jobspec, re.MULTILINE).group(1)
        namespace = _NOMAD_NAMESPACE.search(jobspec)
        return f"{job}@{namespace.group(1)}" if namespace and namespace.group(1) != "default" else job
    if resource_type.startswith("kubernetes_"):
        meta = body["metadata"]
        return f"{meta.get('namespace', 'default')}/{meta['name']}"
    raise ValueError(f"no import ID is known for {resource_type}")


@jsii.implements(IAspect)
class Adoption:
    """Sits on a leaf of the stack (one callback per stack) and reads the stack's config once."""

    def __init__(self, stack: TerraformStack):
        self.stack = stack

    def visit(self, node: IConstruct) -> None:
        resources = self.stack.to_terraform().get("resource") or {}
        for construct in self.stack.node.find_all():
            if isinstance(construct, TerraformResource):
                rtype = construct.terraform_resource_type
                body = resources[rtype][construct.friendly_unique_id]
                construct.import_from(import_id(rtype, body))


def enable_adoption(stack: TerraformStack) -> None:
    Aspects.of(Construct(stack, "adoption")).add(Adoption(stack))
