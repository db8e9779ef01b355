"""The credential scan: synthesized output is clean, and a planted credential is found wherever it hides."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings

from validation.__main__ import main
from validation.manifests import write_manifests
from validation.render import render_out_dir
from validation.secrets_scan import SecretFinding, is_secret_object_reference, scan_tree

HERE = Path(__file__).resolve().parent
SYNTH_FIXTURE = HERE / "data" / "kubernetes.cdk.tf.json"

# Made up for these tests; shaped like the real thing so the detectors fire.
AWS_KEY = "AKIAZ7VRSQ5TKXPL4MWD"
PRIVATE_KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7Qkrm\n"
    "-----END RSA PRIVATE KEY-----\n"
)
INGRESS_ROUTE_WITH_KEY = (
    "apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata:\n  name: web\nspec:\n  routes:\n"
    f"  - match: Host(`web.example.com`) && Header(`X-Key`, `{AWS_KEY}`)\n    kind: Rule\n"
)

Resources = dict[str, dict[str, dict[str, Any]]]


# The resources the credentials are planted into (and one manifest). A scan costs ~0.15 s per
# thousand lines: the other resources of the fixture are shown clean once, by the test that scans
# the whole fixture; a planted credential is found, or not, on its own lines.
PLANTING_GROUND = {
    "kubernetes_deployment": ["searxng"],
    "kubernetes_config_map": ["overseerr_litestream"],
    "kubectl_manifest": ["external_secret_overseerr_secrets"],
}


def synth_dir(tmp_path: Path, change: Callable[[Resources], None] | None = None, *, whole: bool = False) -> Path:
    """cdktf.out with the fixture's kubernetes stack: whole, or only the planting ground."""
    tf_json = json.loads(SYNTH_FIXTURE.read_text())
    if not whole:
        resources = tf_json["resource"]
        tf_json["resource"] = {
            kind: {name: resources[kind][name] for name in names} for kind, names in PLANTING_GROUND.items()
        }
    if change:
        change(tf_json["resource"])
    stack = tmp_path / "cdktf.out" / "stacks" / "kubernetes"
    stack.mkdir(parents=True)
    (stack / "cdk.tf.json").write_text(json.dumps(tf_json, indent=2))
    return tmp_path / "cdktf.out"


def _searxng_env(resources: Resources) -> list[dict[str, Any]]:
    return resources["kubernetes_deployment"]["searxng"]["spec"]["template"]["spec"]["container"][0]["env"]


def _config_data(resources: Resources) -> dict[str, str]:
    return resources["kubernetes_config_map"]["overseerr_litestream"]["data"]


def aws_key_in_an_env_value(resources: Resources) -> None:
    _searxng_env(resources).append({"name": "AWS_ACCESS_KEY_ID", "value": AWS_KEY})


def password_in_a_literal_env_value(resources: Resources) -> None:
    _searxng_env(resources).append({"name": "DB_PASSWORD", "value": "Qw3rTy9UiOp5"})


def private_key_in_a_config_string(resources: Resources) -> None:
    _config_data(resources)["tls.key"] = PRIVATE_KEY


def password_inside_a_config_file(resources: Resources) -> None:
    _config_data(resources)["app.ini"] = "[database]\nhost = db\npassword = Xk9mP2vL8qRw\n"


def aws_key_in_a_manifest_with_a_host_rule(resources: Resources) -> None:
    resources["kubectl_manifest"]["ingress_route_web"] = {"yaml_body": INGRESS_ROUTE_WITH_KEY}


# (planting, detect-secrets type, the JSON path of the string it sits in; "" = found on the file's own line)
PLANTED = [
    (aws_key_in_an_env_value, "AWS Access Key", ""),
    (password_in_a_literal_env_value, "Secret Keyword", "spec.template.spec.container[0].env[2].value"),
    (private_key_in_a_config_string, "Private Key", ""),
    (
        password_inside_a_config_file,
        "Secret Keyword",
        "resource.kubernetes_config_map.overseerr_litestream.data.app.ini",
    ),
    (aws_key_in_a_manifest_with_a_host_rule, "AWS Access Key", ""),
]


def test_the_synthesized_output_and_its_rendered_manifests_are_clean(tmp_path):
    synth = synth_dir(tmp_path, whole=True)
    write_manifests(render_out_dir(synth), synth / "manifests")

    assert scan_tree(synth) == []


@pytest.mark.parametrize(("plant", "kind", "where"), PLANTED, ids=[case[0].__name__ for case in PLANTED])
def test_a_planted_credential_is_found(tmp_path, plant, kind, where):
    findings = scan_tree(synth_dir(tmp_path, plant))

    assert [found for found in findings if found.type == kind and found.where.endswith(where)], findings


def test_a_host_rule_line_is_scanned_although_detect_secrets_would_skip_it(tmp_path):
    synth = synth_dir(tmp_path, aws_key_in_a_manifest_with_a_host_rule)
    stack_file = synth / "stacks" / "kubernetes" / "cdk.tf.json"
    host_line = next(
        number for number, line in enumerate(stack_file.read_text().splitlines(), start=1) if "Host(`web" in line
    )
    with default_settings():  # detect-secrets as it comes: the indirect-reference filter drops the line
        stock = SecretsCollection()
        stock.scan_file(str(stack_file))

    findings = scan_tree(synth)

    assert host_line not in [secret.line_number for secrets in stock.data.values() for secret in secrets]
    assert SecretFinding(str(stack_file), host_line, "AWS Access Key") in findings


def test_a_credential_in_a_rendered_manifest_file_is_found(tmp_path):
    synth = synth_dir(tmp_path)
    manifest = synth / "manifests" / "kubernetes" / "configmap-default-leak.yaml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(f"apiVersion: v1\nkind: ConfigMap\ndata:\n  key: {AWS_KEY}\n")

    assert scan_tree(synth) == [SecretFinding(str(manifest), 4, "AWS Access Key")]


def test_terraform_working_files_are_not_scanned(tmp_path):
    synth = synth_dir(tmp_path)
    stack = synth / "stacks" / "kubernetes"
    (stack / ".terraform").mkdir()
    (stack / ".terraform" / "leak.json").write_text(json.dumps({"key": AWS_KEY}))
    (stack / "terraform.kubernetes.tfstate").write_text(json.dumps({"key": AWS_KEY}))

    assert scan_tree(synth) == []


@pytest.mark.parametrize(
    ("line", "secret", "expected"),
    [
        ('              "secret_name": "wildcard-brmartin-tls"', "wildcard-brmartin-tls", True),
        ("    secretName: wildcard-brmartin-tls", "wildcard-brmartin-tls", True),
        ("  - secretKey: MINIO_ACCESS_KEY", "MINIO_ACCESS_KEY", True),
        ("    password: wildcard-brmartin-tls", "wildcard-brmartin-tls", False),
        ("secretName: a, password: hunter2hunter2", "hunter2hunter2", False),
    ],
)
def test_only_fields_that_name_a_secret_are_exempt(line, secret, expected):
    assert is_secret_object_reference(secret, line) is expected


def test_placeholders_and_program_lookups_are_not_credentials_but_lookalikes_are(tmp_path):
    config = (
        "database:\n"
        '  password: "SYNAPSE_DB_PASSWORD_PLACEHOLDER"\n'
        "gitlab_rails['db_password'] = ENV['GITLAB_DB_PASSWORD']\n"
        "secret_key = ENV.fetch('SECRET_KEY_BASE')\n"
        "password: Hunter2(x)\n"
        "password: hunter_two_2024\n"
    )

    findings = scan_tree(synth_dir(tmp_path, lambda resources: _config_data(resources).update({"app.conf": config})))

    assert [(found.line, found.type) for found in findings] == [(5, "Secret Keyword"), (6, "Secret Keyword")]


def test_the_scan_command_fails_with_one_line_per_finding(tmp_path, capsys):
    synth = synth_dir(tmp_path, aws_key_in_an_env_value)

    code = main(["scan-secrets", "--synth", str(synth)])

    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert len(lines) == 1
    assert "cdk.tf.json:" in lines[0] and "AWS Access Key" in lines[0]


def test_the_scan_command_passes_clean_output_and_refuses_a_missing_folder(tmp_path):
    assert main(["scan-secrets", "--synth", str(synth_dir(tmp_path))]) == 0
    assert main(["scan-secrets", "--synth", str(tmp_path / "absent")]) == 2
