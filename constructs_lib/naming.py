"""Terraform addresses that a reader can guess and that survive refactoring.

cdktf derives a logical id from the construct path plus a hash, so moving a construct renames
(and so destroys and recreates) its resource. Every resource here is instead named from the
identity of the object it manages, which is a public contract:

- ``kubernetes_<type>.<object name>`` with '-' -> '_' (``kubernetes_stateful_set.overseerr``);
- ``kubectl_manifest.<kind>_<object name>`` (``kubectl_manifest.external_secret_overseerr_secrets``);
- ``nomad_job.<catalog key>``.
"""

from __future__ import annotations

import re

from cdktf import TerraformResource
from constructs import Construct

from constructs_lib.jsii_speed import own_resource, resources_of, stack_of


def snake(text: str) -> str:
    """``VerticalPodAutoscaler`` -> ``vertical_pod_autoscaler``; ``overseerr-vpa`` -> ``overseerr_vpa``."""
    text = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", text)
    return re.sub(r"[^a-zA-Z0-9_]", "_", text).lower()


def object_id(name: str) -> str:
    return snake(name)


def manifest_id(kind: str, name: str) -> str:
    return f"{snake(kind)}_{snake(name)}"


def name_resource(owner: Construct, resource: TerraformResource, logical_id: str) -> TerraformResource:
    """Gives ``resource`` (created by ``owner``) its address; two resources of one stack never
    share an address (Terraform JSON would silently keep only the last one)."""
    stack = stack_of(owner)
    address = f"{_resource_type(resource)}.{logical_id}"
    taken = resources_of(stack)
    if address in taken:
        raise ValueError(f"two resources of stack {stack.node.path!r} would both be {address}")
    taken[address] = (owner, resource)
    resource.override_logical_id(logical_id)
    return resource


def name_own_resource(construct: TerraformResource, scope: Construct, logical_id: str) -> None:
    """Completes a construct that is itself its resource (no wrapper) and gives it its address."""
    own_resource(construct, scope)
    name_resource(construct, construct, logical_id)


_TYPES: dict[type, str] = {}


def _resource_type(resource: TerraformResource) -> str:
    """The Terraform type, asked of jsii once per class rather than once per resource."""
    cls = type(resource)
    if cls not in _TYPES:
        _TYPES[cls] = resource.terraform_resource_type
    return _TYPES[cls]
