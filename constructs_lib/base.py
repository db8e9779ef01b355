"""The base of every construct of this project.

It remembers its scope on the Python side, so finding the owning stack walks Python objects
instead of asking the jsii kernel (a round trip to node per question: thousands per synth).
"""

from __future__ import annotations

from cdktf import TerraformStack
from constructs import Construct


class ClusterConstruct(Construct):
    def __init__(self, scope: Construct, id: str):
        super().__init__(scope, id)
        self.parent_scope = scope


def stack_of(construct: Construct) -> TerraformStack:
    node = construct
    while not isinstance(node, TerraformStack):
        parent = getattr(node, "parent_scope", None)
        if parent is None:
            return TerraformStack.of(node)
        node = parent
    return node
