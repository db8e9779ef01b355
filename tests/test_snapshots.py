"""One snapshot per catalog service: the reviewed record of what each service synthesizes to.

Stored as YAML (``tests/__snapshots__/test_snapshots/<test>[<service>].yaml``): per Terraform
address, the object the cluster receives (``validation.render``) and the resource's
Terraform-only settings (``depends_on``, ``wait_for_rollout``, ...). Multi-line strings are block
text, so a changed line of a config file is one changed line of the snapshot. A changed snapshot
is reviewed like code: the failure shows the diff and ends with the command that accepts it.
The construct path metadata is left out: addresses, not construct paths, are the contract.
"""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from syrupy.extensions.json import JSONSnapshotExtension
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from review.yamltext import to_yaml
from rules import load_catalog
from tests.conftest import PROJECT_ROOT, service_of
from validation.provider_names import OCTAL_FIELDS, RESOURCE_KINDS, TERRAFORM_ONLY
from validation.render import render_resource

SERVICES = list(load_catalog(PROJECT_ROOT / "services.yaml").services)
_RENDERED_FROM = {"kubectl_manifest": "yaml_body", "kubernetes_manifest": "manifest"}


class YAMLSnapshotExtension(SingleFileSnapshotExtension):
    file_extension = "yaml"
    _write_mode = WriteMode.TEXT


@pytest.fixture
def json_snapshot(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.fixture
def yaml_snapshot(snapshot):
    return snapshot.use_extension(YAMLSnapshotExtension)


def service_document(stack: dict[str, Any], service: str) -> dict[str, Any]:
    """``{address: {object: ..., terraform: ...}}`` of one service, in address order."""
    resources = stack.get("resource", {})
    document = {}
    for rtype in sorted(resources):
        for name, body in sorted(resources[rtype].items()):
            if service_of(body) != service:
                continue
            attributes = {k: v for k, v in body.items() if k != "//"}
            entry: dict[str, Any] = {"object": render_resource("kubernetes", rtype, name, attributes, resources).body}
            if rtype in _RENDERED_FROM:
                rest = {k: v for k, v in attributes.items() if k != _RENDERED_FROM[rtype]}
            elif rtype in RESOURCE_KINDS:
                rest = {k: v for k, v in attributes.items() if k in TERRAFORM_ONLY}
            else:
                entry, rest = {}, attributes
            if rest:
                entry["terraform"] = rest
            document[f"{rtype}.{name}"] = entry
    return document


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_synthesizes_to_its_reviewed_snapshot(stacks, yaml_snapshot, service, request):
    document = service_document(stacks["kubernetes"], service)
    assert document, f"service {service!r} synthesized nothing"
    text = to_yaml(document)
    if text == yaml_snapshot:
        return
    stored = Path(yaml_snapshot.extension.get_location(test_location=yaml_snapshot.test_location, index=0))
    before = stored.read_text().splitlines(keepends=True) if stored.is_file() else []
    diff = "".join(difflib.unified_diff(before, text.splitlines(keepends=True), "snapshot", "synthesized"))
    pytest.fail(
        f"{service}: the synthesized objects differ from the reviewed snapshot {stored.name}:\n{diff}\n"
        f"Review the diff; if it is intended, accept it with:\n"
        f"  .venv/bin/pytest tests/test_snapshots.py -k '[{service}]' --snapshot-update",
        pytrace=False,
    )


@pytest.mark.parametrize("service", SERVICES)
def test_the_snapshot_keeps_every_value_of_the_resources(stacks, service):
    """The YAML holds the same objects as the Terraform JSON it replaced: every scalar of each
    resource's configuration is in its entry, as often (references appear resolved)."""
    resources = stacks["kubernetes"]["resource"]
    document = yaml.safe_load(to_yaml(service_document(stacks["kubernetes"], service)))
    for address, entry in document.items():
        rtype, name = address.split(".", 1)
        attributes = {k: v for k, v in resources[rtype][name].items() if k != "//"}
        assert values_lost(attributes, entry) == [], address


def values_lost(attributes: dict[str, Any], entry: dict[str, Any]) -> list[str]:
    """The scalars of ``attributes`` not found in ``entry``: rendering renames keys, turns
    numeric strings into numbers and octal modes into integers, and parses embedded YAML."""
    kept = Counter(_forms(entry))
    lost = []
    for key, value in _leaves(attributes, None):
        if isinstance(value, str) and "${" in value:
            continue  # a reference: its resolved value is checked where it is defined
        candidates = [_norm(value)]
        if key in OCTAL_FIELDS and isinstance(value, str) and value.isdigit():
            candidates.append(str(int(value, 8)))
        found = next((c for c in candidates if kept[c] > 0), None)
        if found is None:
            lost.append(f"{key}={value!r}")
        else:
            kept[found] -= 1
    return lost


def _forms(entry: Any) -> list[str]:
    return [_norm(value) for _, value in _leaves(entry, None)]


def _leaves(value: Any, key: str | None):
    if key == "yaml_body" and isinstance(value, str) and "${" not in value:
        value = yaml.safe_load(value)  # a kubectl_manifest's object: compared as the object it is
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v, key)
    else:
        yield key, value


def _norm(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def test_the_kubernetes_stack_settings_match_their_snapshot(stacks, json_snapshot):
    stack = stacks["kubernetes"]
    assert {"provider": stack["provider"], "terraform": stack["terraform"]} == json_snapshot
