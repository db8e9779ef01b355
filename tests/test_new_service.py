"""The worked example of docs/adding-a-service.md: a simple web service added with only a catalog
entry. The test reads the YAML block out of the page itself, so the page cannot drift from the code."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from catalog.model import Catalog
from tests.catalog_source import services_data
from tests.conftest import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "adding-a-service.md"
NAME = "homepage"


def example_entry() -> dict[str, Any]:
    """The first ```yaml block of the page: ``services: {homepage: ...}``."""
    block = re.search(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert block, f"{DOC.name} has no yaml block"
    return yaml.safe_load(block.group(1))["services"]


@pytest.fixture(scope="module")
def catalog_with_example() -> Catalog:
    data = services_data()
    entry = example_entry()
    assert NAME not in data["services"], "the example must be new to services.yaml"
    data["services"].update(entry)
    return Catalog.model_validate(data)


@pytest.fixture(scope="module")
def resources(catalog_with_example, synth_with) -> dict[str, dict[str, Any]]:
    from constructs_lib.app import App
    from rules.tree import tree_findings

    def build(stack):
        App(stack, NAME, name=NAME, service=catalog_with_example.services[NAME], cluster=catalog_with_example.cluster)
        assert list(tree_findings(stack)) == []  # the rules of the built tree hold too

    return synth_with(build)


def test_the_example_entry_passes_every_rule(catalog_with_example):
    from rules import DECLARED, ENGINE

    found = DECLARED.findings(catalog_with_example) + ENGINE.findings(catalog_with_example)
    assert [f for f in found if f.service == NAME] == []


def test_the_example_synthesizes_exactly_the_five_objects_of_a_simple_web_service(resources):
    assert sorted(resources) == [
        "kubectl_manifest.external_secret_homepage_secrets",
        "kubernetes_deployment.homepage",
        "kubernetes_ingress_v1.homepage",
        "kubernetes_service.homepage",
    ]


def test_the_deployment_mounts_the_glusterfs_volume_named_after_the_service(resources):
    deployment = resources["kubernetes_deployment.homepage"]
    assert deployment["metadata"]["name"] == NAME
    pod = deployment["spec"]["template"]["spec"]
    glusterfs = {"path": "/storage/v/glusterfs_homepage_config", "type": "Directory"}
    assert pod["volume"] == [{"name": "config", "host_path": glusterfs}]
    assert pod["container"][0]["volume_mount"] == [{"name": "config", "mount_path": "/app/config"}]


def test_the_deployment_reads_its_secret_keys_and_waits_for_the_external_secret(resources):
    deployment = resources["kubernetes_deployment.homepage"]
    env = deployment["spec"]["template"]["spec"]["container"][0]["env"]
    refs = {e["name"]: e["value_from"]["secret_key_ref"] for e in env if "value_from" in e}
    assert refs == {
        "HOMEPAGE_VAR_JELLYFIN_KEY": {"name": "homepage-secrets", "key": "HOMEPAGE_VAR_JELLYFIN_KEY"},
        "HOMEPAGE_VAR_PLEX_TOKEN": {"name": "homepage-secrets", "key": "HOMEPAGE_VAR_PLEX_TOKEN"},
    }
    assert deployment["depends_on"] == ["kubectl_manifest.external_secret_homepage_secrets"]


def test_the_external_secret_reads_the_service_path_of_vault(resources):
    manifest = yaml.safe_load(resources["kubectl_manifest.external_secret_homepage_secrets"]["yaml_body"])
    assert manifest["metadata"]["name"] == "homepage-secrets"
    assert manifest["spec"]["target"] == {"name": "homepage-secrets"}
    assert [(d["secretKey"], d["remoteRef"]["key"]) for d in manifest["spec"]["data"]] == [
        ("HOMEPAGE_VAR_JELLYFIN_KEY", "nomad/default/homepage"),
        ("HOMEPAGE_VAR_PLEX_TOKEN", "nomad/default/homepage"),
    ]


def test_the_service_selects_the_pods_and_the_ingress_routes_the_host_to_it(resources):
    service = resources["kubernetes_service.homepage"]
    assert service["metadata"]["name"] == NAME
    assert service["spec"]["selector"] == {"app": NAME}
    assert service["spec"]["port"] == [{"port": 80, "target_port": "3000"}]  # protocol TCP: the default, not written
    spec = resources["kubernetes_ingress_v1.homepage"]["spec"]
    assert [r["host"] for r in spec["rule"]] == ["home.brmartin.co.uk"]
    assert spec["rule"][0]["http"]["path"][0]["backend"]["service"] == {"name": NAME, "port": {"number": 80}}
    assert spec["tls"] == [{"hosts": ["home.brmartin.co.uk"], "secret_name": "wildcard-brmartin-tls"}]
