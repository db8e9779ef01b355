"""A batch/v1 CronJob."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_kubernetes import cron_job_v1
from constructs import Construct

from constructs_lib.k8s.pod import PodProps, render_pod_spec
from constructs_lib.k8s.structs import Structs
from constructs_lib.naming import name_own_resource, object_id


@dataclass(frozen=True)
class CronJobProps:
    """``labels`` go on the CronJob, its Job template and its pods. ``timezone`` None: the
    controller's (UTC), not written. ``depends_on``: created after these (the Secret its pods read)."""

    name: str
    namespace: str
    labels: Mapping[str, str]
    schedule: str
    pod: PodProps
    timezone: str | None = None
    concurrency_policy: str = "Forbid"
    successful_jobs_history_limit: int = 3
    failed_jobs_history_limit: int = 3
    backoff_limit: int = 2
    depends_on: Sequence[ITerraformDependable] = ()


class CronJob(cron_job_v1.CronJobV1):
    def __init__(self, scope: Construct, id: str, props: CronJobProps):
        s = Structs(cron_job_v1, "CronJobV1")
        labels = dict(props.labels) or None
        super().__init__(
            scope,
            id,
            metadata=s("Metadata", name=props.name, namespace=props.namespace, labels=labels),
            spec=s(
                "Spec",
                schedule=props.schedule,
                timezone=props.timezone,
                concurrency_policy=props.concurrency_policy,
                successful_jobs_history_limit=props.successful_jobs_history_limit,
                failed_jobs_history_limit=props.failed_jobs_history_limit,
                job_template=s(
                    "SpecJobTemplate",
                    metadata=s("SpecJobTemplateMetadata", labels=labels),
                    spec=s(
                        "SpecJobTemplateSpec",
                        backoff_limit=props.backoff_limit,
                        template=s(
                            "SpecJobTemplateSpecTemplate",
                            metadata=s("SpecJobTemplateSpecTemplateMetadata", labels=labels),
                            spec=render_pod_spec(s.nested("SpecJobTemplateSpecTemplateSpec"), props.pod),
                        ),
                    ),
                ),
            ),
            depends_on=list(props.depends_on) or None,
        )
        self.props = props
        name_own_resource(self, scope, object_id(props.name))
