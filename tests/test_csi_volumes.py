"""Nomad CSI volumes of the catalog: destroying one deletes its data, so Terraform itself refuses a
plan that destroys or replaces one (``lifecycle.prevent_destroy``) until the catalog's
``acknowledgments`` names it. services.yaml declares none (its output is unchanged); these tests
use catalogs of their own, and prove the lifecycle with the real Terraform on a provider-free
copy of the stack (the nomad provider cannot be downloaded here)."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from catalog.model import Catalog
from tests.catalog_source import services_data
from tests.terraform_copy import terraform

BASE = services_data()
VOLUME = {
    "volume_id": "postgres-data",
    "name": "postgres-data",
    "plugin_id": "glusterfs",
    "capacity_min": "10GiB",
    "capacity_max": "20GiB",
    "capabilities": [{"access_mode": "single-node-writer", "attachment_mode": "file-system"}],
    "mount_options": {"fs_type": "ext4", "mount_flags": ["noatime"]},
}
ACK = {
    "address": "nomad_csi_volume.postgres_data",
    "reason": "moving the database to the new plugin, restored from backup",
}


def _data(volume: dict[str, Any] | None = None, acknowledgments: list[dict[str, str]] = ()) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["services"] = {}
    data["nomad"] = {"jobs": {}, "csi_volumes": {"postgres_data": volume or VOLUME}}
    data["acknowledgments"] = list(acknowledgments)
    return data


def _synth(tmp_path: Path, data: dict[str, Any], name: str = "out") -> dict[str, Any]:
    """The nomad stack's cdk.tf.json of ``data``, through every rule and the real synthesis."""
    from rules import checked
    from stacks.app import build_app

    out = tmp_path / name
    build_app(checked(Catalog.model_validate(data)), outdir=str(out), env={}).synth()
    return json.loads((out / "stacks" / "nomad" / "cdk.tf.json").read_text())


def test_a_declared_volume_is_the_providers_resource_with_prevent_destroy(tmp_path):
    volume = _synth(tmp_path, _data())["resource"]["nomad_csi_volume"]["postgres_data"]
    assert volume["lifecycle"] == {"prevent_destroy": True}
    assert {k: v for k, v in volume.items() if k not in ("//", "lifecycle")} == {
        "volume_id": "postgres-data",
        "name": "postgres-data",
        "plugin_id": "glusterfs",
        "capacity_min": "10GiB",
        "capacity_max": "20GiB",
        "capability": [{"access_mode": "single-node-writer", "attachment_mode": "file-system"}],
        "mount_options": {"fs_type": "ext4", "mount_flags": ["noatime"]},
    }


@pytest.mark.parametrize("address", [ACK["address"], "nomad/" + ACK["address"]])
def test_an_acknowledgment_lifts_prevent_destroy(tmp_path, address):
    volume = _synth(tmp_path, _data(acknowledgments=[{**ACK, "address": address}]))["resource"]["nomad_csi_volume"]
    assert "lifecycle" not in volume["postgres_data"]


def test_an_acknowledgment_of_another_object_leaves_the_volume_protected(tmp_path):
    other = {"address": "kubernetes_stateful_set.overseerr", "reason": "not about the volume at all"}
    volume = _synth(tmp_path, _data(acknowledgments=[other]))["resource"]["nomad_csi_volume"]["postgres_data"]
    assert volume["lifecycle"] == {"prevent_destroy": True}


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("nomad_csi_volume.postgres", "nomad_csi_volume.postgres names no volume of nomad.csi_volumes"),
        ("kubernetes/nomad_csi_volume.postgres_data", "nomad_csi_volume lives in stack 'nomad', not 'kubernetes'"),
    ],
)
def test_an_acknowledgment_names_a_declared_volume(address, message):
    from catalog import CatalogError
    from rules import checked

    with pytest.raises(CatalogError) as caught:
        checked(Catalog.model_validate(_data(acknowledgments=[{**ACK, "address": address}])))
    [line] = str(caught.value).splitlines()
    assert line.startswith(f"acknowledgments[0].address: rule acknowledged-volume-declared: {message}")


@pytest.mark.parametrize(
    "edit",
    [
        lambda v: v.update(capabilities=[]),
        lambda v: v["capabilities"][0].update(access_mode="read-write-many"),
        lambda v: v.update(capacity_max="lots"),
        lambda v: v.update(plugin_id="a b"),
        lambda v: v.update(size="1GiB"),
    ],
    ids=["no-capability", "unknown-access-mode", "capacity", "plugin-id", "unknown-key"],
)
def test_a_malformed_volume_is_refused(edit):
    volume = copy.deepcopy(VOLUME)
    edit(volume)
    with pytest.raises(ValidationError):
        Catalog.model_validate(_data(volume))


def _volume_resource(tmp_path: Path, data: dict[str, Any]):
    from stacks.app import build_app

    app = build_app(Catalog.model_validate(data), outdir=str(tmp_path / "out"), env={})
    stack = app.node.find_child("nomad")
    return app, stack.node.find_child("csi-volume-postgres_data").volume


def test_ignore_changes_on_a_volume_stops_synthesis(tmp_path):
    from rules.tree import TreeFindings

    app, volume = _volume_resource(tmp_path, _data())
    volume.add_override("lifecycle.ignore_changes", ["capacity_max"])
    with pytest.raises(
        TreeFindings, match=r"nomad.csi_volumes.postgres_data: rule no-ignore-changes: nomad_csi_volume"
    ):
        app.synth()


@pytest.mark.parametrize("acknowledged", [False, True])
def test_an_override_dropping_prevent_destroy_stops_synthesis_unless_acknowledged(tmp_path, acknowledged):
    from rules.tree import TreeFindings

    app, volume = _volume_resource(tmp_path, _data(acknowledgments=[ACK] if acknowledged else []))
    volume.add_override("lifecycle.prevent_destroy", False)
    if acknowledged:
        app.synth()
    else:
        with pytest.raises(TreeFindings, match=r"nomad.csi_volumes.postgres_data: rule csi-volume-protected: "):
            app.synth()


# --- the real Terraform on a provider-free copy -----------------------------------------------


def _provider_free(stack: dict[str, Any]) -> dict[str, Any]:
    """Each ``nomad_csi_volume`` as a ``terraform_data`` with the same lifecycle, replaced when the
    fields the provider cannot update in place change (``volume_id``, ``plugin_id``); the
    provider and backend blocks are left out (nothing to download, local state)."""
    copies = {}
    for name, body in stack["resource"]["nomad_csi_volume"].items():
        config = {k: v for k, v in body.items() if k not in ("//", "lifecycle")}
        copies[f"nomad_csi_volume__{name}"] = {
            "input": config,
            "triggers_replace": {"volume_id": config["volume_id"], "plugin_id": config["plugin_id"]},
            **({"lifecycle": body["lifecycle"]} if "lifecycle" in body else {}),
        }
    return {"resource": {"terraform_data": copies}}


def _terraform(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return terraform(folder, *args, "-input=false")


def _write(folder: Path, stack: dict[str, Any]) -> None:
    (folder / "main.tf.json").write_text(json.dumps(_provider_free(stack), indent=2))


@pytest.mark.slow
def test_terraform_refuses_to_replace_an_unacknowledged_volume_and_plans_it_once_acknowledged(tmp_path):
    folder = tmp_path / "tf"
    folder.mkdir()
    _write(folder, _synth(tmp_path, _data(), "v1"))
    for step in (("init",), ("apply", "-auto-approve")):
        result = _terraform(folder, *step)
        assert result.returncode == 0, result.stderr

    moved = {**VOLUME, "plugin_id": "ceph-csi"}  # a new plugin: Terraform must replace the volume
    _write(folder, _synth(tmp_path, _data(moved), "v2"))
    refused = _terraform(folder, "plan")
    assert refused.returncode == 1, refused.stdout
    assert "Instance cannot be destroyed" in refused.stderr
    assert "terraform_data.nomad_csi_volume__postgres_data" in refused.stderr

    _write(folder, _synth(tmp_path, _data(moved, [ACK]), "v3"))
    planned = _terraform(folder, "plan", "-detailed-exitcode")
    assert planned.returncode == 2, planned.stderr  # 2: a plan with changes
    assert "must be replaced" in planned.stdout and "1 to add, 0 to change, 1 to destroy" in planned.stdout

    same = _terraform(folder, "plan", "-detailed-exitcode")
    assert same.returncode == 2  # planning changes nothing: the state still holds the first volume
    _write(folder, _synth(tmp_path, _data({**VOLUME, "capacity_max": "30GiB"}), "v4"))
    in_place = _terraform(folder, "plan", "-detailed-exitcode")
    assert in_place.returncode == 2 and "1 to change, 0 to destroy" in in_place.stdout, in_place.stderr
