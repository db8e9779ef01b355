"""Constructs of cluster-state: one module per Kubernetes or platform concept.

Every construct takes ``(scope, id, props)`` with flat, documented props and gives its
Terraform resources readable, stable addresses (see :mod:`constructs_lib.naming`).
"""
