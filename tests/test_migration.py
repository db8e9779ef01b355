"""The migration table maps every address of the hand-written configuration to its stack and
new address, and the adoption switch emits an import block for every resource."""

from __future__ import annotations

import json

import pytest

from tests.conftest import REFERENCE, resources_of


def test_every_old_address_has_exactly_one_new_home(stacks):
    from tools.migration import migration_rows
    from tools.parity import load_oracle

    oracle = load_oracle(REFERENCE / "oracle-facts.json")
    rows, unmatched = migration_rows(oracle, stacks)
    assert unmatched == []
    assert len(rows) == len(oracle) == 130
    new_addresses = [(stack, address) for _, stack, address in rows]
    assert len(set(new_addresses)) == len(new_addresses), "two old resources map to one new resource"
    assert (
        "module.k8s_overseerr.kubernetes_stateful_set.overseerr",
        "kubernetes",
        "kubernetes_stateful_set.overseerr",
    ) in rows
    assert (
        "module.k8s_overseerr.kubectl_manifest.external_secret",
        "kubernetes",
        "kubectl_manifest.external_secret_overseerr_secrets",
    ) in rows
    assert ("module.elk.nomad_job.this", "nomad", "nomad_job.elk") in rows


@pytest.mark.slow
def test_with_adoption_on_every_resource_gets_an_import_block_with_its_provider_id(catalog, tmp_path):
    from stacks.app import build_app

    build_app(catalog, outdir=str(tmp_path), env={"CLUSTER_STATE_ADOPT": "1"}).synth()
    for path in (tmp_path / "stacks").glob("*/cdk.tf.json"):
        stack = json.loads(path.read_text())
        imports = {block["to"]: block["id"] for block in stack["import"]}
        assert set(imports) == set(resources_of(stack)), path.parent.name
    kubernetes = json.loads((tmp_path / "stacks" / "kubernetes" / "cdk.tf.json").read_text())
    ids = {b["to"]: b["id"] for b in kubernetes["import"]}
    assert ids["kubernetes_stateful_set.overseerr"] == "default/overseerr"
    assert (
        ids["kubectl_manifest.external_secret_overseerr_secrets"]
        == "external-secrets.io/v1//ExternalSecret//overseerr-secrets//default"
    )
    assert (
        ids["kubectl_manifest.cluster_secret_store_vault_backend"]
        == "external-secrets.io/v1//ClusterSecretStore//vault-backend"
    )
    nomad = json.loads((tmp_path / "stacks" / "nomad" / "cdk.tf.json").read_text())
    ids = {b["to"]: b["id"] for b in nomad["import"]}
    assert ids["nomad_job.elk"] == "elk"
    assert ids["nomad_job.jayne_martin_counselling"] == "jayne-martin-counselling@jaynemartincounselling-prod"


def test_without_adoption_no_import_block_is_written(stacks):
    assert all("import" not in stack for stack in stacks.values())
