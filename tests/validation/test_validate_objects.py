"""Validation: each kind of mistake is caught, and the reference configuration passes clean."""

from __future__ import annotations

import copy
import json
import shutil
import time
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from validation.__main__ import main
from validation.render import Rendered, render_oracle, render_resource
from validation.schemas import close_objects
from validation.validate import Finding, check_object, validate_out_dir, validate_rendered

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parents[1]
ORACLE = PROJECT_ROOT / "tests" / "reference" / "oracle-facts.json"
SYNTH_FIXTURE = HERE / "data" / "kubernetes.cdk.tf.json"


DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx:1.27",
                        "ports": [{"containerPort": 80}],
                        "resources": {"limits": {"memory": "64Mi"}, "requests": {"cpu": "10m", "memory": "32Mi"}},
                    }
                ]
            },
        },
    },
}
EXTERNAL_SECRET: dict[str, Any] = {
    "apiVersion": "external-secrets.io/v1",
    "kind": "ExternalSecret",
    "metadata": {"name": "web-secrets", "namespace": "default"},
    "spec": {
        "refreshInterval": "1h",
        "secretStoreRef": {"name": "vault-backend", "kind": "ClusterSecretStore"},
        "target": {"name": "web-secrets"},
        "data": [{"secretKey": "TOKEN", "remoteRef": {"key": "nomad/web", "property": "TOKEN"}}],
    },
}
INGRESS_ROUTE: dict[str, Any] = {
    "apiVersion": "traefik.io/v1alpha1",
    "kind": "IngressRoute",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {
        "entryPoints": ["websecure"],
        "routes": [{"kind": "Rule", "match": "Host(`web.example.com`)", "services": [{"name": "web", "port": 80}]}],
    },
}
MIDDLEWARE: dict[str, Any] = {
    "apiVersion": "traefik.io/v1alpha1",
    "kind": "Middleware",
    "metadata": {"name": "strip", "namespace": "default"},
    "spec": {"stripPrefix": {"prefixes": ["/api"]}},
}
VPA: dict[str, Any] = {
    "apiVersion": "autoscaling.k8s.io/v1",
    "kind": "VerticalPodAutoscaler",
    "metadata": {"name": "web-vpa", "namespace": "default"},
    "spec": {
        "targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
        "updatePolicy": {"updateMode": "Off"},
    },
}


def broken(base: dict[str, Any], change) -> dict[str, Any]:
    body = copy.deepcopy(base)
    change(body)
    return body


def _set(path: str, value: Any):
    def change(body: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for part in parents:
            body = body[int(part)] if isinstance(body, list) else body[part]
        body[last] = value

    return change


def _delete(path: str):
    def change(body: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for part in parents:
            body = body[int(part)] if isinstance(body, list) else body[part]
        del body[last]

    return change


CONTAINER = "spec.template.spec.containers.0"

# (mistake, object, JSON path of the finding, words in its message)
MISTAKES = [
    (
        "unknown field in a Deployment container",
        broken(DEPLOYMENT, _set(f"{CONTAINER}.imagePullPolicyy", "Always")),
        "spec.template.spec.containers[0].imagePullPolicyy",
        "unknown field 'imagePullPolicyy' (did you mean 'imagePullPolicy'?)",
    ),
    (
        "unknown field in a Deployment's metadata",
        broken(DEPLOYMENT, _set("metadata.label", {"a": "b"})),
        "metadata.label",
        "unknown field 'label'",
    ),
    (
        "wrong type: replicas as a string",
        broken(DEPLOYMENT, _set("spec.replicas", "one")),
        "spec.replicas",
        "'one' is not of type 'integer'",
    ),
    (
        "wrong type: a container port as a string",
        broken(DEPLOYMENT, _set(f"{CONTAINER}.ports.0.containerPort", "80")),
        "spec.template.spec.containers[0].ports[0].containerPort",
        "'80' is not of type 'integer'",
    ),
    (
        "wrong type: one object where the API wants a list",
        broken(DEPLOYMENT, _set(f"{CONTAINER}.ports", {"containerPort": 80})),
        "spec.template.spec.containers[0].ports",
        "is not of type 'array'",
    ),
    (
        "missing required field: the selector",
        broken(DEPLOYMENT, _delete("spec.selector")),
        "spec",
        "'selector' is a required property",
    ),
    (
        "missing required field: a container's name",
        broken(DEPLOYMENT, _delete(f"{CONTAINER}.name")),
        "spec.template.spec.containers[0]",
        "'name' is a required property",
    ),
    (
        "missing metadata.name",
        broken(DEPLOYMENT, _delete("metadata.name")),
        "metadata",
        "metadata.name is required",
    ),
    (
        "a kind Kubernetes 1.33 does not serve",
        broken(DEPLOYMENT, _set("apiVersion", "extensions/v1beta1")),
        "",
        "no schema for apiVersion extensions/v1beta1 kind Deployment",
    ),
]
CRD_MISTAKES = [
    (
        "unknown field in an ExternalSecret",
        broken(EXTERNAL_SECRET, _set("spec.data.0.remoteRef.proprety", "TOKEN")),
        "spec.data[0].remoteRef.proprety",
        "unknown field 'proprety' (did you mean 'property'?)",
    ),
    (
        "unknown field in an IngressRoute",
        broken(INGRESS_ROUTE, _set("spec.routes.0.services.0.prot", 80)),
        "spec.routes[0].services[0].prot",
        "unknown field 'prot' (did you mean 'port'?)",
    ),
    (
        "unknown field in a Middleware",
        broken(MIDDLEWARE, _set("spec.stripPrefix.prefix", ["/api"])),
        "spec.stripPrefix.prefix",
        "unknown field 'prefix' (did you mean 'prefixes'?)",
    ),
    (
        "unknown field in a VerticalPodAutoscaler",
        broken(VPA, _set("spec.updatePolicy.mode", "Off")),
        "spec.updatePolicy.mode",
        "unknown field 'mode'",
    ),
    (
        "unknown field in a custom resource's metadata",
        broken(MIDDLEWARE, _set("metadata.namespcae", "default")),
        "metadata.namespcae",
        "unknown field 'namespcae' (did you mean 'namespace'?)",
    ),
    (
        "wrong enum value in a VerticalPodAutoscaler",
        broken(VPA, _set("spec.updatePolicy.updateMode", "Sometimes")),
        "spec.updatePolicy.updateMode",
        "'Sometimes' is not one of",
    ),
    (
        "missing required field in an ExternalSecret",
        broken(EXTERNAL_SECRET, _delete("spec.data.0.remoteRef.key")),
        "spec.data[0].remoteRef",
        "'key' is a required property",
    ),
    (
        "an ExternalSecret apiVersion that is no longer served",
        broken(EXTERNAL_SECRET, _set("apiVersion", "external-secrets.io/v1beta1")),
        "",
        "no schema for apiVersion external-secrets.io/v1beta1 kind ExternalSecret: the API server would reject it; "
        "ExternalSecret has schemas for: external-secrets.io/v1",
    ),
    (
        "a VerticalPodAutoscaler apiVersion that is no longer served",
        broken(VPA, _set("apiVersion", "autoscaling.k8s.io/v1beta2")),
        "",
        "no schema for apiVersion autoscaling.k8s.io/v1beta2",
    ),
    (
        "the old Traefik API group",
        broken(INGRESS_ROUTE, _set("apiVersion", "traefik.containo.us/v1alpha1")),
        "",
        "no schema for apiVersion traefik.containo.us/v1alpha1",
    ),
    (
        "a custom kind with no schema at all",
        {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}},
        "",
        "no schema for apiVersion example.com/v1 kind Widget",
    ),
]


def test_the_valid_examples_are_valid():
    assert check_object(DEPLOYMENT) == []


@pytest.mark.parametrize("body", [EXTERNAL_SECRET, INGRESS_ROUTE, MIDDLEWARE, VPA], ids=lambda body: body["kind"])
def test_the_valid_custom_resource_examples_are_valid(body):
    assert check_object(body) == []


@pytest.mark.parametrize(
    ("body", "path", "message"), [case[1:] for case in MISTAKES], ids=[case[0] for case in MISTAKES]
)
def test_each_kind_of_mistake_in_a_built_in_object_is_caught(body, path, message):
    findings = check_object(body)

    assert [found for found in findings if found[0] == path and message in found[1]], findings


@pytest.mark.parametrize(
    ("body", "path", "message"), [case[1:] for case in CRD_MISTAKES], ids=[case[0] for case in CRD_MISTAKES]
)
def test_each_kind_of_mistake_in_a_custom_resource_is_caught(body, path, message):
    findings = check_object(body)

    assert [found for found in findings if found[0] == path and message in found[1]], findings


def test_a_body_that_is_not_an_object_is_caught():
    assert check_object(["not", "a", "mapping"]) == [("", "the object is not a mapping but list")]
    assert check_object({"kind": "Deployment"}) == [("", "apiVersion and kind must both be set (strings)")]


def test_a_custom_resource_is_an_error_when_the_crd_folder_is_missing(tmp_path):
    findings = check_object(EXTERNAL_SECRET, tmp_path / "nowhere")

    assert findings == [
        (
            "",
            "no schema for apiVersion external-secrets.io/v1 kind ExternalSecret: the API server would reject it "
            f"(CRD schema folder {tmp_path / 'nowhere'} is missing)",
        )
    ]


@pytest.mark.parametrize(
    "body",
    [
        DEPLOYMENT,
        broken(DEPLOYMENT, _set(f"{CONTAINER}.imagePullPolicyy", "Always")),
        broken(DEPLOYMENT, _set("spec.replicas", "one")),
        broken(DEPLOYMENT, _delete("spec.template")),
    ],
    ids=["valid", "unknown field", "wrong type", "missing field"],
)
def test_the_verdict_matches_kubernetes_validate_itself(body):
    """Guards the shortcut of loading kubernetes-validate's schema files directly (to cache them)."""
    try:
        kubernetes_validate.validate(body, "1.33", strict=True)
        theirs = True
    except kubernetes_validate.ValidationError:
        theirs = False

    assert (check_object(body) == []) is theirs


def test_closing_a_crd_schema_leaves_metadata_preserved_fields_and_combinators_open():
    schema = {
        "type": "object",
        "properties": {
            "metadata": {"type": "object", "properties": {"name": {"type": "string"}}},
            "spec": {
                "type": "object",
                "properties": {
                    "plugin": {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {}},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "items": {"type": "array", "items": {"type": "object", "properties": {"a": {}}}},
                },
                "oneOf": [{"properties": {"endpointSelector": {}}, "required": ["endpointSelector"]}],
            },
        },
    }

    closed = close_objects(copy.deepcopy(schema))

    assert closed["additionalProperties"] is False
    assert "additionalProperties" not in closed["properties"]["metadata"]
    spec = closed["properties"]["spec"]
    assert spec["additionalProperties"] is False
    assert "additionalProperties" not in spec["properties"]["plugin"]
    assert spec["properties"]["labels"]["additionalProperties"] == {"type": "string"}
    assert spec["properties"]["items"]["items"]["additionalProperties"] is False
    assert spec["oneOf"] == schema["properties"]["spec"]["oneOf"]


def test_renderer_problems_become_findings_with_the_resource_named():
    rendered = render_resource(
        "web", "kubernetes_config_map", "web_config", {"metadata": {"name": "${var.name}"}}, resources={}
    )

    findings = validate_rendered([rendered])

    assert findings[0] == Finding(
        stack="web",
        address="kubernetes_config_map.web_config",
        object="ConfigMap ${var.name}",
        path="metadata.name",
        message="unresolved Terraform reference ${var.name}: no resource var.name in this stack",
    )
    assert str(findings[0]).startswith(
        "web: kubernetes_config_map.web_config (ConfigMap ${var.name}) at metadata.name:"
    )


def test_a_finding_names_stack_resource_object_and_path():
    body = broken(DEPLOYMENT, _set("spec.replicas", "one"))

    findings = validate_rendered([Rendered("apps", "kubernetes_deployment.web", body)])

    assert [str(found) for found in findings] == [
        "apps: kubernetes_deployment.web (Deployment default/web) at spec.replicas: "
        "'one' is not of type 'integer', 'null'"
    ]


def test_the_synthesized_fixture_stack_is_valid(tmp_path):
    (tmp_path / "stacks" / "kubernetes").mkdir(parents=True)
    shutil.copy(SYNTH_FIXTURE, tmp_path / "stacks" / "kubernetes" / "cdk.tf.json")

    assert validate_out_dir(tmp_path) == []


def test_every_oracle_object_validates_clean():
    rendered = render_oracle(json.loads(ORACLE.read_text()))

    started = time.perf_counter()
    findings = validate_rendered(rendered)
    seconds = time.perf_counter() - started

    assert [str(found) for found in findings] == []
    assert len(rendered) == 124
    assert seconds < 20, f"validating 124 objects took {seconds:.1f}s"


def _synth_dir(tmp_path: Path, change=None) -> Path:
    tf_json = json.loads(SYNTH_FIXTURE.read_text())
    if change:
        change(tf_json["resource"])
    (tmp_path / "stacks" / "kubernetes").mkdir(parents=True)
    (tmp_path / "stacks" / "kubernetes" / "cdk.tf.json").write_text(json.dumps(tf_json))
    return tmp_path


def test_the_validate_command_prints_one_line_per_finding_and_fails(tmp_path, capsys):
    def typo(resources: dict[str, Any]) -> None:
        resources["kubernetes_service"]["searxng"]["spec"]["prot"] = [{"port": 80}]
        body = resources["kubectl_manifest"]["external_secret_overseerr_secrets"]["yaml_body"]
        resources["kubectl_manifest"]["external_secret_overseerr_secrets"]["yaml_body"] = body.replace(
            "external-secrets.io/v1", "external-secrets.io/v1beta1"
        )

    code = main(["validate", "--synth", str(_synth_dir(tmp_path, typo))])

    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines == [
        "kubernetes: kubectl_manifest.external_secret_overseerr_secrets (ExternalSecret default/overseerr-secrets) "
        "at <object>: no schema for apiVersion external-secrets.io/v1beta1 kind ExternalSecret: the API server would "
        "reject it; ExternalSecret has schemas for: external-secrets.io/v1",
        "kubernetes: kubernetes_service.searxng (Service default/searxng) at spec.prot: unknown field 'prot' "
        "(did you mean 'ports'?)",
    ]


def test_the_validate_command_passes_a_valid_stack(tmp_path):
    assert main(["validate", "--synth", str(_synth_dir(tmp_path))]) == 0


def test_the_commands_refuse_to_run_without_synthesized_stacks(tmp_path, capsys):
    assert main(["validate", "--synth", str(tmp_path)]) == 2
    assert main(["render", "--synth", str(tmp_path)]) == 2
    assert "run `make synth` first" in capsys.readouterr().err


def test_the_render_command_writes_one_readable_file_per_object_and_drops_stale_ones(tmp_path):
    synth = _synth_dir(tmp_path)
    stale = synth / "manifests" / "kubernetes" / "deployment-default-removed.yaml"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")

    assert main(["render", "--synth", str(synth)]) == 0

    files = sorted(path.name for path in (synth / "manifests" / "kubernetes").iterdir())
    assert len(files) == 14
    assert "statefulset-default-overseerr.yaml" in files
    assert "clustersecretstore-vault-backend.yaml" in files
    assert not stale.exists()
    text = (synth / "manifests" / "kubernetes" / "statefulset-default-overseerr.yaml").read_text()
    assert text.startswith(
        "# kubernetes_stateful_set.overseerr (stack kubernetes)\napiVersion: apps/v1\nkind: StatefulSet\n"
    )
    assert "      - args:\n        - |\n" in text  # the restore script as a readable block, not one escaped line
