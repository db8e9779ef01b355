"""The renderer: provider resources become the API objects the cluster receives."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from validation.render import render_oracle, render_resource, render_stack

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parents[1]
ORACLE = PROJECT_ROOT / "tests" / "reference" / "oracle-facts.json"
SYNTH_FIXTURE = HERE / "data" / "kubernetes.cdk.tf.json"


def oracle_facts() -> list[dict[str, Any]]:
    return json.loads(ORACLE.read_text())


def render(rtype: str, attributes: dict[str, Any], siblings: dict[str, Any] | None = None, **kwargs: Any):
    resources = {rtype: {"it": attributes}, **(siblings or {})}
    return render_resource("stack", rtype, "it", attributes, resources, **kwargs)


def at(value: Any, path: str) -> Any:
    """``at(obj, "spec.ports.0.targetPort")``: the value at a dotted path (digits index lists)."""
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def pod(spec: dict[str, Any]) -> dict[str, Any]:
    """A Deployment around a pod spec, in cdk.tf.json shape."""
    return {
        "metadata": {"name": "app", "namespace": "default"},
        "spec": {
            "selector": {"match_labels": {"app": "app"}},
            "template": {"metadata": {"labels": {"app": "app"}}, "spec": spec},
        },
    }


def container(**fields: Any) -> dict[str, Any]:
    return {"name": "app", "image": "nginx:1.27", **fields}


POD = "spec.template.spec"
C0 = f"{POD}.containers.0"

# (what, Terraform type, provider attributes, JSON path in the object, expected API value)
TRANSLATIONS = [
    ("kind of a deployment", "kubernetes_deployment", pod({"container": [container()]}), "kind", "Deployment"),
    ("apiVersion of a deployment", "kubernetes_deployment", pod({"container": [container()]}), "apiVersion", "apps/v1"),
    ("replicas typed as a string", "kubernetes_deployment", {**pod({}), "spec": {"replicas": "2"}}, "spec.replicas", 2),
    ("match_labels", "kubernetes_deployment", pod({}), "spec.selector.matchLabels", {"app": "app"}),
    ("container -> containers", "kubernetes_deployment", pod({"container": container()}), f"{C0}.image", "nginx:1.27"),
    (
        "init_container -> initContainers",
        "kubernetes_deployment",
        pod({"init_container": [container(name="init")]}),
        f"{POD}.initContainers.0.name",
        "init",
    ),
    (
        "container port -> ports",
        "kubernetes_deployment",
        pod({"container": [container(port=[{"container_port": 80, "name": "http"}])]}),
        f"{C0}.ports",
        [{"containerPort": 80, "name": "http"}],
    ),
    (
        "volume_mount -> volumeMounts",
        "kubernetes_deployment",
        pod({"container": [container(volume_mount=[{"mount_path": "/d", "name": "d", "sub_path": "db"}])]}),
        f"{C0}.volumeMounts",
        [{"mountPath": "/d", "name": "d", "subPath": "db"}],
    ),
    (
        "env with value_from.secret_key_ref",
        "kubernetes_deployment",
        pod(
            {
                "container": [
                    container(
                        env=[
                            {"name": "A", "value": "1"},
                            {"name": "B", "value_from": {"secret_key_ref": {"name": "s", "key": "K"}}},
                        ]
                    )
                ]
            }
        ),
        f"{C0}.env",
        [{"name": "A", "value": "1"}, {"name": "B", "valueFrom": {"secretKeyRef": {"name": "s", "key": "K"}}}],
    ),
    (
        "env_from -> envFrom",
        "kubernetes_deployment",
        pod({"container": [container(env_from=[{"secret_ref": [{"name": "s"}]}])]}),
        f"{C0}.envFrom",
        [{"secretRef": {"name": "s"}}],
    ),
    (
        "resources limits/requests keep their resource names",
        "kubernetes_deployment",
        pod({"container": [container(resources={"limits": {"nvidia.com/gpu": "1"}, "requests": {"cpu": "1m"}})]}),
        f"{C0}.resources",
        {"limits": {"nvidia.com/gpu": "1"}, "requests": {"cpu": "1m"}},
    ),
    (
        "http_get probe with http_header, port as a string",
        "kubernetes_deployment",
        pod(
            {
                "container": [
                    container(
                        liveness_probe={
                            "http_get": {"path": "/", "port": "8080", "http_header": [{"name": "H", "value": "v"}]},
                            "initial_delay_seconds": 5,
                        }
                    )
                ]
            }
        ),
        f"{C0}.livenessProbe",
        {
            "httpGet": {"path": "/", "port": 8080, "httpHeaders": [{"name": "H", "value": "v"}]},
            "initialDelaySeconds": 5,
        },
    ),
    (
        "named probe port stays a string",
        "kubernetes_deployment",
        pod({"container": [container(readiness_probe={"http_get": {"port": "http"}})]}),
        f"{C0}.readinessProbe.httpGet.port",
        "http",
    ),
    (
        "tcp_socket probe",
        "kubernetes_deployment",
        pod({"container": [container(startup_probe=[{"tcp_socket": [{"port": "5432"}]}])]}),
        f"{C0}.startupProbe.tcpSocket.port",
        5432,
    ),
    (
        "exec probe",
        "kubernetes_deployment",
        pod({"container": [container(liveness_probe={"exec": {"command": ["pg_isready"]}})]}),
        f"{C0}.livenessProbe.exec.command",
        ["pg_isready"],
    ),
    (
        "container security_context with string ids",
        "kubernetes_deployment",
        pod({"container": [container(security_context={"run_as_user": "1000", "privileged": True})]}),
        f"{C0}.securityContext",
        {"runAsUser": 1000, "privileged": True},
    ),
    (
        "pod security_context",
        "kubernetes_deployment",
        pod({"security_context": {"fs_group": "33", "supplemental_groups": [44, 109]}}),
        f"{POD}.securityContext",
        {"fsGroup": 33, "supplementalGroups": [44, 109]},
    ),
    (
        "runtime_class_name and node_selector",
        "kubernetes_deployment",
        pod({"runtime_class_name": "nvidia", "node_selector": {"kubernetes.io/hostname": "hestia"}}),
        POD,
        {"runtimeClassName": "nvidia", "nodeSelector": {"kubernetes.io/hostname": "hestia"}},
    ),
    (
        "toleration -> tolerations",
        "kubernetes_deployment",
        pod({"toleration": [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}]}),
        f"{POD}.tolerations",
        [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}],
    ),
    (
        "required node affinity -> nodeSelectorTerms[].matchExpressions",
        "kubernetes_deployment",
        pod(
            {
                "affinity": {
                    "node_affinity": {
                        "required_during_scheduling_ignored_during_execution": {
                            "node_selector_term": [
                                {"match_expressions": [{"key": "arch", "operator": "In", "values": ["amd64"]}]}
                            ]
                        }
                    }
                }
            }
        ),
        f"{POD}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution",
        {"nodeSelectorTerms": [{"matchExpressions": [{"key": "arch", "operator": "In", "values": ["amd64"]}]}]},
    ),
    (
        "preferred node affinity with preference and weight",
        "kubernetes_deployment",
        pod(
            {
                "affinity": {
                    "node_affinity": {
                        "preferred_during_scheduling_ignored_during_execution": [
                            {"weight": 100, "preference": {"match_expressions": [{"key": "a", "operator": "Exists"}]}}
                        ]
                    }
                }
            }
        ),
        f"{POD}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution",
        [{"weight": 100, "preference": {"matchExpressions": [{"key": "a", "operator": "Exists"}]}}],
    ),
    (
        "config_map volume with octal default_mode",
        "kubernetes_deployment",
        pod({"volume": [{"name": "c", "config_map": {"name": "cm", "default_mode": "0755"}}]}),
        f"{POD}.volumes.0",
        {"name": "c", "configMap": {"name": "cm", "defaultMode": 493}},
    ),
    (
        "secret volume with items",
        "kubernetes_deployment",
        pod(
            {
                "volume": [
                    {
                        "name": "s",
                        "secret": {"secret_name": "sec", "default_mode": "0400", "items": [{"key": "K", "path": "p"}]},
                    }
                ]
            }
        ),
        f"{POD}.volumes.0.secret",
        {"secretName": "sec", "defaultMode": 256, "items": [{"key": "K", "path": "p"}]},
    ),
    (
        "host_path and empty_dir volumes",
        "kubernetes_deployment",
        pod(
            {
                "volume": [
                    {"name": "h", "host_path": {"path": "/storage/v/glusterfs_a_config", "type": "Directory"}},
                    {"name": "e", "empty_dir": {"size_limit": "500Mi", "medium": "Memory"}},
                    {"name": "f", "empty_dir": {}},
                ]
            }
        ),
        f"{POD}.volumes",
        [
            {"name": "h", "hostPath": {"path": "/storage/v/glusterfs_a_config", "type": "Directory"}},
            {"name": "e", "emptyDir": {"sizeLimit": "500Mi", "medium": "Memory"}},
            {"name": "f", "emptyDir": {}},
        ],
    ),
    (
        "stateful set volume_claim_template -> volumeClaimTemplates",
        "kubernetes_stateful_set",
        {
            "metadata": {"name": "db"},
            "spec": {
                "service_name": "db",
                "volume_claim_template": {
                    "metadata": {"name": "data"},
                    "spec": {"access_modes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
                },
            },
        },
        "spec",
        {
            "serviceName": "db",
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "data"},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
                }
            ],
        },
    ),
    (
        "service ports with numeric and named target_port",
        "kubernetes_service",
        {
            "metadata": {"name": "s"},
            "spec": {
                "selector": {"app_name": "s"},
                "type": "NodePort",
                "port": [
                    {"port": 80, "target_port": "8080", "node_port": 30080},
                    {"name": "ssh", "port": 22, "target_port": "ssh"},
                ],
            },
        },
        "spec",
        {
            "selector": {"app_name": "s"},
            "type": "NodePort",
            "ports": [
                {"port": 80, "targetPort": 8080, "nodePort": 30080},
                {"name": "ssh", "port": 22, "targetPort": "ssh"},
            ],
        },
    ),
    (
        "service cluster_ip acronym",
        "kubernetes_service",
        {"metadata": {"name": "s"}, "spec": {"cluster_ip": "None"}},
        "spec.clusterIP",
        "None",
    ),
    (
        "ingress rules, paths, backend port number, tls secret",
        "kubernetes_ingress_v1",
        {
            "metadata": {"name": "i"},
            "spec": {
                "ingress_class_name": "traefik",
                "rule": [
                    {
                        "host": "a.example.com",
                        "http": {
                            "path": [
                                {
                                    "path": "/",
                                    "path_type": "Prefix",
                                    "backend": {"service": {"name": "a", "port": {"number": 80}}},
                                }
                            ]
                        },
                    }
                ],
                "tls": [{"hosts": ["a.example.com"], "secret_name": "wildcard-tls"}],
            },
        },
        "spec",
        {
            "ingressClassName": "traefik",
            "rules": [
                {
                    "host": "a.example.com",
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "a", "port": {"number": 80}}},
                            }
                        ]
                    },
                }
            ],
            "tls": [{"hosts": ["a.example.com"], "secretName": "wildcard-tls"}],
        },
    ),
    (
        "ingress path_type defaults like the provider",
        "kubernetes_ingress_v1",
        {"metadata": {"name": "i"}, "spec": {"rule": {"http": {"path": {"backend": {"service": {"name": "a"}}}}}}},
        "spec.rules.0.http.paths.0.pathType",
        "ImplementationSpecific",
    ),
    (
        "cron job job_template and timezone",
        "kubernetes_cron_job_v1",
        {
            "metadata": {"name": "c"},
            "spec": {
                "schedule": "0 3 * * *",
                "timezone": "Europe/London",
                "job_template": {"metadata": {}, "spec": {"backoff_limit": 2, "template": {"spec": {}}}},
            },
        },
        "spec",
        {
            "schedule": "0 3 * * *",
            "timeZone": "Europe/London",
            "jobTemplate": {"metadata": {}, "spec": {"backoffLimit": 2, "template": {"spec": {}}}},
        },
    ),
    (
        "config map data keys are kept verbatim",
        "kubernetes_config_map",
        {"metadata": {"name": "c", "labels": {"managed_by": "x"}}, "data": {"litestream_config.yml": "a: 1\n"}},
        "data",
        {"litestream_config.yml": "a: 1\n"},
    ),
    ("config map kind", "kubernetes_config_map", {"metadata": {"name": "c"}}, "apiVersion", "v1"),
]


@pytest.mark.parametrize(
    ("rtype", "attributes", "path", "expected"),
    [case[1:] for case in TRANSLATIONS],
    ids=[case[0] for case in TRANSLATIONS],
)
def test_provider_attributes_translate_to_the_api_field(rtype, attributes, path, expected):
    rendered = render(rtype, attributes)

    assert rendered.problems == []
    assert at(rendered.body, path) == expected


def test_terraform_only_arguments_do_not_reach_the_object():
    attributes = {
        "//": {"metadata": {"path": "x"}},
        "depends_on": ["kubernetes_config_map.c"],
        "lifecycle": {"ignore_changes": ["metadata"]},
        "wait_for_rollout": False,
        "timeouts": {"create": "5m"},
        **pod({"container": [container()]}),
    }

    assert sorted(render("kubernetes_deployment", attributes).body) == ["apiVersion", "kind", "metadata", "spec"]


def test_an_unknown_top_level_argument_is_kept_so_validation_sees_it():
    body = render("kubernetes_deployment", {**pod({}), "wait_for_rolout": True}).body

    assert body["waitForRolout"] is True


def test_a_one_object_block_given_twice_stays_a_list_for_the_schema_to_reject():
    body = render("kubernetes_deployment", pod({"container": [container(resources=[{}, {}])]})).body

    assert at(body, f"{C0}.resources") == [{}, {}]


@pytest.mark.parametrize(
    "reference",
    [
        "${kubernetes_config_map.litestream.metadata[0].name}",
        "${kubernetes_config_map.litestream.metadata.name}",
    ],
)
def test_a_reference_to_a_sibling_resource_is_resolved(reference):
    siblings = {"kubernetes_config_map": {"litestream": {"metadata": [{"name": "app-litestream"}]}}}
    attributes = pod({"volume": [{"name": "c", "config_map": {"name": reference}}]})

    rendered = render("kubernetes_deployment", attributes, siblings)

    assert rendered.problems == []
    assert at(rendered.body, f"{POD}.volumes.0.configMap.name") == "app-litestream"


def test_a_reference_inside_a_longer_string_is_interpolated():
    siblings = {"kubernetes_service": {"db": {"metadata": {"name": "postgres", "namespace": "default"}}}}
    url = "postgres://${kubernetes_service.db.metadata.name}.${kubernetes_service.db.metadata[0].namespace}:5432"
    attributes = pod({"container": [container(env=[{"name": "URL", "value": url}])]})

    body = render("kubernetes_deployment", attributes, siblings).body

    assert at(body, f"{C0}.env.0.value") == "postgres://postgres.default:5432"


def test_a_reference_that_cannot_be_resolved_is_reported_and_kept():
    attributes = pod({"container": [container(image="${var.image}")]})

    rendered = render("kubernetes_deployment", attributes)

    assert at(rendered.body, f"{C0}.image") == "${var.image}"
    assert [problem.path for problem in rendered.problems] == [f"{POD}.containers[0].image"]
    assert "unresolved Terraform reference ${var.image}" in rendered.problems[0].message


def test_a_reference_to_a_computed_attribute_is_reported():
    siblings = {"kubernetes_service": {"db": {"metadata": {"name": "db"}}}}
    attributes = pod(
        {"container": [container(env=[{"name": "IP", "value": "${kubernetes_service.db.spec[0].cluster_ip}"}])]}
    )

    rendered = render("kubernetes_deployment", attributes, siblings)

    assert "'spec' is not set in the configuration" in rendered.problems[0].message


def test_terraform_escapes_are_undone_in_strings_and_manifests():
    script = "echo $${HOME} %%{ not a directive }"
    deployment = render("kubernetes_deployment", pod({"container": [container(args=[script])]})).body
    manifest = render("kubectl_manifest", {"yaml_body": "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: $${X}\n"}).body

    assert at(deployment, f"{C0}.args.0") == "echo ${HOME} %{ not a directive }"
    assert manifest["data"]["a"] == "${X}"


def test_evaluated_oracle_strings_are_taken_literally():
    attributes = pod({"container": [container(args=["echo $${HOME} ${HOME}"])]})

    rendered = render("kubernetes_deployment", attributes, terraform_syntax=False)

    assert rendered.problems == []
    assert at(rendered.body, f"{C0}.args.0") == "echo $${HOME} ${HOME}"


def test_a_kubectl_manifest_body_is_parsed_as_yaml():
    body = "apiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata:\n  name: strip\nspec:\n  stripPrefix: {}\n"

    rendered = render("kubectl_manifest", {"yaml_body": body, "server_side_apply": True})

    assert rendered.body == {
        "apiVersion": "traefik.io/v1alpha1",
        "kind": "Middleware",
        "metadata": {"name": "strip"},
        "spec": {"stripPrefix": {}},
    }
    assert rendered.label == "Middleware strip"


@pytest.mark.parametrize(
    ("yaml_body", "message"),
    [
        ("kind: [unclosed\n", "yaml_body is not one YAML document"),
        ("kind: A\n---\nkind: B\n", "yaml_body is not one YAML document"),
        (None, "kubectl_manifest without a yaml_body string"),
    ],
    ids=["syntax error", "two documents", "missing"],
)
def test_a_broken_kubectl_manifest_body_is_reported(yaml_body, message):
    rendered = render("kubectl_manifest", {"yaml_body": yaml_body})

    assert rendered.body is None
    assert message in rendered.problems[0].message


def test_a_kubernetes_manifest_is_taken_as_written_apart_from_escapes():
    manifest = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"run_me": "$${X}"}}

    rendered = render("kubernetes_manifest", {"manifest": manifest})

    assert rendered.body == {**manifest, "data": {"run_me": "${X}"}}


def test_a_resource_type_without_a_renderer_is_reported_not_skipped():
    rendered = render("kubernetes_secret", {"metadata": {"name": "s"}})

    assert rendered.body is None
    assert "no renderer for resource type kubernetes_secret" in rendered.problems[0].message


def test_a_synthesized_stack_renders_every_kubernetes_resource():
    tf_json = json.loads(SYNTH_FIXTURE.read_text())

    rendered = render_stack("kubernetes", tf_json)

    assert len(rendered) == sum(len(tf_json["resource"][rtype]) for rtype in tf_json["resource"])
    assert all(item.problems == [] for item in rendered)
    statefulset = next(item for item in rendered if item.kind == "StatefulSet")
    assert at(statefulset.body, f"{POD}.volumes.2.configMap.name") == "overseerr-litestream"
    assert statefulset.address == "kubernetes_stateful_set.overseerr"


def test_every_oracle_kubernetes_resource_renders():
    rendered = render_oracle(oracle_facts())

    assert len(rendered) == 124
    assert [item.address for item in rendered if item.problems] == []
    assert Counter(item.kind for item in rendered) == {
        "Deployment": 31,
        "Service": 33,
        "IngressRoute": 14,
        "ExternalSecret": 13,
        "ConfigMap": 9,
        "Ingress": 9,
        "Middleware": 6,
        "CronJob": 3,
        "StatefulSet": 2,
        "VerticalPodAutoscaler": 2,
        "ClusterSecretStore": 1,
        "CiliumNetworkPolicy": 1,
    }


def _objects_for_one_item_lists(value: Any) -> Any:
    """The other input shape: every one-item list of blocks written as a bare object."""
    if isinstance(value, dict):
        return {key: _objects_for_one_item_lists(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_objects_for_one_item_lists(item) for item in value]
        return items[0] if len(items) == 1 and isinstance(items[0], dict) else items
    return value


def test_one_item_blocks_render_the_same_as_objects_or_as_lists():
    facts = oracle_facts()
    as_objects = copy.deepcopy(facts)
    for fact in as_objects:
        fact["attributes"] = _objects_for_one_item_lists(fact["attributes"])

    assert [item.body for item in render_oracle(as_objects)] == [item.body for item in render_oracle(facts)]
