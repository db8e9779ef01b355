"""A Nomad CSI volume the catalog declares: a ``nomad_csi_volume`` that Terraform refuses to destroy.

Destroying a CSI volume deletes its data (the plugin deletes the storage it created), and a
change of a field Terraform cannot update in place (its id, its plugin) is a destroy followed
by a create. So every volume gets ``lifecycle.prevent_destroy``: a plan that would destroy or
replace it fails in Terraform itself ("Instance cannot be destroyed"), whoever runs it and
whatever reviewed the change. Only an entry of the catalog's ``acknowledgments`` naming the
volume (with its reason, reviewed like code) lifts it, for as long as the entry stays.
"""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_nomad.csi_volume import CsiVolume, CsiVolumeCapability, CsiVolumeMountOptions
from constructs import Construct

from catalog.model.nomad import CsiVolume as CsiVolumeSpec
from constructs_lib.jsii_speed import ClusterConstruct
from constructs_lib.naming import name_resource


class NomadCsiVolume(ClusterConstruct):
    """``nomad_csi_volume.<key>`` for the catalog's ``nomad.csi_volumes.<key>``.

    Props:
        key: the entry's key, the address suffix.
        spec: the catalog's volume, in the provider's terms.
        acknowledged: the catalog acknowledges that the volume's data may be lost: no
            ``prevent_destroy``.
    """

    def __init__(self, scope: Construct, id: str, *, key: str, spec: CsiVolumeSpec, acknowledged: bool):
        super().__init__(scope, id)
        self.key, self.spec, self.acknowledged = key, spec, acknowledged
        options = spec.mount_options
        self.volume = CsiVolume(
            self,
            "volume",
            volume_id=spec.volume_id,
            name=spec.name,
            plugin_id=spec.plugin_id,
            capacity_min=spec.capacity_min,
            capacity_max=spec.capacity_max,
            capability=[
                CsiVolumeCapability(access_mode=c.access_mode, attachment_mode=c.attachment_mode)
                for c in spec.capabilities
            ],
            mount_options=(
                CsiVolumeMountOptions(fs_type=options.fs_type, mount_flags=options.mount_flags or None)
                if options is not None
                else None
            ),
            lifecycle=None if acknowledged else TerraformResourceLifecycle(prevent_destroy=True),
        )
        name_resource(self, self.volume, key)
