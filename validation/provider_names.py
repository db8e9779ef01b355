"""How the hashicorp/kubernetes provider (2.38) names and shapes what it sends to the API server.

The provider's schema is snake_case, every nested block is a list, and a few fields carry other
names or types than the API. Everything not named here follows the default rule: ``snake_case``
becomes ``camelCase`` and a block becomes one object. The tables are keyed by a *path suffix*:
the provider keys from the resource root (``Deployment``, ``Service``, ...) down to the field,
so ``("container", "port")`` is a container's port block, wherever the container sits, and
``("Service", "spec", "port")`` only the ports of a Service.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceKind:
    api_version: str
    kind: str


_DEPLOYMENT = ResourceKind("apps/v1", "Deployment")
_STATEFUL_SET = ResourceKind("apps/v1", "StatefulSet")
_SERVICE = ResourceKind("v1", "Service")
_CONFIG_MAP = ResourceKind("v1", "ConfigMap")
_NAMESPACE = ResourceKind("v1", "Namespace")

# Terraform resource type -> the object it creates. The `_v1` twins share the provider schema.
RESOURCE_KINDS: dict[str, ResourceKind] = {
    "kubernetes_deployment": _DEPLOYMENT,
    "kubernetes_deployment_v1": _DEPLOYMENT,
    "kubernetes_stateful_set": _STATEFUL_SET,
    "kubernetes_stateful_set_v1": _STATEFUL_SET,
    "kubernetes_service": _SERVICE,
    "kubernetes_service_v1": _SERVICE,
    "kubernetes_config_map": _CONFIG_MAP,
    "kubernetes_config_map_v1": _CONFIG_MAP,
    "kubernetes_namespace": _NAMESPACE,
    "kubernetes_namespace_v1": _NAMESPACE,
    "kubernetes_ingress_v1": ResourceKind("networking.k8s.io/v1", "Ingress"),
    "kubernetes_cron_job_v1": ResourceKind("batch/v1", "CronJob"),
}

# Top-level arguments that steer Terraform or the provider and never reach the API server.
# Anything else at the top level is rendered, so a stray argument shows up in validation.
TERRAFORM_ONLY = frozenset(
    {
        "//",
        "connection",
        "count",
        "depends_on",
        "for_each",
        "id",
        "lifecycle",
        "provider",
        "provisioner",
        "provisioners",
        "timeouts",
        "wait_for_load_balancer",
        "wait_for_rollout",
    }
)

# Blocks that are lists in the API, with their API name. Every other block is one object
# (the provider takes item 0 even where its schema allows a list, e.g. `tcp_socket`).
LIST_BLOCKS: dict[tuple[str, ...], str] = {
    ("container",): "containers",
    ("init_container",): "initContainers",
    ("volume",): "volumes",
    ("volume_mount",): "volumeMounts",
    ("volume_device",): "volumeDevices",
    ("env",): "env",
    ("env_from",): "envFrom",
    ("toleration",): "tolerations",
    ("topology_spread_constraint",): "topologySpreadConstraints",
    ("host_aliases",): "hostAliases",
    ("image_pull_secrets",): "imagePullSecrets",
    ("readiness_gate",): "readinessGates",
    ("sysctl",): "sysctls",
    ("dns_config", "option"): "options",
    ("node_selector_term",): "nodeSelectorTerms",
    ("match_expressions",): "matchExpressions",
    ("match_fields",): "matchFields",
    ("preferred_during_scheduling_ignored_during_execution",): "preferredDuringSchedulingIgnoredDuringExecution",
    ("pod_affinity", "required_during_scheduling_ignored_during_execution"): (
        "requiredDuringSchedulingIgnoredDuringExecution"
    ),
    ("pod_anti_affinity", "required_during_scheduling_ignored_during_execution"): (
        "requiredDuringSchedulingIgnoredDuringExecution"
    ),
    ("http_header",): "httpHeaders",
    ("items",): "items",
    ("container", "port"): "ports",
    ("init_container", "port"): "ports",
    ("Service", "spec", "port"): "ports",
    ("StatefulSet", "spec", "volume_claim_template"): "volumeClaimTemplates",
    ("Ingress", "spec", "rule"): "rules",
    ("Ingress", "spec", "tls"): "tls",
    ("http", "path"): "paths",
    ("pod_failure_policy", "rule"): "rules",
    ("on_pod_condition",): "onPodConditions",
}

# Attributes that are string maps in both shapes: their keys are data (label names, file
# names, resource names), never renamed.
MAP_FIELDS = frozenset(
    {
        ("labels",),
        ("annotations",),
        ("match_labels",),
        ("node_selector",),
        ("limits",),
        ("requests",),
        ("data",),
        ("binary_data",),
        ("volume_attributes",),
        ("flex_volume", "options"),
        ("Service", "spec", "selector"),
    }
)

# API names that are not the plain camelCase of the provider name.
RENAMES: dict[str, str] = {
    "cluster_ip": "clusterIP",
    "cluster_ips": "clusterIPs",
    "external_ips": "externalIPs",
    "load_balancer_ip": "loadBalancerIP",
    "client_ip": "clientIP",
    "host_ip": "hostIP",
    "host_ipc": "hostIPC",
    "host_pid": "hostPID",
    "timezone": "timeZone",
    "run_as_username": "runAsUserName",
    "volume_id": "volumeID",
    "pd_id": "pdID",
    "dataset_uuid": "datasetUUID",
    "target_ww_ns": "targetWWNs",
    "data_disk_uri": "diskURI",
    "ceph_monitors": "monitors",
    "rbd_image": "image",
    "rbd_pool": "pool",
    "rados_user": "user",
}

# Scalars the provider types as strings but sends as integers ("1" -> 1).
INT_FIELDS = frozenset({"replicas", "run_as_user", "run_as_group", "fs_group", "toleration_seconds"})
# IntOrString in the API: a number when the string is all digits, else a named port or a percentage.
INT_OR_STRING_FIELDS = frozenset({"port", "target_port", "max_surge", "max_unavailable"})
# File modes the provider takes as octal strings ("0755" -> 493).
OCTAL_FIELDS = frozenset({"default_mode", "mode"})

# Defaults the provider fills in for fields the API requires, per block path suffix.
PROVIDER_DEFAULTS: dict[tuple[str, ...], dict[str, str]] = {
    ("http", "path"): {"path_type": "ImplementationSpecific"},
}


def lookup(table: dict[tuple[str, ...], str] | frozenset[tuple[str, ...]], path: tuple[str, ...]):
    """The entry for the longest suffix of ``path`` in ``table`` (a value, True for a set), or None."""
    for start in range(len(path)):
        suffix = path[start:]
        if suffix in table:
            return table[suffix] if isinstance(table, dict) else True
    return None


def camel(name: str) -> str:
    if name in RENAMES:
        return RENAMES[name]
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
