"""Finds the typed struct classes of one resource type of the prebuilt kubernetes provider.

The provider generates one struct class per nesting path (``DeploymentSpecTemplateSpecContainer``,
``StatefulSetSpecTemplateSpecContainer``, ...), identical in shape. Rendering a pod once for
every resource type means looking the class up by that path instead of writing it three times.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from constructs_lib.jsii_speed import direct_getters


class Structs:
    def __init__(self, module: ModuleType, prefix: str):
        self._module = module
        self._prefix = prefix

    def __call__(self, struct_path: str, /, **kwargs: Any) -> Any:
        cls = direct_getters(getattr(self._module, self._prefix + struct_path))
        return cls(**{k: v for k, v in kwargs.items() if v is not None})

    def nested(self, struct_path: str) -> Structs:
        return Structs(self._module, self._prefix + struct_path)
