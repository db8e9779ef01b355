"""The attributes whose change makes Terraform replace a resource instead of updating it.

Written down from the providers' sources (pinned in the stacks: hashicorp/kubernetes 2.38,
alekc/kubectl 2.x, hashicorp/nomad 2.5), because a replacement is what turns a harmless-looking
edit into downtime or data loss, and no plan can be run here (the provider binaries cannot be
downloaded). Each entry names the file and line it was read from; read at
hashicorp/terraform-provider-kubernetes@3a33fb6cc, alekc/terraform-provider-kubectl@7d0d57c and
hashicorp/terraform-provider-nomad@f50e8ca3.

Paths are Terraform attribute paths of ``cdk.tf.json`` without list indices (``spec.selector``).
In the SDKv2 provider a ``ForceNew`` block forces replacement when it appears, disappears or
changes item count; a nested field forces it only if it is ``ForceNew`` itself. The entries below
are the blocks whose nested fields are all ForceNew too (selectors) or whose API object is
immutable (a StatefulSet's ``volumeClaimTemplates``: the API server forbids updating it, so any
change there is a replacement even where the provider lets ``requests`` through).
"""

from __future__ import annotations

from dataclasses import dataclass

K8S = "terraform-provider-kubernetes/kubernetes/"


@dataclass(frozen=True)
class ForceNew:
    path: str  # attribute path, dotted, no indices
    source: str  # where the rule comes from


# Every kubernetes_* resource: namespacedMetadataSchema / metadataFields.
METADATA = (
    ForceNew("metadata.name", K8S + "schema_metadata.go:33 (name: ForceNew)"),
    ForceNew("metadata.namespace", K8S + "schema_metadata.go:91 (namespace: ForceNew)"),
    ForceNew("metadata.generate_name", K8S + "schema_metadata.go:98 (generate_name: ForceNew)"),
)

_JOB_SPEC = K8S + "schema_job_spec.go"
_PVC_SPEC = K8S + "schema_persistent_volume_claim.go"
_STS_SPEC = K8S + "schema_stateful_set_spec.go"

# Keyed by resource type with a trailing ``_v1`` removed (both spellings are the same schema).
KUBERNETES: dict[str, tuple[ForceNew, ...]] = {
    "kubernetes_deployment": (
        ForceNew("spec.selector", K8S + "resource_kubernetes_deployment_v1.go:101 (selector and its fields: ForceNew)"),
    ),
    "kubernetes_stateful_set": (
        ForceNew("spec.pod_management_policy", _STS_SPEC + ":13"),
        ForceNew("spec.revision_history_limit", _STS_SPEC + ":31"),
        ForceNew("spec.selector", _STS_SPEC + ":39"),
        ForceNew("spec.service_name", _STS_SPEC + ":49"),
        ForceNew(
            "spec.volume_claim_template",
            _STS_SPEC + ":98 (ForceNew block); the API forbids updates of spec.volumeClaimTemplates",
        ),
    ),
    "kubernetes_service": (
        ForceNew("spec.cluster_ip", K8S + "resource_kubernetes_service_v1.go:66"),
        ForceNew("spec.cluster_ips", K8S + "resource_kubernetes_service_v1.go:77"),
        ForceNew("spec.load_balancer_class", K8S + "resource_kubernetes_service_v1.go:151"),
        ForceNew("spec.health_check_node_port", K8S + "resource_kubernetes_service_v1.go:284"),
    ),
    "kubernetes_cron_job": (
        ForceNew("spec.job_template.spec.selector", _JOB_SPEC + ":175"),
        ForceNew("spec.job_template.spec.completions", _JOB_SPEC + ":68"),
        ForceNew("spec.job_template.spec.completion_mode", _JOB_SPEC + ":76"),
        ForceNew("spec.job_template.spec.backoff_limit_per_index", _JOB_SPEC + ":60"),
        ForceNew("spec.job_template.spec.pod_failure_policy", _JOB_SPEC + ":108"),
    ),
    "kubernetes_job": (
        # jobSpecFields(false): the pod spec of a plain Job is not updatable at all.
        ForceNew("spec.template.spec", _JOB_SPEC + ":26 with podSpecFields(specUpdatable=false)"),
        ForceNew("spec.selector", _JOB_SPEC + ":175"),
    ),
    "kubernetes_persistent_volume_claim": (
        ForceNew("spec.access_modes", _PVC_SPEC + ":29"),
        ForceNew("spec.resources.limits", _PVC_SPEC + ":52 (requests, :59, is the one field updated in place)"),
        ForceNew("spec.selector", _PVC_SPEC + ":69"),
        ForceNew("spec.volume_name", _PVC_SPEC + ":79"),
        ForceNew("spec.storage_class_name", _PVC_SPEC + ":86"),
        ForceNew("spec.volume_mode", _PVC_SPEC + ":93"),
    ),
}

# kubectl_manifest compares fields derived from yaml_body (paths into the parsed manifest).
_KUBECTL = "terraform-provider-kubectl/internal/framework/resource_kubectl_manifest.go"
KUBECTL_MANIFEST = (
    ForceNew("apiVersion", _KUBECTL + ":876 (RequiresReplace unless upgrade_api_version)"),
    ForceNew("kind", _KUBECTL + ":218 (kind: RequiresReplace)"),
    ForceNew("metadata.name", _KUBECTL + ":226 (name: RequiresReplace)"),
    ForceNew("metadata.namespace", _KUBECTL + ":234 (namespace: RequiresReplace)"),
)
KUBECTL_FORCE_NEW = ForceNew("yaml_body", _KUBECTL + ":794 (force_new = true: any yaml_body change replaces)")

# nomad_job's CustomizeDiff compares the job parsed from the jobspec with the state.
_NOMAD = "terraform-provider-nomad/nomad/resource_job.go"
NOMAD_JOB = (
    ForceNew("namespace", _NOMAD + ":951 (namespace change: ForceNew)"),
    ForceNew("id", _NOMAD + ":955 (job ID change: ForceNew while deregister_on_id_change, default true, :80)"),
)


def kubernetes_rules(rtype: str) -> tuple[ForceNew, ...]:
    """The ForceNew attributes of one kubernetes_* resource type."""
    return METADATA + KUBERNETES.get(rtype.removesuffix("_v1"), ())
