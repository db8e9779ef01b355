"""One snapshot per catalog service: the reviewed record of what each service synthesizes to.

A changed snapshot is reviewed like code (`pytest --snapshot-update`, then read the diff).
The construct path metadata is left out: addresses, not construct paths, are the contract.
"""

from __future__ import annotations

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from rules import load_catalog
from tests.conftest import PROJECT_ROOT, resources_of, service_of

SERVICES = list(load_catalog(PROJECT_ROOT / "services.yaml").services)


@pytest.fixture
def json_snapshot(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


def _without_metadata(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "//"}


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_synthesizes_to_its_reviewed_snapshot(stacks, json_snapshot, service):
    resources = {
        address: _without_metadata(body)
        for address, body in resources_of(stacks["kubernetes"]).items()
        if service_of(body) == service
    }
    assert resources, f"service {service!r} synthesized nothing"
    assert resources == json_snapshot


def test_the_kubernetes_stack_settings_match_their_snapshot(stacks, json_snapshot):
    stack = stacks["kubernetes"]
    assert {"provider": stack["provider"], "terraform": stack["terraform"]} == json_snapshot
