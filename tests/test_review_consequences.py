"""review.forcenew / review.consequences without synthesis: every ForceNew entry written down
makes a change a replacement, and an attribute next to it does not."""

from __future__ import annotations

import copy

import pytest

from review import forcenew
from review.consequences import DESTROY, IN_PLACE, REPLACEMENT, classify, data_loss, holds_data
from review.images import image_moves, split
from review.objects import Item


def _set(tree: dict, path: str, value) -> dict:
    tree = copy.deepcopy(tree)
    node = tree
    *parents, leaf = path.split(".")
    for step in parents:
        node = node.setdefault(step, {})
        if isinstance(node, list):  # cdk.tf.json may spell a one-item block as a list
            node = node[0]
    node[leaf] = value
    return tree


def _item(rtype: str, attributes: dict, body=None, stack="kubernetes") -> Item:
    return Item(stack, "svc", rtype, "x", attributes, body if body is not None else attributes)


def _action(old: Item, new: Item) -> str:
    changes = classify({old.key: old}, {new.key: new})
    return changes[0].action if changes else "unchanged"


KUBERNETES_CASES = [
    (rtype, rule)
    for rtype in [*forcenew.KUBERNETES, "kubernetes_config_map"]
    for rule in forcenew.kubernetes_rules(rtype)
]


@pytest.mark.parametrize(("rtype", "rule"), KUBERNETES_CASES, ids=[f"{t}:{r.path}" for t, r in KUBERNETES_CASES])
def test_each_kubernetes_force_new_attribute_replaces(rtype, rule):
    base = {"metadata": [{"name": "x", "namespace": "default"}], "spec": {"replicas": "1"}}
    old = _item(rtype, _set(base, rule.path, "before"))
    assert _action(old, _item(rtype, _set(base, rule.path, "after"))) == REPLACEMENT
    changed = classify({old.key: old}, {old.key: _item(rtype, _set(base, rule.path, "after"))})[0]
    assert changed.forced_by == (rule,)
    assert rule.source  # every entry says where it comes from
    # the same resource with only a non-ForceNew attribute changed is updated in place
    assert _action(old, _item(rtype, _set(_set(base, rule.path, "before"), "spec.replicas", "2"))) == IN_PLACE


def test_the_v1_spelling_of_a_type_has_the_same_rules():
    assert forcenew.kubernetes_rules("kubernetes_stateful_set_v1") == forcenew.kubernetes_rules(
        "kubernetes_stateful_set"
    )


def test_a_one_item_block_as_object_or_list_is_the_same_value():
    old = _item("kubernetes_deployment", {"spec": {"selector": {"match_labels": {"app": "a"}}}})
    new = _item("kubernetes_deployment", {"spec": [{"selector": [{"match_labels": {"app": "a"}}]}]})
    assert _action(old, new) == "unchanged"


@pytest.mark.parametrize("field", ["apiVersion", "kind", "metadata.name", "metadata.namespace"])
def test_kubectl_manifest_identity_replaces(field):
    body = {"apiVersion": "v1", "kind": "K", "metadata": {"name": "a", "namespace": "n"}, "spec": {"a": 1}}
    old = _item("kubectl_manifest", {"yaml_body": "old"}, body)
    assert _action(old, _item("kubectl_manifest", {"yaml_body": "new"}, _set(body, field, "changed"))) == REPLACEMENT
    assert _action(old, _item("kubectl_manifest", {"yaml_body": "new"}, _set(body, "spec.a", 2))) == IN_PLACE
    forced = _item("kubectl_manifest", {"yaml_body": "new", "force_new": True}, _set(body, "spec.a", 2))
    assert _action(old, forced) == REPLACEMENT


def test_nomad_job_id_or_namespace_replaces():
    def job(spec: str) -> Item:
        return _item("nomad_job", {"jobspec": spec}, {"jobspec": spec}, stack="nomad")

    old = job('job "elk" {\n  group "g" { count = 1 }\n}\n')
    assert _action(old, job('job "elk" {\n  group "g" { count = 2 }\n}\n')) == IN_PLACE
    assert _action(old, job('job "elastic" {\n  group "g" { count = 1 }\n}\n')) == REPLACEMENT
    assert _action(old, job('job "elk" {\n  namespace = "ops"\n  group "g" { count = 1 }\n}\n')) == REPLACEMENT


def _workload(name: str, host_path: str | None = None, litestream: bool = False) -> Item:
    containers = [{"name": "app", "image": "app:1"}]
    if litestream:
        containers.append({"name": "litestream", "image": "litestream/litestream:0.5"})
    volumes = [{"name": "v", "hostPath": {"path": host_path}}] if host_path else []
    body = {
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"template": {"spec": {"containers": containers, "volumes": volumes}}},
    }
    return Item("kubernetes", name, "kubernetes_deployment", name, {"spec": {"n": name}}, body)


def test_only_the_last_workload_mounting_a_glusterfs_directory_holds_its_data():
    path = "/storage/v/glusterfs_a_data"
    first, second = _workload("a", path), _workload("b", path)
    head = {second.key: second}
    changes = classify({first.key: first, second.key: second}, head)
    assert [c.action for c in changes] == [DESTROY]
    assert data_loss(changes, head, {}) == []  # b still mounts it
    changes = classify({first.key: first}, {})
    [loss] = data_loss(changes, {}, {})
    assert "last workload mounting the GlusterFS directory /storage/v/glusterfs_a_data" in loss.why
    assert "acknowledgments:" in loss.message() and "address: kubernetes_deployment.a" in loss.message()
    [acked] = data_loss(changes, {}, {"kubernetes/kubernetes_deployment.a": "moved elsewhere"})
    assert acked.acknowledged == "moved elsewhere"


def test_what_holds_data():
    assert holds_data(_workload("a", "/mnt/other")) is None
    assert "litestream" in holds_data(_workload("a", litestream=True))
    assert holds_data(_item("kubernetes_persistent_volume_claim_v1", {}))
    assert holds_data(_item("nomad_csi_volume", {}, stack="nomad"))
    sts = _item("kubernetes_stateful_set", {"spec": {"volume_claim_template": [{"metadata": {"name": "d"}}]}})
    assert "volume claim templates (d)" in holds_data(sts)
    assert holds_data(_item("kubernetes_stateful_set", {"spec": {}})) is None


def test_image_moves():
    old = {"spec": {"containers": [{"image": "sctx/overseerr:1.2.3"}, {"image": "litestream/litestream:0.5"}]}}
    new = copy.deepcopy(old)
    new["spec"]["containers"][0]["image"] = "sctx/overseerr:1.2.4"
    assert image_moves(old, new) == [("sctx/overseerr", "1.2.3", "1.2.4")]
    new["spec"]["replicas"] = 2
    assert image_moves(old, new) is None  # not only an image bump
    assert split("registry:5000/a/b") == ("registry:5000/a/b", "latest")
    assert split("a/b:1@sha256:ff") == ("a/b", "1@sha256:ff")
    jobspec = {"jobspec": 'task "t" {\n  config { image = "docker.io/x:1" }\n}\n'}
    assert image_moves(jobspec, {"jobspec": jobspec["jobspec"].replace("x:1", "x:2")}) == [("docker.io/x", "1", "2")]


@pytest.mark.parametrize(
    ("rtype", "path"),
    [
        ("kubernetes_service", "metadata.name"),
        ("kubernetes_ingress_v1", "metadata.namespace"),
        ("kubernetes_stateful_set", "spec.service_name"),
        ("kubernetes_stateful_set", "spec.volume_claim_template"),
        ("kubernetes_stateful_set", "spec.selector"),
        ("kubernetes_deployment", "spec.selector"),
        ("kubernetes_cron_job_v1", "spec.job_template.spec.selector"),
        ("kubernetes_persistent_volume_claim_v1", "spec.storage_class_name"),
    ],
)
def test_the_replacements_the_cluster_depends_on_are_listed(rtype, path):
    """The entries a missing row would silently turn into an "in-place" verdict."""
    assert path in {rule.path for rule in forcenew.kubernetes_rules(rtype)}


def test_a_nomad_job_holds_the_glusterfs_directories_and_csi_volumes_it_mounts():
    spec = (
        'job "db" {\n  group "g" {\n    volume "data" {\n      type   = "csi"\n      source = "postgres-data"\n    }\n'
        '    task "t" {\n      config {\n        volumes = ["/storage/v/glusterfs_db_config:/etc/db"]\n      }\n    }\n'
        "  }\n}\n"
    )
    job = _item("nomad_job", {"jobspec": spec}, {"jobspec": spec}, stack="nomad")
    why = holds_data(job)
    assert "GlusterFS directory /storage/v/glusterfs_db_config" in why
    assert "CSI volume postgres-data" in why
    assert holds_data(_item("nomad_job", {"jobspec": 'job "x" {}\n'}, stack="nomad")) is None


def test_a_nomad_version_variable_that_only_moves_images_is_an_image_bump():
    spec = 'task "es" {\n  config { image = "docker.elastic.co/es:${var.v}" }\n}\n'
    old, new = {"jobspec": spec, "variables": {"v": "9.2.3"}}, {"jobspec": spec, "variables": {"v": "9.2.4"}}
    assert image_moves(old, new) == [("docker.elastic.co/es", "9.2.3", "9.2.4")]
    elsewhere = spec + 'meta { version = "${var.v}" }\n'
    assert image_moves({**old, "jobspec": elsewhere}, {**new, "jobspec": elsewhere}) is None
