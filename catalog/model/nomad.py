"""Catalog shapes of the Nomad stack: the provider address and one entry per job."""

from __future__ import annotations

from catalog.model.base import Model


class NomadJob(Model):
    """A Nomad job submitted from a jobspec file of the project.

    ``job`` is the job name declared in the jobspec; ``vars`` are HCL2 variables passed through
    ``hcl2.vars`` (each must be declared in the jobspec); with no ``vars`` the jobspec is sent
    verbatim.
    """

    jobspec: str
    job: str
    vars: dict[str, str] = {}


class Nomad(Model):
    """``address`` is the default of the provider address; ``NOMAD_ADDR`` overrides it at synth."""

    address: str = "http://hestia.lan:4646"
    jobs: dict[str, NomadJob] = {}
