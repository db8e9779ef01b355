"""The jobs that stay on Nomad, in a stack (and a state) of their own.

Kept apart from the Kubernetes stacks so that a Nomad outage or a Nomad token problem never
blocks a Kubernetes plan, and the other way round.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from cdktf import TerraformStack
from cdktf_cdktf_provider_nomad.provider import NomadProvider
from constructs import Construct

from catalog.model import Catalog
from catalog.model.acknowledgments import acknowledged
from constructs_lib.nomad_csi_volume import NomadCsiVolume
from constructs_lib.nomad_job import NomadJobSpec
from stacks.backend import configure_backend

PROJECT_ROOT = Path(__file__).resolve().parents[1]
STACK_NAME = "nomad"


def nomad_address(catalog: Catalog, env: Mapping[str, str] = os.environ) -> str:
    """``NOMAD_ADDR`` when set (another cluster, a tunnel), else the catalog's address."""
    return env.get("NOMAD_ADDR") or catalog.nomad.address


class NomadStack(TerraformStack):
    """One ``nomad_job`` per entry of ``nomad.jobs``, logical id ``nomad_job.<key>``, and one
    ``nomad_csi_volume.<key>`` per entry of ``nomad.csi_volumes`` (``prevent_destroy`` unless
    the catalog acknowledges losing its data).

    The provider gets only the address: the token is read by the provider from ``NOMAD_TOKEN``
    at plan/apply time and so is never written to the synthesized files.
    """

    def __init__(self, scope: Construct, catalog: Catalog, env: Mapping[str, str] = os.environ):
        super().__init__(scope, STACK_NAME)
        configure_backend(self, STACK_NAME, env)
        NomadProvider(self, "nomad", address=nomad_address(catalog, env))
        for key, job in catalog.nomad.jobs.items():
            NomadJobSpec(
                self,
                key,
                jobspec_path=PROJECT_ROOT / job.jobspec,
                hcl2_vars=job.vars,
            )
        for key, volume in catalog.nomad.csi_volumes.items():
            ack = acknowledged(catalog.acknowledgments, STACK_NAME, f"nomad_csi_volume.{key}")
            NomadCsiVolume(self, f"csi-volume-{key}", key=key, spec=volume, acknowledged=ack is not None)
