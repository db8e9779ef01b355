"""Finds the typed struct classes of one resource type of the prebuilt kubernetes provider.

The provider generates one struct class per nesting path (``DeploymentSpecTemplateSpecContainer``,
``StatefulSetSpecTemplateSpecContainer``, ...), identical in shape. Rendering a pod once for
every resource type means looking the class up by that path instead of writing it three times.

The classes handed out are thin subclasses of the generated ones whose property getters read
the stored value directly. The generated getters wrap that same read in ``typing.cast(<type>)``,
whose type expression Python re-evaluates on every call; jsii reads every property of every
struct when it sends a resource to node, so those evaluations were a third of the build time of
a large catalog. Construction (and its runtime type checks) is the generated code's own.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any


class Structs:
    def __init__(self, module: ModuleType, prefix: str):
        self._module = module
        self._prefix = prefix

    def __call__(self, struct_path: str, /, **kwargs: Any) -> Any:
        cls = direct_getters(getattr(self._module, self._prefix + struct_path))
        return cls(**{k: v for k, v in kwargs.items() if v is not None})

    def nested(self, struct_path: str) -> Structs:
        return Structs(self._module, self._prefix + struct_path)


@functools.cache
def direct_getters(struct: type) -> type:
    """``struct`` with each jsii property read straight from the values the constructor stored."""
    mapping = getattr(struct, "__jsii_name_mapping__", None)
    if not mapping:
        return struct
    getters = {name: property(lambda self, _name=name: self._values.get(_name)) for name in mapping}
    return type(struct.__name__, (struct,), {**getters, "__module__": struct.__module__, "__doc__": struct.__doc__})
