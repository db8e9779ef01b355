"""Constructs of cluster-state: one module per Kubernetes or platform concept.

Every construct takes ``(scope, id, props)`` with flat, documented props and gives its
Terraform resources readable, stable addresses (see :mod:`constructs_lib.naming`).
"""

from constructs_lib.jsii_speed import lazy_provider_modules

lazy_provider_modules()  # before any construct module imports a provider (see jsii_speed)
