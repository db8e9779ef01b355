"""An acknowledgment of a Nomad CSI volume names one the catalog declares.

An acknowledgment of ``nomad_csi_volume.<key>`` lifts that volume's ``prevent_destroy``
(catalog/model/acknowledgments.py); one that names no declared volume (a typo, a volume renamed
since) would protect nothing it means to and hide that the volume it was written for is
protected still.
"""

from __future__ import annotations

from collections.abc import Iterator

from catalog.model import Catalog
from rules.engine import Located

RULE = "acknowledged-volume-declared"
RESOURCE_TYPE = "nomad_csi_volume"
STACK = "nomad"


def acknowledged_volumes_declared(catalog: Catalog) -> Iterator[Located]:
    declared = catalog.nomad.csi_volumes
    for i, ack in enumerate(catalog.acknowledgments):
        stack, _, address = ack.address.rpartition("/")
        resource_type, _, key = address.partition(".")
        if resource_type != RESOURCE_TYPE:
            continue
        if stack not in ("", STACK):
            yield ("acknowledgments", i, "address"), f"{RESOURCE_TYPE} lives in stack {STACK!r}, not {stack!r}"
        elif key not in declared:
            known = ", ".join(sorted(declared)) or "none"
            yield (
                ("acknowledgments", i, "address"),
                f"{ack.address} names no volume of nomad.csi_volumes (declared: {known})",
            )


RULES = {RULE: acknowledged_volumes_declared}
