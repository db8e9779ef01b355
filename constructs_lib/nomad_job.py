"""A Nomad job submitted from a jobspec file of the project.

The jobspec is read at synth time and sent as the ``jobspec`` string of a ``nomad_job``.
Nomad, not Terraform, must resolve its ``${...}`` (runtime values such as
``${attr.unique.hostname}`` and HCL2 variables such as ``${var.elastic_version}``), so the
text is escaped for Terraform's string templates before it reaches the synthesized JSON.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from cdktf_cdktf_provider_nomad.job import Job, JobHcl2
from constructs import Construct

from constructs_lib.jsii_speed import ClusterConstruct
from constructs_lib.naming import name_resource
from constructs_lib.terraform_text import literal

_JOB_BLOCK = re.compile(r'^job\s+"([^"]+)"\s*\{', re.MULTILINE)
_VARIABLE_BLOCK = re.compile(r'^variable\s+"([^"]+)"\s*\{', re.MULTILINE)


def declared_job_names(jobspec: str) -> list[str]:
    """Names of the top-level ``job "<name>" {`` blocks of a jobspec."""
    return _JOB_BLOCK.findall(jobspec)


def declared_variables(jobspec: str) -> list[str]:
    """Names of the top-level ``variable "<name>" {`` blocks of an HCL2 jobspec."""
    return _VARIABLE_BLOCK.findall(jobspec)


class NomadJobSpec(ClusterConstruct):
    """One ``nomad_job`` whose jobspec is the file at ``jobspec_path``.

    Props:
        jobspec_path: the ``.nomad.hcl`` file, read now; its text is escaped for Terraform.
        job_name: the job the file must declare (``job "<job_name>"``); a mismatch fails synth
            rather than registering a job under a name the catalog does not know.
        hcl2_vars: HCL2 variables passed through the resource's ``hcl2.vars``; each must be
            declared in the jobspec. Empty or ``None``: no ``hcl2`` block at all.
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
        job_name: str,
        hcl2_vars: Mapping[str, str] | None = None,
        logical_id: str | None = None,
    ):
        super().__init__(scope, id)
        text = Path(jobspec_path).read_text(encoding="utf-8")
        names = declared_job_names(text)
        if names != [job_name]:
            raise ValueError(f"{jobspec_path}: expected exactly one job {job_name!r}, found {names}")
        vars_ = dict(hcl2_vars or {})
        undeclared = sorted(set(vars_) - set(declared_variables(text)))
        if undeclared:
            raise ValueError(f"{jobspec_path}: variables passed but not declared: {', '.join(undeclared)}")

        self.jobspec = text
        self.job = Job(
            self,
            "job",
            jobspec=literal(text),
            purge_on_destroy=True,
            detach=False,
            hcl2=JobHcl2(vars=vars_) if vars_ else None,
        )
        name_resource(self, self.job, logical_id or id)
