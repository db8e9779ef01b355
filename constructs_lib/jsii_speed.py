"""Every shortcut this project takes around the jsii kernel, in one module, for one reason.

The cdktf constructs in Python are proxies of objects that live in a node process (the jsii
kernel): each construct created, property read or method called is a round trip to it. For
this catalog (~130 resources) the round trips, not our code, are most of the build time past
start-up, so the few places that would ask node the same question once per resource or per
struct field ask Python instead. Nothing else in the project needs to know how:

- :func:`direct_getters`: the generated struct classes' property getters wrap the stored value
  in ``typing.cast(<type>)``, whose type expression Python re-evaluates on every call, and jsii
  reads every property of every struct when it sends a resource to node (a third of the build
  time of a large catalog). The subclasses handed out read the stored value directly;
  construction, with its runtime type checks, stays the generated code's own.
- :class:`ClusterConstruct` and :func:`own_resource`: each of our constructs remembers its scope
  on the Python side, so finding its stack or its service (:func:`stack_of`,
  :func:`service_of`) walks Python objects instead of asking node per resource.
- :func:`resources_of`: each stack's resources with the construct that made them, kept on the
  Python side, so the rules of the built tree read the domain objects of the owners (texts,
  jobspecs) instead of the stack's Terraform config, whose transfer from node costs most of a
  second for a large catalog.

(``main.py`` synthesizes under ``python -O``, where the jsii bindings skip their runtime type
checks of every struct argument; the tests keep them. ``stacks/runtime.py`` sizes node's
memory. Those two are settings of the process, not of the code.)
"""

from __future__ import annotations

import functools
from typing import Any

from cdktf import TerraformResource, TerraformStack
from constructs import Construct


@functools.cache
def direct_getters(struct: type) -> type:
    """``struct`` with each jsii property read straight from the values the constructor stored."""
    mapping = getattr(struct, "__jsii_name_mapping__", None)
    if not mapping:
        return struct
    getters = {name: property(lambda self, _name=name: self._values.get(_name)) for name in mapping}
    return type(struct.__name__, (struct,), {**getters, "__module__": struct.__module__, "__doc__": struct.__doc__})


class ClusterConstruct(Construct):
    """The base of this project's constructs that are not themselves provider resources."""

    def __init__(self, scope: Construct, id: str):
        super().__init__(scope, id)
        self.parent_scope = scope


def own_resource(resource: TerraformResource, scope: Construct) -> None:
    """For a construct that is itself its provider resource (no wrapper): remember its scope."""
    resource.parent_scope = scope


def stack_of(construct: Construct) -> TerraformStack:
    node = construct
    while not isinstance(node, TerraformStack):
        parent = getattr(node, "parent_scope", None)
        if parent is None:
            return TerraformStack.of(node)
        node = parent
    return node


def service_of(construct: Construct, kind: type) -> Any | None:
    """The nearest enclosing construct of ``kind`` (e.g. the App of a catalog service), if any."""
    node: Any = construct
    while node is not None and not isinstance(node, TerraformStack):
        if isinstance(node, kind):
            return node
        node = getattr(node, "parent_scope", None)
    return None


def resources_of(stack: TerraformStack) -> dict[str, tuple[Construct, TerraformResource]]:
    """``{address: (owning construct, resource)}`` of the stack (filled by ``naming.name_resource``)."""
    return stack.__dict__.setdefault("_cluster_state_resources", {})
