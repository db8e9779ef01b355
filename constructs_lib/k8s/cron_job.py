"""A batch/v1 CronJob."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_kubernetes import cron_job_v1
from constructs import Construct

from catalog.model.objects import CronJob as CronJobSpec
from constructs_lib.context import Context
from constructs_lib.k8s.pod import render_pod_spec
from constructs_lib.k8s.structs import Structs
from constructs_lib.naming import name_own_resource, object_id


class CronJob(cron_job_v1.CronJobV1):
    """The entry's labels go on the CronJob, its Job template and its pods. ``timezone`` None:
    the controller's (UTC), not written. ``depends_on``: created after these (the Secret its pods read)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        name: str,
        cj: CronJobSpec,
        ctx: Context,
        depends_on: Sequence[ITerraformDependable] = (),
    ):
        s = Structs(cron_job_v1, "CronJobV1")
        labels = dict(ctx.labels) or None
        super().__init__(
            scope,
            id,
            metadata=s("Metadata", name=name, namespace=ctx.namespace, labels=labels),
            spec=s(
                "Spec",
                schedule=cj.schedule,
                timezone=cj.timezone,
                concurrency_policy=cj.concurrency_policy,
                successful_jobs_history_limit=cj.successful_jobs_history_limit,
                failed_jobs_history_limit=cj.failed_jobs_history_limit,
                job_template=s(
                    "SpecJobTemplate",
                    metadata=s("SpecJobTemplateMetadata", labels=labels),
                    spec=s(
                        "SpecJobTemplateSpec",
                        backoff_limit=cj.backoff_limit,
                        template=s(
                            "SpecJobTemplateSpecTemplate",
                            metadata=s("SpecJobTemplateSpecTemplateMetadata", labels=labels),
                            spec=render_pod_spec(s.nested("SpecJobTemplateSpecTemplateSpec"), cj, ctx),
                        ),
                    ),
                ),
            ),
            depends_on=list(depends_on) or None,
        )
        name_own_resource(self, scope, object_id(name))
