"""Recorded consent to a change that loses data.

``make diff`` refuses a change that destroys or replaces an object holding data (a StatefulSet
with volume claim templates, a PersistentVolumeClaim, a CSI volume, the last workload mounting a
GlusterFS or litestream-backed volume) until the catalog says, in the same merge request, that
this is intended and why. The entry is reviewed like code; once merged it is inert and can be
deleted in a later change.
"""

from __future__ import annotations

from pydantic import Field

from catalog.model.base import Model


class Acknowledgment(Model):
    """``{address: kubernetes_stateful_set.overseerr, reason: ...}``: the Terraform address of
    the object whose data may be lost (``<stack>/<address>`` to name one stack only)."""

    address: str = Field(pattern=r"^([a-z]+/)?[a-z0-9_]+\.[A-Za-z0-9_-]+$")
    reason: str = Field(min_length=10)
