"""Every rule of the engine can fire, and a service's written waiver silences it where the catalog
lets the rule be waived (``RuleName``). One case per rule: an edit of the real catalog that breaks
it, and the service that the finding is about. The rules of the built tree (``rules/tree.py``)
stop ``app.synth()`` with a typed error in the same format."""

from __future__ import annotations

import copy
import typing
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from catalog import CatalogError
from catalog.model import Catalog
from catalog.model.objects import RuleName, Waiver
from rules import DECLARED, ENGINE
from rules.engine import Finding, unwaived
from tests.catalog_source import services_data, services_text
from tests.conftest import PROJECT_ROOT

BASE = services_data()
WAIVABLE = set(typing.get_args(RuleName))
RESOURCES = {"requests": {"cpu": "1m"}, "limits": {"cpu": "1m"}}

Services = dict[str, Any]


def _overseerr(services: Services) -> dict[str, Any]:
    return services["overseerr"]["workloads"]["overseerr"]


def _container(services: Services) -> dict[str, Any]:
    return _overseerr(services)["containers"]["overseerr"]


def _extra_service(name: str, **workload: Any) -> dict[str, Any]:
    return {"workloads": {name: {"containers": {name: {"image": "a/b:1", "resources": RESOURCES}}, **workload}}}


def _node_port_twice(s: Services) -> None:
    port = {"ports": [{"port": 80, "node_port": 31434}], "type": "NodePort"}
    s["extra"] = _extra_service("extra", services={"extra": port})


def _route_middleware(s: Services) -> None:
    s["matrix"]["ingress_routes"]["synapse"]["routes"][0]["middlewares"].append("nope")


def _cron(s: Services) -> None:
    s["overseerr"]["cron_jobs"] = {
        "c": {"schedule": "0 25 * * *", "containers": {"c": {"image": "a/b:1", "resources": RESOURCES}}}
    }


def _litestream_images_differ(s: Services) -> None:
    _overseerr(s)["containers"]["backup"] = {"image": "litestream/litestream:0.3.13", "resources": RESOURCES}


# rule id -> (edit of the services, the service the finding is about)
CASES: dict[str, tuple[Callable[[Services], None], str]] = {
    "hostname-unique": (
        lambda s: s["overseerr"]["ingresses"]["overseerr"]["hosts"].append("searx.brmartin.co.uk"),
        "overseerr",
    ),
    "node-port-unique": (_node_port_twice, "extra"),
    "object-name-unique": (lambda s: s.update(extra=_extra_service("overseerr")), "extra"),
    "node-declared": (lambda s: _overseerr(s).update(placement={"node": "zeus"}), "overseerr"),
    "secret-key-declared": (lambda s: _container(s)["env"].append({"X": {"secret": "NOPE"}}), "overseerr"),
    "volume-declared": (lambda s: _container(s)["mounts"].append({"volume": "nope", "path": "/x"}), "overseerr"),
    "litestream-target-declared": (lambda s: s["overseerr"]["litestream"].update(volume="nope"), "overseerr"),
    "middleware-declared": (_route_middleware, "matrix"),
    "vpa-target-declared": (lambda s: s["overseerr"]["vpas"]["overseerr-vpa"].update(workload="nope"), "overseerr"),
    "backend-declared": (
        lambda s: s["overseerr"]["ingresses"]["overseerr"].update(backend="overseerr:81"),
        "overseerr",
    ),
    "env-reference-declared": (lambda s: _container(s)["env"].insert(0, {"URL": "http://$(TZ)"}), "overseerr"),
    "gpu-node": (lambda s: _container(s)["resources"]["limits"].update({"nvidia.com/gpu": "1"}), "overseerr"),
    "resources-required": (lambda s: _container(s)["resources"].pop("limits"), "overseerr"),
    "image-tag-required": (lambda s: _container(s).update(image="sctx/overseerr"), "overseerr"),
    "no-literal-secrets": (lambda s: _container(s)["env"].append({"DB_PASSWORD": "hunter2-hunter2"}), "overseerr"),
    "litestream-same-image": (_litestream_images_differ, "overseerr"),
    "sqlite-on-network-storage": (lambda s: _overseerr(s)["volumes"].update(data={"glusterfs": "db"}), "overseerr"),
    "storage-path": (lambda s: _overseerr(s)["volumes"].update(config={"host_path": "/srv/overseerr"}), "overseerr"),
    "cron-schedule": (_cron, "overseerr"),
    "label-syntax": (lambda s: _overseerr(s).update(labels={"tier": "x" * 64}), "overseerr"),
    "object-name-syntax": (
        lambda s: _overseerr(s)["services"].update({"1overseerr": {"ports": [{"port": 80}]}}),
        "overseerr",
    ),
    "port-name-syntax": (lambda s: _container(s)["ports"][0].update(name="http-overseerr-web"), "overseerr"),
    "int32-fields": (lambda s: _overseerr(s).update(replicas=2**31), "overseerr"),
    "toleration-syntax": (lambda s: _overseerr(s).update(tolerations=[{"key": "gpu", "value": "x"}]), "overseerr"),
    "request-within-limit": (lambda s: _container(s)["resources"]["requests"].update(cpu="64"), "overseerr"),
    "image-reference-syntax": (lambda s: _container(s).update(image="Sctx/Overseerr:1"), "overseerr"),
    "vpa-container-references": (
        lambda s: s["overseerr"]["vpas"]["overseerr-vpa"]["containers"].update(
            nope={"min": {"cpu": "1m"}, "max": {"cpu": "2m"}}
        ),
        "overseerr",
    ),
    "secret-volume-items": (
        lambda s: _overseerr(s)["volumes"].update(creds={"secret": {"items": {"NOPE": "nope"}}}),
        "overseerr",
    ),
    "config-map-files": (
        lambda s: s["overseerr"].update(config_maps={"overseerr-x": {"files": {"a": "files/../services.yaml"}}}),
        "overseerr",
    ),
    "one-address-each": (
        lambda s: s.update(extra={"namespace": "media", **_extra_service("overseerr", kind="StatefulSet")}),
        "extra",
    ),
    "default-restated": (lambda s: _overseerr(s).update(replicas=1), "overseerr"),
    "suite-fits": (lambda s: s["matrix"]["ingress_routes"].pop("synapse"), "matrix"),
}


# rule id -> edit of the whole catalog, for the rules of what no service owns (not waivable)
ROOT_CASES: dict[str, Callable[[dict[str, Any]], None]] = {
    "nomad-jobspecs": lambda data: data["nomad"]["jobs"]["elk"]["vars"].update(no_such_variable="1"),
    "acknowledged-volume-declared": lambda data: data.update(
        acknowledgments=[{"address": "nomad_csi_volume.nope", "reason": "a reason for the test"}]
    ),
}


def _catalog(edit: Callable[[Services], None], waive: tuple[str, str] | None = None) -> Catalog:
    data = copy.deepcopy(BASE)
    edit(data["services"])
    if waive is not None:
        rule, service = waive
        data["services"][service].setdefault("waivers", []).append({"rule": rule, "reason": "a reason for the test"})
    return Catalog.model_validate(data)


def _findings(declared: Catalog) -> list[Finding]:
    """What both phases of the engine find: the declared catalog's rules, then the expanded one's."""
    from suites import expand_catalog

    found = DECLARED.findings(declared)
    return found if found else ENGINE.findings(expand_catalog(declared))


def _fired(rule: str, catalog: Catalog) -> list[Finding]:
    return [f for f in unwaived(catalog, _findings(catalog)) if f.rule == rule]


RULE_IDS = set(ENGINE.ids) | set(DECLARED.ids)


def test_every_rule_of_the_engine_has_a_case():
    assert RULE_IDS <= set(CASES) | set(ROOT_CASES), "add a case that makes the new rule fire"


@pytest.mark.parametrize("rule", sorted(ROOT_CASES))
def test_a_rule_of_the_whole_catalog_fires(rule):
    data = copy.deepcopy(BASE)
    ROOT_CASES[rule](data)
    found = _fired(rule, Catalog.model_validate(data))
    assert found and {f.service for f in found} == {None}


def test_every_waivable_rule_is_a_rule():
    from rules.tree import RULES as TREE_RULES

    assert WAIVABLE <= RULE_IDS | set(TREE_RULES)


def test_the_catalog_breaks_no_rule(catalog):
    assert unwaived(catalog, ENGINE.findings(catalog)) == [], "the session's catalog is the expanded one"


@pytest.mark.parametrize("rule", sorted(CASES))
def test_the_rule_fires_on_the_service_that_breaks_it(rule):
    edit, service = CASES[rule]
    assert {f.service for f in _fired(rule, _catalog(edit))} == {service}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_a_written_waiver_silences_the_rule_only_where_the_catalog_allows(rule):
    edit, service = CASES[rule]
    if rule in WAIVABLE:
        assert _fired(rule, _catalog(edit, waive=(rule, service))) == []
    else:
        with pytest.raises(ValidationError):
            Waiver(rule=rule, reason="a reason for the test")


def test_a_finding_is_one_located_line_with_its_rule(tmp_path):
    from rules import load_catalog

    text = services_text().replace("image: sctx/overseerr:latest", "image: sctx/overseerr")
    (tmp_path / "services.yaml").write_text(text)
    line = text[: text.index("image: sctx/overseerr\n")].count("\n") + 1
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path / "services.yaml")
    assert str(caught.value).splitlines() == [
        "services.overseerr.workloads.overseerr.containers.overseerr.image: rule image-tag-required: "
        f"image 'sctx/overseerr' has no tag; pin one, e.g. 'sctx/overseerr:1.2.3' ({tmp_path / 'services.yaml'}:{line})"
    ]


# --- the rules of the built tree ----------------------------------------------------------------


def _only(service: str, edit: Callable[[dict[str, Any]], None] = lambda s: None, waive: str | None = None) -> Catalog:
    data = copy.deepcopy(BASE)
    data["services"] = {service: data["services"][service]}
    data["nomad"] = {"jobs": {}}
    edit(data["services"][service])
    if waive:
        data["services"][service].setdefault("waivers", []).append({"rule": waive, "reason": "a reason for the test"})
    return Catalog.model_validate(data)


def _ignore_changes_on_searxng(tmp_path, catalog: Catalog):
    from stacks.app import build_app

    app = build_app(catalog, outdir=str(tmp_path / "out"), env={})
    stack = app.node.find_child("kubernetes")
    deployment = stack.node.find_child("searxng").node.find_child("workload-searxng").resource
    deployment.add_override("lifecycle.ignore_changes", ["spec"])
    return app


def test_lifecycle_ignore_changes_anywhere_stops_synthesis(tmp_path):
    from rules.tree import TreeFindings

    app = _ignore_changes_on_searxng(tmp_path, _only("searxng"))
    with pytest.raises(
        TreeFindings, match=r"^services.searxng: rule no-ignore-changes: kubernetes_deployment.searxng:"
    ):
        app.synth()


def test_a_waiver_silences_a_rule_of_the_built_tree(tmp_path):
    _ignore_changes_on_searxng(tmp_path, _only("searxng", waive="no-ignore-changes")).synth()


def test_a_credential_in_a_built_text_stops_synthesis(tmp_path):
    from rules.tree import TreeFindings
    from stacks.app import build_app

    def edit(s):
        s["middlewares"] = {
            "leaky": {"spec": {"basicAuth": {"users": ["admin:$apr1$x$y"]}, "x": "password: s3cr3t-value"}}
        }

    with pytest.raises(TreeFindings) as caught:
        build_app(_only("overseerr", edit), outdir=str(tmp_path / "out"), env={}).synth()
    where = "kubectl_manifest.middleware_leaky yaml_body"
    assert f"services.overseerr: rule no-literal-secrets: {where}" in str(caught.value)


def test_a_literal_connection_string_in_the_backend_stops_synthesis(tmp_path):
    from cdktf import PgBackend, TerraformStack

    from rules.tree import CheckedApp, TreeFindings

    app = CheckedApp(outdir=str(tmp_path / "out"), skip_validation=True)
    stack = TerraformStack(app, "leaky")
    PgBackend(stack, conn_str="postgres://user:pw@db/state")
    with pytest.raises(TreeFindings, match="stacks.leaky: rule no-literal-secrets: backend pg has a literal conn_str"):
        app.synth()


def test_config_text_with_a_credential_is_caught_and_placeholders_are_not():
    from rules.tree import literal_secrets_in_texts

    def found(text: str) -> list:
        return list(literal_secrets_in_texts([(("x",), "x", text)]))

    assert found("password: SYNAPSE_DB_PASSWORD_PLACEHOLDER\ntoken: ${TOKEN}\n") == []
    assert found("db:\n  password: s3cr3t-value\n")
    assert found("-----BEGIN RSA PRIVATE KEY-----\nabc\n")


def test_the_whole_catalog_passes_every_rule_of_the_tree(stacks):
    assert set(stacks) == {"kubernetes", "nomad"}


def test_the_readme_lists_every_rule_once():
    from rules.tree import RULES as TREE_RULES

    text = (PROJECT_ROOT / "README.md").read_text()
    table = text[text.index("<!-- rules table") :].split("\n\n")[0]
    rows = [line.split("|") for line in table.splitlines()[3:]]
    listed = {r[1].strip().strip("`"): r[3].strip() == "yes" for r in rows}
    assert sorted(listed) == sorted(RULE_IDS | set(TREE_RULES))
    assert {rule for rule, waivable in listed.items() if waivable} == WAIVABLE


@pytest.mark.parametrize(
    ("host_path", "fires"),
    [
        ("/storage/v/overseerr", True),  # on the storage root, but not one of the service's own directories
        ("/storage/v/glusterfs_plex_config", True),  # another service's directory
        ("/storage/v/glusterfs_overseerr_Config", True),
        ("/storage/v/glusterfs_overseerr_config", False),
    ],
)
def test_a_hand_written_host_path_on_the_storage_root_follows_the_convention(host_path, fires):
    catalog = _catalog(lambda s: _overseerr(s)["volumes"].update(config={"host_path": host_path}))
    assert bool(_fired("storage-path", catalog)) is fires


@pytest.mark.parametrize(
    ("backend", "fires"),
    [
        ("overseerr:80", False),
        ("overseerr:81", True),
        ("overseerr:http", True),  # its Service port has no name
        ("nope:80", True),
    ],
)
def test_a_backend_names_a_port_of_its_service_by_number_or_by_name(backend, fires):
    catalog = _catalog(lambda s: s["overseerr"]["ingresses"]["overseerr"].update(backend=backend))
    assert bool(_fired("backend-declared", catalog)) is fires


def test_a_backend_port_by_name_resolves_to_a_named_service_port():
    def edit(s: Services) -> None:
        _overseerr(s)["services"]["overseerr"]["ports"][0]["name"] = "http"
        s["overseerr"]["ingresses"]["overseerr"].update(backend="overseerr:http")

    assert _fired("backend-declared", _catalog(edit)) == []


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: _overseerr(s)["services"]["overseerr"]["ports"][0].update(protocol="TCP"),
        lambda s: _overseerr(s)["services"]["overseerr"].update(type="ClusterIP"),
        lambda s: s["overseerr"]["secrets"].update(creation_policy="Owner"),
    ],
    ids=["protocol: TCP", "type: ClusterIP", "creation_policy: Owner"],
)
def test_restating_a_kubernetes_or_crd_default_is_flagged(edit):
    found = [f.location[-1] for f in _fired("default-restated", _catalog(edit))]
    assert found in (["protocol"], ["type"], ["creation_policy"])
