"""Recorded consent to a change that loses data.

``make diff`` refuses a change that destroys or replaces an object holding data (a StatefulSet
with volume claim templates, a PersistentVolumeClaim, a CSI volume, the last workload mounting a
GlusterFS or litestream-backed volume) until the catalog says, in the same merge request, that
this is intended and why. The entry is reviewed like code; once merged it is inert and can be
deleted in a later change.

A Nomad CSI volume of ``nomad.csi_volumes`` is also protected by Terraform itself
(``lifecycle.prevent_destroy``, constructs_lib/nomad_csi_volume.py): an entry naming it lifts
that protection for as long as the entry stays, so delete the entry once the change is applied.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from catalog.model.base import Model


class Acknowledgment(Model):
    """``{address: kubernetes_stateful_set.overseerr, reason: ...}``: the Terraform address of
    the object whose data may be lost (``<stack>/<address>`` to name one stack only)."""

    address: str = Field(pattern=r"^([a-z]+/)?[a-z0-9_]+\.[A-Za-z0-9_-]+$")
    reason: str = Field(min_length=10)

    def names(self, stack: str, address: str) -> bool:
        """Whether this entry is about ``address`` of ``stack``."""
        return self.address in (address, f"{stack}/{address}")


def acknowledged(acknowledgments: Iterable[Acknowledgment], stack: str, address: str) -> Acknowledgment | None:
    """The entry that acknowledges losing the data of ``address`` in ``stack``, if any."""
    return next((ack for ack in acknowledgments if ack.names(stack, address)), None)
