"""Each rule of the cluster stops synthesis with the service and the rule named, and only a
written waiver in the catalog lets it pass. Rules run through ``app.synth()``: in Python,
Aspect errors do not fail ``Testing.synth``."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from catalog.model import Catalog
from tests.conftest import PROJECT_ROOT

BASE = yaml.safe_load((PROJECT_ROOT / "services.yaml").read_text())


def _catalog(service: str, edit) -> Catalog:
    data = copy.deepcopy(BASE)
    data["services"] = {service: data["services"][service]}
    data["nomad"] = {"jobs": {}}
    edit(data["services"][service])
    return Catalog.model_validate(data)


def _synth_errors(tmp_path, catalog: Catalog) -> str:
    from stacks.app import build_app

    try:
        build_app(catalog, outdir=str(tmp_path / "out"), env={}).synth()
    except RuntimeError as exc:
        return str(exc)
    return ""


def _waive(rule: str):
    def edit(service: dict[str, Any]) -> None:
        service.setdefault("waivers", []).append({"rule": rule, "reason": "a reason written for the test"})

    return edit


def _both(*edits):
    def edit(service):
        for e in edits:
            e(service)

    return edit


def _db_on_glusterfs(s):
    s["workloads"]["overseerr"]["volumes"]["data"] = {"glusterfs": "db"}


def _litestream_images_differ(s):
    c = s["workloads"]["overseerr"]["containers"]
    c["backup"] = {
        "image": "litestream/litestream:0.3.13",
        "resources": {"requests": {"cpu": "1m"}, "limits": {"cpu": "1m"}},
    }


def _host_path_outside_storage(s):
    s["workloads"]["overseerr"]["volumes"]["config"] = {"host_path": "/srv/overseerr"}


def _no_limits(s):
    del s["workloads"]["overseerr"]["containers"]["overseerr"]["resources"]["limits"]


def _literal_password(s):
    s["workloads"]["overseerr"]["containers"]["overseerr"]["env"].append({"DB_PASSWORD": "hunter2-hunter2"})


CASES = {
    "sqlite-on-network-storage": _db_on_glusterfs,
    "litestream-same-image": _litestream_images_differ,
    "resources-required": _no_limits,
    "no-literal-secrets": _literal_password,
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_a_broken_rule_stops_synthesis_naming_the_service_and_the_rule(tmp_path, rule):
    errors = _synth_errors(tmp_path, _catalog("overseerr", CASES[rule]))
    assert f"service overseerr: rule {rule}:" in errors


@pytest.mark.parametrize("rule", sorted(CASES))
def test_a_written_waiver_lets_the_rule_pass(tmp_path, rule):
    assert _synth_errors(tmp_path, _catalog("overseerr", _both(CASES[rule], _waive(rule)))) == ""


def test_the_storage_path_rule_catches_a_volume_added_in_code_outside_the_catalog_checks(tmp_path):
    from constructs_lib.k8s.pod import PodProps
    from constructs_lib.k8s.volume import Volume
    from rules.checks import storage_path

    pod = PodProps(containers={}, volumes=[Volume.host_path("x", "/srv/x"), Volume.glusterfs("y", "other", "data")])
    assert storage_path(pod, "overseerr", "/storage/v") == [
        "volume 'x': hostPath '/srv/x' is outside /storage/v/",
        "volume 'y': hostPath '/storage/v/glusterfs_other_data' is not named glusterfs_overseerr_<type>",
    ]


def test_an_image_without_a_tag_added_in_code_is_caught():
    from catalog.model.pod import Container
    from constructs_lib.k8s.pod import PodProps
    from rules.checks import image_tag_required

    untagged = Container.model_construct(image="busybox", resources=None)
    assert image_tag_required(PodProps(containers={"c": untagged})) == ["container 'c' image 'busybox' has no tag"]


def test_lifecycle_ignore_changes_anywhere_stops_synthesis(tmp_path, catalog):
    from stacks.app import build_app

    app = build_app(_catalog("searxng", lambda s: None), outdir=str(tmp_path / "out"), env={})
    stack = app.node.find_child("kubernetes")
    deployment = stack.node.find_child("searxng").node.find_child("workload-searxng").resource
    deployment.add_override("lifecycle.ignore_changes", ["spec"])
    with pytest.raises(RuntimeError, match="service searxng: rule no-ignore-changes"):
        app.synth()


def test_a_literal_connection_string_in_the_backend_stops_synthesis(tmp_path):
    from cdktf import App, PgBackend, TerraformStack

    from rules import apply_rules

    app = App(outdir=str(tmp_path / "out"), skip_validation=True)
    stack = TerraformStack(app, "leaky")
    PgBackend(stack, conn_str="postgres://user:pw@db/state")
    apply_rules(stack)
    with pytest.raises(RuntimeError, match="stack leaky: rule no-literal-secrets: backend pg has a literal conn_str"):
        app.synth()


def test_config_text_with_a_credential_is_caught_and_placeholders_are_not():
    from rules.checks import literal_secrets_in_text

    assert literal_secrets_in_text("x", "password: SYNAPSE_DB_PASSWORD_PLACEHOLDER\ntoken: ${TOKEN}\n") == []
    assert literal_secrets_in_text("x", "db:\n  password: s3cr3t-value\n")
    assert literal_secrets_in_text("x", "-----BEGIN RSA PRIVATE KEY-----\nabc\n")


def test_the_whole_catalog_passes_every_rule(stacks):
    assert set(stacks) == {"kubernetes", "nomad"}


def test_a_credential_in_a_config_file_stops_synthesis(tmp_path):
    def edit(s):
        s["config_maps"] = {"overseerr-settings": {"data": {"settings.yml": "db:\n  password: s3cr3t-value\n"}}}

    errors = _synth_errors(tmp_path, _catalog("overseerr", edit))
    where = "kubernetes_config_map.overseerr_settings data[settings.yml]"
    assert f"service overseerr: rule no-literal-secrets: {where}" in errors
