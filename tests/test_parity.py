"""Parity with the reference cluster: every Kubernetes object of tests/reference/oracle-facts.json
has its synthesized counterpart with the same facts, module by module; and the comparator itself,
on small hand-made inputs, catches what it must and forgives only shape."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml

from tests.conftest import REFERENCE
from tools import parity

ORACLE = REFERENCE / "oracle-facts.json"


def _oracle_modules() -> list[Any]:
    """The reference modules with Kubernetes objects: one test each, so a failure names its module."""
    entries = json.loads(ORACLE.read_text())
    return sorted({entry["module"] for entry in entries if parity.is_compared(entry["type"])})


@pytest.fixture(scope="module")
def oracle() -> list[dict[str, Any]]:
    return parity.load_oracle(ORACLE)


@pytest.mark.parametrize("module", _oracle_modules())
def test_every_object_of_the_module_matches_the_reference(module, oracle, stacks, catalog):
    assert parity.service_of_module(module) in catalog.services, f"{module} has no service in the catalog"
    report = parity.compare_stack(oracle, stacks["kubernetes"], [module])
    assert report.ok, str(report)


def test_all_124_kubernetes_objects_of_the_reference_are_matched(oracle, stacks):
    report = parity.compare_stack(oracle, stacks["kubernetes"])
    assert report.ok and report.matched == 124, str(report)


def test_the_stack_has_no_object_absent_from_the_reference(oracle, stacks):
    report = parity.compare_stack(oracle, stacks["kubernetes"])
    assert not report.extra and not report.errors, "\n".join(
        [*report.errors, *(f"extra object: {o} ({o.address})" for o in report.extra)]
    )


# --- the comparator on hand-made inputs -------------------------------------------------------------

ELIDED = "<elided code or config body: 466 chars, sha256 ae662dfd07795ff4>\n"

ORACLE_ENTRIES: list[dict[str, Any]] = [
    {
        "module": "k8s_whoami",
        "type": "kubernetes_deployment",
        "name": "whoami",
        "attributes": {
            "metadata": [{"name": "whoami", "namespace": "default", "labels": {"app": "whoami"}}],
            "spec": [
                {
                    "replicas": 1,
                    "template": [
                        {
                            "spec": [
                                {
                                    "container": [
                                        {
                                            "name": "whoami",
                                            "image": "traefik/whoami:v1.10",
                                            "args": ["/bin/sh", "-c", ELIDED],
                                            "env": [
                                                {"name": "TZ", "value": "Europe/London"},
                                                {"name": "HOST", "value": "whoami.example"},
                                                {"name": "URL", "value": "https://$(HOST)/"},
                                            ],
                                            "port": [{"container_port": 80, "name": "http"}],
                                            "volume_mount": [
                                                {"mount_path": "/config", "name": "config"},
                                                {"mount_path": "/data", "name": "data", "sub_path": "db"},
                                            ],
                                        },
                                        {"name": "sidecar", "image": "busybox:1.36"},
                                    ],
                                    "volume": [
                                        {"name": "config", "config_map": [{"name": "whoami-config"}]},
                                        {"name": "data", "empty_dir": [{}]},
                                    ],
                                }
                            ]
                        }
                    ],
                }
            ],
        },
    },
    {
        "module": "k8s_whoami",
        "type": "kubernetes_config_map",
        "name": "config",
        "attributes": {
            "metadata": [{"name": "whoami-config", "namespace": "default"}],
            "data": {"start.sh": ELIDED, "greeting": "${NAME} says hi"},
        },
    },
    {
        "module": "k8s_whoami",
        "type": "kubectl_manifest",
        "name": "ingressroute",
        "attributes": {"yaml_body": ELIDED},
        "manifest": {
            "apiVersion": "traefik.io/v1alpha1",
            "kind": "IngressRoute",
            "metadata": {"name": "whoami", "namespace": "default"},
            "spec": {
                "entryPoints": ["websecure"],
                "routes": [
                    {
                        "kind": "Rule",
                        "match": "Host(`whoami.example`)",
                        "priority": 10,
                        "services": [{"name": "whoami", "port": 80}],
                    }
                ],
            },
        },
    },
]

OUR_MANIFEST: dict[str, Any] = copy.deepcopy(ORACLE_ENTRIES[2]["manifest"])


def _ours(manifest: dict[str, Any] | None = None) -> dict[str, Any]:
    """The hand-made oracle as cdk.tf.json writes it: one-item blocks as objects, numbers as strings
    where the provider takes them, a reference instead of a name, escapes, and construct metadata."""
    return {
        "resource": {
            "kubernetes_deployment": {
                "whoami": {
                    "//": {"metadata": {"path": "kubernetes/whoami/workload/deployment", "uniqueId": "whoami"}},
                    "depends_on": ["kubernetes_config_map.whoami_config"],
                    "metadata": {"name": "whoami", "namespace": "default", "labels": {"app": "whoami"}},
                    "spec": {
                        "replicas": "1",
                        "template": {
                            "spec": {
                                "container": [
                                    {
                                        "name": "whoami",
                                        "image": "traefik/whoami:v1.10",
                                        "args": ["/bin/sh", "-c", "echo $${HOSTNAME}\n"],
                                        "env": [
                                            {"name": "TZ", "value": "Europe/London"},
                                            {"name": "HOST", "value": "whoami.example"},
                                            {"name": "URL", "value": "https://$(HOST)/"},
                                        ],
                                        "port": [{"container_port": "80", "name": "http"}],
                                        "volume_mount": [
                                            {"mount_path": "/config", "name": "config"},
                                            {"mount_path": "/data", "name": "data", "sub_path": "db"},
                                        ],
                                    },
                                    {"name": "sidecar", "image": "busybox:1.36"},
                                ],
                                "volume": [
                                    {
                                        "name": "config",
                                        "config_map": {
                                            "name": "${kubernetes_config_map.whoami_config.metadata[0].name}"
                                        },
                                    },
                                    {"name": "data", "empty_dir": {}},
                                ],
                            }
                        },
                    },
                }
            },
            "kubernetes_config_map": {
                "whoami_config": {
                    "//": {"metadata": {"path": "kubernetes/whoami/config/config_map", "uniqueId": "whoami_config"}},
                    "metadata": {"name": "whoami-config", "namespace": "default"},
                    "data": {"start.sh": "#!/bin/sh\nexec whoami\n", "greeting": "$${NAME} says hi"},
                }
            },
            "kubectl_manifest": {
                "ingress_route_whoami": {
                    "//": {
                        "metadata": {"path": "kubernetes/whoami/route/manifest", "uniqueId": "ingress_route_whoami"}
                    },
                    "yaml_body": yaml.safe_dump(manifest or OUR_MANIFEST, sort_keys=False),
                }
            },
        }
    }


def _deployment(stack: dict[str, Any]) -> dict[str, Any]:
    return stack["resource"]["kubernetes_deployment"]["whoami"]


def _pod(stack: dict[str, Any]) -> dict[str, Any]:
    return _deployment(stack)["spec"]["template"]["spec"]


def _report_lines(stack: dict[str, Any]) -> list[str]:
    return parity.compare_stack(ORACLE_ENTRIES, stack).lines()


def test_a_faithful_copy_in_the_cdktf_shape_has_no_difference():
    report = parity.compare_stack(ORACLE_ENTRIES, _ours())
    assert report.ok, str(report)
    assert report.matched == 3


def test_a_differing_env_value_is_reported_with_its_path():
    stack = _ours()
    _pod(stack)["container"][0]["env"][0]["value"] = "UTC"
    assert _report_lines(stack) == [
        "kubernetes_deployment default/whoami: spec.template.spec.container[whoami].env[0].value: "
        "expected 'Europe/London', got 'UTC'"
    ]


def test_a_reordered_env_list_is_reported():
    stack = _ours()
    env = _pod(stack)["container"][0]["env"]
    env[1], env[2] = env[2], env[1]
    assert _report_lines(stack) == [
        "kubernetes_deployment default/whoami: spec.template.spec.container[whoami].env: order differs: "
        "expected ['TZ', 'HOST', 'URL'], got ['TZ', 'URL', 'HOST']"
    ]


def test_a_missing_container_is_reported():
    stack = _ours()
    _pod(stack)["container"].pop(1)
    lines = _report_lines(stack)
    assert len(lines) == 1
    assert lines[0].startswith("kubernetes_deployment default/whoami: spec.template.spec.container[sidecar]: missing")


def test_a_missing_volume_is_reported():
    stack = _ours()
    _pod(stack)["volume"].pop(1)
    lines = _report_lines(stack)
    assert len(lines) == 1
    assert lines[0].startswith("kubernetes_deployment default/whoami: spec.template.spec.volume[data]: missing")


def test_volume_mounts_are_told_apart_by_name_and_path():
    stack = _ours()
    _pod(stack)["container"][0]["volume_mount"][1]["mount_path"] = "/var/data"
    paths_and_verdicts = [line.split(": ")[1:3] for line in _report_lines(stack)]
    assert [(path, verdict.split(" ")[0]) for path, verdict in paths_and_verdicts] == [
        ("spec.template.spec.container[whoami].volume_mount[data:/data]", "missing"),
        ("spec.template.spec.container[whoami].volume_mount[data:/var/data]", "unexpected"),
    ]


def test_an_extra_label_is_reported():
    stack = _ours()
    _deployment(stack)["metadata"]["labels"]["tier"] = "web"
    assert _report_lines(stack) == [
        "kubernetes_deployment default/whoami: metadata.labels.tier: unexpected (got 'web')"
    ]


def test_a_missing_fact_is_reported():
    stack = _ours()
    del _pod(stack)["container"][0]["volume_mount"][1]["sub_path"]
    assert _report_lines(stack) == [
        "kubernetes_deployment default/whoami: spec.template.spec.container[whoami].volume_mount[data:/data].sub_path: "
        "missing (expected 'db')"
    ]


def test_a_wrong_manifest_spec_value_is_reported():
    manifest = copy.deepcopy(OUR_MANIFEST)
    manifest["spec"]["routes"][0]["priority"] = 100
    assert _report_lines(_ours(manifest)) == [
        "kubectl_manifest IngressRoute.traefik.io default/whoami: spec.routes[0].priority: expected 10, got 100"
    ]


def test_containers_and_volumes_in_another_order_are_the_same():
    stack = _ours()
    _pod(stack)["container"].reverse()
    _pod(stack)["volume"].reverse()
    _pod(stack)["container"][1]["volume_mount"].reverse()
    assert _report_lines(stack) == []


def test_numbers_and_their_strings_are_equal_but_other_values_are_not():
    assert (
        parity.compare_facts(
            {"port": 5055, "replicas": 1, "privileged": True}, {"port": "5055", "replicas": "1", "privileged": "true"}
        )
        == []
    )
    assert parity.compare_facts({"cpu": 1}, {"cpu": 1.0}) == []
    assert parity.compare_facts({"port": 5055}, {"port": "5056"}) == [("port", "expected 5055, got '5056'")]


def test_an_elided_body_needs_only_to_be_present():
    assert parity.compare_facts({"data": {"a": ELIDED}}, {"data": {"a": "anything"}}) == []
    assert parity.compare_facts({"args": [ELIDED]}, {"args": ["anything"]}) == []
    assert parity.compare_facts({"data": {"a": ELIDED}}, {"data": {"a": ""}}) == [
        ("data.a", "expected a non-empty body, got ''")
    ]
    assert parity.compare_facts({"data": {"a": ELIDED}}, {"data": {}})[0][1].startswith("missing")


def test_a_reference_is_resolved_to_the_name_it_points_at():
    stack = _ours()
    stack["resource"]["kubernetes_config_map"]["whoami_config"]["metadata"]["name"] = "other"
    lines = _report_lines(stack)
    assert (
        "kubernetes_deployment default/whoami: spec.template.spec.volume[config].config_map.name: "
        "expected 'whoami-config', got 'other'" in lines
    )


def test_terraform_escapes_are_undone_and_a_bare_interpolation_is_not_a_literal():
    stack = _ours()  # "$${NAME} says hi" in cdk.tf.json is the literal "${NAME} says hi" of the reference
    stack["resource"]["kubernetes_config_map"]["whoami_config"]["data"]["greeting"] = "${NAME} says hi"
    assert _report_lines(stack) == [
        "kubernetes_config_map default/whoami-config: data.greeting: "
        "expected '${NAME} says hi', got '<unresolved ${NAME}> says hi'"
    ]


def test_a_missing_object_and_an_extra_object_are_reported():
    stack = _ours()
    stack["resource"]["kubernetes_config_map"]["whoami_config"]["metadata"]["namespace"] = "media"
    report = parity.compare_stack(ORACLE_ENTRIES, stack)
    assert [str(o) for o in report.missing] == ["kubernetes_config_map default/whoami-config"]
    assert [o.address for o in report.extra] == ["kubernetes_config_map.whoami_config"]


def test_a_v1_type_matches_its_family_and_reports_the_type():
    stack = _ours()
    stack["resource"]["kubernetes_deployment_v1"] = stack["resource"].pop("kubernetes_deployment")
    assert _report_lines(stack) == [
        "kubernetes_deployment default/whoami: (type): expected kubernetes_deployment, got kubernetes_deployment_v1"
    ]


def test_a_manifest_of_another_kind_is_another_object():
    manifest = copy.deepcopy(OUR_MANIFEST)
    manifest["kind"] = "Middleware"
    report = parity.compare_stack(ORACLE_ENTRIES, _ours(manifest))
    assert [str(o) for o in report.missing] == ["kubectl_manifest IngressRoute.traefik.io default/whoami"]
    assert [str(o) for o in report.extra] == ["kubectl_manifest Middleware.traefik.io default/whoami"]


def test_the_module_filter_reports_only_on_that_module():
    stack = _ours()
    _deployment(stack)["metadata"]["labels"]["tier"] = "web"
    assert parity.compare_stack(ORACLE_ENTRIES, stack, ["k8s_echo"]).ok
    assert not parity.compare_stack(ORACLE_ENTRIES, stack, ["k8s_whoami"]).ok


def test_the_cli_exits_1_on_a_difference_and_0_without(tmp_path, capsys):
    oracle_file = tmp_path / "oracle-facts.json"
    oracle_file.write_text(json.dumps(ORACLE_ENTRIES))
    stack_file = tmp_path / "stacks" / "kubernetes" / "cdk.tf.json"
    stack_file.parent.mkdir(parents=True)
    args = ["--oracle", str(oracle_file), "--synth-dir", str(tmp_path)]

    stack_file.write_text(json.dumps(_ours()))
    assert parity.main(args) == 0

    broken = _ours()
    _pod(broken)["container"][0]["env"][0]["value"] = "UTC"
    stack_file.write_text(json.dumps(broken))
    assert parity.main([*args, "--module", "k8s_whoami"]) == 1
    assert "env[0].value: expected 'Europe/London', got 'UTC'" in capsys.readouterr().out


def test_an_absent_value_that_is_the_providers_own_default_is_the_same_fact():
    def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        parity._compare_maps(expected, actual, "", out)
        return out

    reference = {"spec": {"type": "ClusterIP", "port": [{"name": "http", "port": 80, "protocol": "TCP"}]}}
    assert differences(reference, {"spec": {"port": [{"name": "http", "port": 80}]}}) == []
    udp = {"spec": {"type": "NodePort", "port": [{"name": "dns", "port": 53, "protocol": "UDP"}]}}
    assert differences(udp, {"spec": {"port": [{"name": "dns", "port": 53}]}}) == [
        ("spec.type", "missing (expected 'NodePort')"),
        ("spec.port[dns].protocol", "missing (expected 'UDP')"),
    ]
