"""One side of the comparison: every synthesized resource as the object the cluster receives.

Kubernetes resources go through ``validation.render`` (the one translation of the provider's
dialect into API objects); a ``nomad_job`` is shown as its job (the jobspec text and its HCL2
variables); anything else as its Terraform attributes. The Terraform attributes are kept next to
the rendered body because replacement is decided on them (``review.consequences``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from validation.render import is_kubernetes, load_stacks, render_resource


@dataclass(frozen=True)
class Item:
    stack: str
    service: str
    rtype: str
    name: str
    attributes: dict[str, Any]  # the resource's configuration in cdk.tf.json, without "//"
    body: Any  # what the cluster receives

    @property
    def address(self) -> str:
        return f"{self.rtype}.{self.name}"

    @property
    def key(self) -> tuple[str, str]:
        return (self.stack, self.address)

    @property
    def label(self) -> str:
        """``StatefulSet default/overseerr``, ``nomad job elk``: what a reviewer recognises."""
        if isinstance(self.body, dict) and "kind" in self.body:
            meta = self.body.get("metadata") or {}
            where = f"{meta['namespace']}/{meta.get('name')}" if meta.get("namespace") else meta.get("name")
            return f"{self.body['kind']} {where}"
        if self.rtype == "nomad_job":
            return f"Nomad job {self.name}"
        return self.address


def load_items(out_dir: Path) -> dict[tuple[str, str], Item]:
    """``{(stack, address): Item}`` of one ``cdktf.out``."""
    items = {}
    for stack, tf_json in load_stacks(out_dir).items():
        resources = tf_json.get("resource") or {}
        for rtype, group in resources.items():
            for name, raw in group.items():
                attributes = {k: v for k, v in raw.items() if k != "//"}
                item = Item(
                    stack,
                    _service(raw, stack),
                    rtype,
                    name,
                    attributes,
                    _body(stack, rtype, name, attributes, resources),
                )
                items[item.key] = item
    return items


def _service(raw: dict[str, Any], stack: str) -> str:
    """The catalog service: construct paths are ``<stack>/<service>/...``."""
    path = str(((raw.get("//") or {}).get("metadata") or {}).get("path", ""))
    parts = path.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == stack else "(stack)"


def _body(stack: str, rtype: str, name: str, attributes: dict[str, Any], resources: dict[str, Any]) -> Any:
    if is_kubernetes(rtype):
        return render_resource(stack, rtype, name, attributes, resources).body
    if rtype == "nomad_job":
        job = {"jobspec": attributes.get("jobspec")}
        variables = (attributes.get("hcl2") or {}).get("vars")
        if variables:
            job["variables"] = variables
        return job
    return attributes
