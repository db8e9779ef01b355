"""Catalog shapes of the Nomad stack: the provider address, one entry per job, and CSI volumes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from catalog.model.base import Model

# A Terraform name that is also a Nomad volume id's usual shape: the key of an entry
VolumeKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,62}$")]
# Nomad's CSI capacities are byte sizes with an optional unit, e.g. "10GiB", "500MB"
Capacity = Annotated[str, Field(pattern=r"^[0-9]+(\.[0-9]+)?\s*([KMGTPE]i?B|[kKMGTPE]i?|B)?$")]


class NomadJob(Model):
    """A Nomad job submitted from a jobspec file of the project.

    ``job`` is the job name declared in the jobspec; ``vars`` are HCL2 variables passed through
    ``hcl2.vars`` (each must be declared in the jobspec); with no ``vars`` the jobspec is sent
    verbatim.
    """

    jobspec: str
    job: str
    vars: dict[str, str] = {}


class CsiCapability(Model):
    """One way a job may claim the volume (the provider's ``capability`` block)."""

    access_mode: Literal[
        "single-node-reader-only",
        "single-node-writer",
        "multi-node-reader-only",
        "multi-node-single-writer",
        "multi-node-multi-writer",
    ]
    attachment_mode: Literal["file-system", "block-device"]


class CsiMountOptions(Model):
    """The provider's ``mount_options`` block: how a file-system volume is mounted."""

    fs_type: str | None = None
    mount_flags: list[str] = []


class CsiVolume(Model):
    """A volume a CSI plugin creates (``nomad_csi_volume``), in the provider's terms.

    ``volume_id`` is how jobs claim it (``source`` of a ``volume`` block of type ``csi``);
    ``capacity_min``/``capacity_max`` bound the size the plugin may create ("10GiB").
    Every volume is created with ``lifecycle.prevent_destroy`` (destroying it deletes its data):
    a plan that would destroy or replace it fails until ``acknowledgments`` names it
    (``nomad_csi_volume.<key>``) with a reason.
    """

    volume_id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,128}$")
    name: str = Field(min_length=1, max_length=128)
    plugin_id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,128}$")
    capacity_min: Capacity | None = None
    capacity_max: Capacity | None = None
    capabilities: list[CsiCapability] = Field(min_length=1)
    mount_options: CsiMountOptions | None = None


class Nomad(Model):
    """``address`` is the default of the provider address; ``NOMAD_ADDR`` overrides it at synth.

    ``csi_volumes``: ``nomad_csi_volume.<key>`` each (none declared in services.yaml today).
    """

    address: str = "http://hestia.lan:4646"
    jobs: dict[str, NomadJob] = {}
    csi_volumes: dict[VolumeKey, CsiVolume] = {}
