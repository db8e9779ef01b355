"""A Nomad job submitted from a jobspec file of the project.

The jobspec is read at synth time and sent as the ``jobspec`` string of a ``nomad_job``.
Nomad, not Terraform, must resolve its ``${...}`` (runtime values such as
``${attr.unique.hostname}`` and HCL2 variables such as ``${var.elastic_version}``), so the
text is escaped for Terraform's string templates before it reaches the synthesized JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from cdktf_cdktf_provider_nomad.job import Job, JobHcl2
from constructs import Construct

from constructs_lib.jsii_speed import ClusterConstruct
from constructs_lib.naming import name_resource
from constructs_lib.terraform_text import literal


class NomadJobSpec(ClusterConstruct):
    """One ``nomad_job`` whose jobspec is the file at ``jobspec_path``. That the file holds exactly
    the catalog's job, with the variables passed declared, is the rule nomad-jobspecs
    (rules/nomad.py), checked when the catalog loads.

    Props:
        jobspec_path: the ``.nomad.hcl`` file, read now; its text is escaped for Terraform.
        hcl2_vars: HCL2 variables passed through the resource's ``hcl2.vars``. Empty or ``None``:
            no ``hcl2`` block at all.
        logical_id: the Terraform address suffix (``nomad_job.<logical_id>``); defaults to ``id``.

    ``purge_on_destroy`` so that a removed job leaves no history behind, and ``detach = false``
    so that ``apply`` waits for the deployment and reports a failed one.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        jobspec_path: Path,
        hcl2_vars: Mapping[str, str] | None = None,
        logical_id: str | None = None,
    ):
        super().__init__(scope, id)
        text = Path(jobspec_path).read_text(encoding="utf-8")
        vars_ = dict(hcl2_vars or {})

        self.key, self.jobspec = id, text  # the catalog's key of the job, and the jobspec as shipped
        self.job = Job(
            self,
            "job",
            jobspec=literal(text),
            purge_on_destroy=True,
            detach=False,
            hcl2=JobHcl2(vars=vars_) if vars_ else None,
        )
        name_resource(self, self.job, logical_id or id)
