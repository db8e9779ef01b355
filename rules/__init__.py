"""The cluster's hard-won rules, enforced at synthesis as a cdktf Aspect.

Each rule is a plain function over domain objects (pod props, the catalog entry, the
Terraform config of a resource): no cdktf types in the checks themselves. A service can waive
a rule only in services.yaml, with a written reason.

The catalog's own rules (``api_server``, ``references``, ``literal_secrets``) run when the
catalog is loaded, long before cdktf: the Aspect is imported only when asked for, so loading a
catalog never starts the jsii kernel.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ClusterRules", "apply_rules"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from rules import aspect

        return getattr(aspect, name)
    raise AttributeError(f"module 'rules' has no attribute {name!r}")
