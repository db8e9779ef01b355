"""The cluster's hard-won rules, enforced at synthesis as a cdktf Aspect.

Each rule is a plain function over domain objects (pod props, the catalog entry, the
Terraform config of a resource): no cdktf types in the checks themselves. A service can waive
a rule only in services.yaml, with a written reason.
"""

from rules.aspect import ClusterRules, apply_rules

__all__ = ["ClusterRules", "apply_rules"]
