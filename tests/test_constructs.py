"""Focused assertions on each construct, synthesized alone in a scratch stack: each renders a
catalog model (built here from its YAML form) with a :class:`Context`."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog.model import Cluster
from catalog.model.objects import ConfigMap as ConfigMapSpec
from catalog.model.objects import CronJob as CronJobSpec
from catalog.model.objects import ExternalSecret as ExternalSecretSpec
from catalog.model.objects import Ingress as IngressSpec
from catalog.model.objects import IngressRoute as IngressRouteSpec
from catalog.model.objects import Litestream as LitestreamSpec
from catalog.model.objects import NetworkPolicy, ServiceSpec, Vpa
from catalog.model.objects import Workload as WorkloadSpec
from catalog.model.service import ClusterSecretStore as ClusterSecretStoreSpec
from tests.conftest import PROJECT_ROOT
from tests.deferred import unescape_terraform as unescape

RES = {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "100m", "memory": "64Mi"}}
CLUSTER = Cluster.model_validate(
    {
        "domain": "example.org",
        "nodes": {"hestia": {"arch": "amd64"}},
        "minio_endpoint": "http://minio:9000",
        "litestream_image": "litestream/litestream:0.5",
        "tls_secret": "wild-tls",
    }
)


def _ctx(service: str = "web", labels: dict[str, str] | None = None, secret_name: str | None = None):
    from constructs_lib.context import Context  # here: importing constructs_lib starts the jsii kernel

    return Context(service, "default", CLUSTER, labels if labels is not None else {"app": service}, secret_name)


def _container(**extra) -> dict[str, Any]:
    return {"image": "nginx:1.27", "ports": [{"port": 80, "name": "http"}], **extra}


def _workload(container: dict[str, Any], **extra) -> WorkloadSpec:
    return WorkloadSpec.model_validate({"containers": {"c": container}, **extra})


def _pod_spec(resources, address: str) -> dict[str, Any]:
    return resources[address]["spec"]["template"]["spec"]


def test_a_glusterfs_volume_follows_the_storage_convention_unless_overridden(synth_with):
    from constructs_lib.k8s.workload import Workload

    wl = _workload(
        _container(),
        volumes={
            "code": {"glusterfs": "code"},
            "data": {"glusterfs": "data", "path": "/storage/v/glusterfs_ollama_data"},
        },
    )
    ctx = _ctx("nginx-sites")
    resources = synth_with(lambda s: Workload(s, "w", "web", wl, ctx, {"app": "web"}, {"app": "web"}))
    assert _pod_spec(resources, "kubernetes_deployment.web")["volume"] == [
        {"name": "code", "host_path": {"path": "/storage/v/glusterfs_nginx_sites_code", "type": "Directory"}},
        {"name": "data", "host_path": {"path": "/storage/v/glusterfs_ollama_data", "type": "Directory"}},
    ]


def test_a_deployment_selects_its_pods_by_the_selector_and_labels_them_with_all_labels(synth_with):
    from constructs_lib.k8s.workload import Workload

    labels = {"app": "web", "environment": "prod", "managed-by": "terraform"}
    wl = _workload(_container(), placement={"node": "hestia", "node_arch": "amd64"}, strategy="Recreate")
    resources = synth_with(lambda s: Workload(s, "w", "web", wl, _ctx(labels=labels), labels, {"app": "web"}))
    spec = resources["kubernetes_deployment.web"]["spec"]
    assert spec["selector"] == {"match_labels": {"app": "web"}}
    assert spec["template"]["metadata"]["labels"] == labels
    assert spec["strategy"] == {"type": "Recreate"}
    assert spec["template"]["spec"]["node_selector"] == {
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": "hestia",
    }
    assert "affinity" not in spec["template"]["spec"]


def test_a_workload_whose_selector_is_not_among_its_labels_is_refused(synth_with):
    from constructs_lib.k8s.workload import Workload

    with pytest.raises(ValueError, match="selector .* is not a subset of its labels"):
        synth_with(lambda s: Workload(s, "w", "web", _workload(_container()), _ctx(), {"app": "web"}, {"app": "api"}))


def test_a_stateful_set_is_governed_by_its_service_and_keeps_volume_claim_templates(synth_with):
    from constructs_lib.k8s.workload import Workload

    wl = _workload(
        _container(),
        kind="StatefulSet",
        volume_claim_templates={"plex-data": {"storage": "2Gi", "storage_class": "local-path"}},
    )
    resources = synth_with(lambda s: Workload(s, "w", "plex", wl, _ctx("plex"), {"app": "plex"}, {"app": "plex"}))
    spec = resources["kubernetes_stateful_set.plex"]["spec"]
    assert spec["service_name"] == "plex"
    assert spec["volume_claim_template"] == [
        {
            "metadata": {"name": "plex-data"},
            "spec": {
                "access_modes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "2Gi"}},
                "storage_class_name": "local-path",
            },
        }
    ]


def test_env_keeps_its_order_and_reads_secret_keys_from_the_service_secret(synth_with):
    from constructs_lib.k8s.workload import Workload

    container = _container(
        env=[{"PGPASSWORD": {"secret": "PGPASSWORD"}}, {"DATABASE_URL": "postgres://u:$(PGPASSWORD)@db/x"}]
    )
    ctx = _ctx("api", secret_name="api-secrets")
    resources = synth_with(lambda s: Workload(s, "w", "api", _workload(container), ctx, {"app": "api"}, {"app": "api"}))
    env = _pod_spec(resources, "kubernetes_deployment.api")["container"][0]["env"]
    assert [e["name"] for e in env] == ["PGPASSWORD", "DATABASE_URL"]
    assert env[0]["value_from"] == {"secret_key_ref": {"key": "PGPASSWORD", "name": "api-secrets"}}


def test_probes_default_to_the_first_container_port(synth_with):
    from constructs_lib.k8s.workload import Workload

    container = _container(
        liveness={"http": "/health", "period": 10}, readiness={"tcp": 81}, startup={"exec": ["true"]}
    )
    resources = synth_with(lambda s: Workload(s, "w", "p", _workload(container), _ctx("p"), {"app": "p"}, {"app": "p"}))
    c = _pod_spec(resources, "kubernetes_deployment.p")["container"][0]
    assert c["liveness_probe"] == {"http_get": {"path": "/health", "port": "80"}, "period_seconds": 10}
    assert c["readiness_probe"] == {"tcp_socket": [{"port": "81"}]}
    assert c["startup_probe"] == {"exec": {"command": ["true"]}}


def test_a_service_writes_only_what_it_states(synth_with):
    from constructs_lib.k8s.service import Service
    from constructs_lib.k8s.workload import Workload

    svc = ServiceSpec.model_validate({"ports": [{"port": 5432, "target_port": 5432}]})

    def build(s):
        labels = {"app": "db", "component": "postgres"}
        db = Workload(s, "w", "db", _workload(_container()), _ctx("db"), labels, {"app": "db"})
        Service(s, "s", "db", svc, _ctx("db"), db)

    resources = synth_with(build)
    body = resources["kubernetes_service.db"]
    assert body["spec"] == {"port": [{"port": 5432, "target_port": "5432"}], "selector": {"app": "db"}}
    assert body["metadata"]["labels"] == {"app": "db", "component": "postgres"}, "the workload's labels"


def test_a_config_map_escapes_terraform_interpolation_so_the_file_arrives_unchanged(synth_with):
    from constructs_lib.k8s.config_map import ConfigMap

    text = 'location / { return 301 https://www.$host$request_uri; }\necho "${HOME}" %{x}\n'
    cm = ConfigMapSpec(data={"a.conf": text}, labelled=False)
    resources = synth_with(lambda s: ConfigMap(s, "c", "web-config", cm, _ctx()))
    body = resources["kubernetes_config_map.web_config"]
    assert body["data"]["a.conf"] == text.replace("${", "$${").replace("%{", "%%{")
    assert unescape(body["data"]["a.conf"]) == text
    assert "labels" not in body["metadata"]


def test_an_ingress_is_a_traefik_websecure_route_with_the_wildcard_certificate(synth_with):
    from constructs_lib.k8s.ingress import Ingress

    ing = IngressSpec.model_validate({"hosts": ["a.example.org", "b.example.org"], "backend": "web:80"})
    resources = synth_with(lambda s: Ingress(s, "i", "web", ing, _ctx()))
    body = resources["kubernetes_ingress_v1.web"]
    assert body["metadata"]["annotations"] == {
        "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
        "traefik.ingress.kubernetes.io/router.tls": "true",
    }
    assert body["spec"]["ingress_class_name"] == "traefik"
    assert body["spec"]["tls"] == [{"hosts": ["a.example.org", "b.example.org"], "secret_name": "wild-tls"}]
    assert [r["host"] for r in body["spec"]["rule"]] == ["a.example.org", "b.example.org"]
    path = body["spec"]["rule"][0]["http"]["path"][0]
    assert path == {"backend": {"service": {"name": "web", "port": {"number": 80}}}, "path": "/", "path_type": "Prefix"}


def test_an_ingress_backend_may_name_its_service_port(synth_with):
    from constructs_lib.k8s.ingress import Ingress

    ing = IngressSpec.model_validate({"hosts": ["a.example.org"], "backend": "web:http"})
    body = synth_with(lambda s: Ingress(s, "i", "web-named", ing, _ctx()))["kubernetes_ingress_v1.web_named"]
    assert body["spec"]["rule"][0]["http"]["path"][0]["backend"] == {
        "service": {"name": "web", "port": {"name": "http"}}
    }


def test_a_cron_job_labels_itself_its_job_and_its_pods(synth_with):
    from constructs_lib.k8s.cron_job import CronJob

    labels = {"app": "backup"}
    cj = CronJobSpec.model_validate(
        {"schedule": "0 3 * * *", "timezone": "Europe/London", "containers": {"b": _container()}}
    )
    resources = synth_with(lambda s: CronJob(s, "c", "backup", cj, _ctx("backup", labels)))
    spec = resources["kubernetes_cron_job_v1.backup"]["spec"]
    assert (
        spec["schedule"] == "0 3 * * *"
        and spec["timezone"] == "Europe/London"
        and spec["concurrency_policy"] == "Forbid"
    )
    assert spec["job_template"]["metadata"]["labels"] == labels
    assert spec["job_template"]["spec"]["template"]["metadata"]["labels"] == labels
    assert spec["job_template"]["spec"]["template"]["spec"]["restart_policy"] == "OnFailure"


def _manifest(resources, address):
    return yaml.safe_load(unescape(resources[address]["yaml_body"]))


def test_an_external_secret_maps_each_key_to_the_same_vault_property(synth_with):
    from constructs_lib.crds.external_secret import ExternalSecret

    spec = ExternalSecretSpec.model_validate({"keys": ["A", "B"], "labelled": False})
    ctx = _ctx(secret_name="web-secrets")
    resources = synth_with(lambda s: ExternalSecret(s, "e", spec, ctx))
    obj = _manifest(resources, "kubectl_manifest.external_secret_web_secrets")
    assert obj["apiVersion"] == "external-secrets.io/v1"
    assert obj["spec"]["secretStoreRef"] == {"kind": "ClusterSecretStore", "name": CLUSTER.secret_store}
    assert obj["spec"]["target"] == {"name": "web-secrets"}, "creationPolicy Owner (the CRD's default) is not written"
    assert obj["spec"]["data"][1] == {"secretKey": "B", "remoteRef": {"key": "nomad/default/web", "property": "B"}}
    assert "labels" not in obj["metadata"]


def test_an_external_secret_writes_a_creation_policy_other_than_the_crds_default(synth_with):
    from constructs_lib.crds.external_secret import ExternalSecret

    spec = ExternalSecretSpec.model_validate({"keys": ["A"], "creation_policy": "Merge"})
    resources = synth_with(lambda s: ExternalSecret(s, "e", spec, _ctx(secret_name="merged-secrets")))
    obj = _manifest(resources, "kubectl_manifest.external_secret_merged_secrets")
    assert obj["spec"]["target"] == {"name": "merged-secrets", "creationPolicy": "Merge"}


def test_a_cluster_secret_store_is_cluster_scoped(synth_with):
    from constructs_lib.crds.external_secret import ClusterSecretStore

    css = ClusterSecretStoreSpec.model_validate(
        {
            "name": "vault-backend",
            "server": "https://vault",
            "path": "nomad",
            "auth": {"role": "eso", "service_account": "eso", "service_account_namespace": "eso"},
        }
    )
    obj = _manifest(
        synth_with(lambda s: ClusterSecretStore(s, "c", css, _ctx())),
        "kubectl_manifest.cluster_secret_store_vault_backend",
    )
    assert "namespace" not in obj["metadata"]
    assert obj["spec"]["provider"]["vault"]["auth"]["kubernetes"]["serviceAccountRef"] == {
        "name": "eso",
        "namespace": "eso",
    }


def test_an_ingress_route_namespaces_its_middlewares_and_writes_priority_only_when_set(synth_with):
    from constructs_lib.crds.traefik import IngressRoute

    ir = IngressRouteSpec.model_validate(
        {
            "labelled": False,
            "routes": [
                {
                    "host": "docs.example.org",
                    "path_prefix": "/gotrue",
                    "services": ["gotrue:9999"],
                    "middlewares": ["strip"],
                },
                {"host": "docs.example.org", "services": ["web:80"], "priority": 1},
            ],
        }
    )
    obj = _manifest(
        synth_with(lambda s: IngressRoute(s, "r", "docs", ir, _ctx())), "kubectl_manifest.ingress_route_docs"
    )
    first, second = obj["spec"]["routes"]
    assert first == {
        "match": "Host(`docs.example.org`) && PathPrefix(`/gotrue`)",
        "kind": "Rule",
        "middlewares": [{"name": "strip", "namespace": "default"}],
        "services": [{"name": "gotrue", "port": 9999}],
    }
    assert second["priority"] == 1 and "middlewares" not in second
    assert obj["spec"]["entryPoints"] == ["websecure"] and obj["spec"]["tls"] == {"secretName": "wild-tls"}


def test_a_vpa_targets_its_workload_kind_and_bounds_each_container(synth_with):
    from constructs_lib.crds.vpa import VerticalPodAutoscaler
    from constructs_lib.k8s.workload import Workload

    vpa = Vpa.model_validate({"workload": "web", "containers": {"c": {"min": {"cpu": "5m"}, "max": {"cpu": "1"}}}})

    def build(s):
        target = Workload(
            s, "w", "web", _workload(_container(), kind="StatefulSet"), _ctx(), {"app": "web"}, {"app": "web"}
        )
        VerticalPodAutoscaler(s, "v", "web-vpa", vpa, _ctx(), "StatefulSet", target.resource)

    resources = synth_with(build)
    obj = _manifest(resources, "kubectl_manifest.vertical_pod_autoscaler_web_vpa")
    assert obj["spec"]["targetRef"] == {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web"}
    assert obj["spec"]["updatePolicy"] == {"updateMode": "Off"}
    assert obj["spec"]["resourcePolicy"]["containerPolicies"] == [
        {"containerName": "c", "minAllowed": {"cpu": "5m"}, "maxAllowed": {"cpu": "1"}}
    ]
    assert resources["kubectl_manifest.vertical_pod_autoscaler_web_vpa"]["depends_on"] == [
        "kubernetes_stateful_set.web"
    ]


def test_a_cilium_policy_admits_the_listed_sources_on_tcp_ports(synth_with):
    from constructs_lib.crds.cilium import CiliumNetworkPolicy

    np = NetworkPolicy.model_validate(
        {"name": "allow-to-echo", "selector": {"app": "echo"}, "allow_from": [{"app": "whoami"}], "ports": [80]}
    )
    obj = _manifest(
        synth_with(lambda s: CiliumNetworkPolicy(s, "n", np, _ctx(), [])),
        "kubectl_manifest.cilium_network_policy_allow_to_echo",
    )
    assert obj["spec"] == {
        "endpointSelector": {"matchLabels": {"app": "echo"}},
        "ingress": [
            {
                "fromEndpoints": [{"matchLabels": {"app": "whoami"}}],
                "toPorts": [{"ports": [{"port": "80", "protocol": "TCP"}]}],
            }
        ],
    }


def test_litestream_restores_and_replicates_with_one_image_and_one_config(synth_with):
    from constructs_lib.litestream import Litestream

    ls_spec = LitestreamSpec.model_validate(
        {
            "workload": "app",
            "bucket": "app-litestream",
            "databases": [{"path": "/data/db/app.db", "replica": "app", "replica_path": "db"}],
            "restore_resources": RES,
            "sidecar_resources": RES,
        }
    )
    wl = _workload(_container(), volumes={"data": {"empty_dir": {}}})
    built = {}

    def build(stack):
        built["ls"] = Litestream(stack, "l", ls_spec, _ctx("app", secret_name="app-secrets"), wl)

    resources = synth_with(build)
    ls = built["ls"]
    assert ls.restore.image == ls.sidecar.image == "litestream/litestream:0.5"
    assert ls.restore.command == ["/bin/sh", "-c"]
    assert "/data/db/app.db" in ls.restore.args[0]
    assert ls.sidecar.args == ["replicate", "-config", "/etc/litestream.yml"]
    assert [list(e) for e in ls.sidecar.env] == [["LITESTREAM_ACCESS_KEY_ID"], ["LITESTREAM_SECRET_ACCESS_KEY"]]
    expanded = ls.expand(wl)
    assert list(expanded.init_containers) == ["litestream-restore"] and list(expanded.containers) == ["c", "litestream"]
    assert expanded.volumes["litestream-config"].config_map == "app-litestream"
    config = yaml.safe_load(unescape(resources["kubernetes_config_map.app_litestream"]["data"]["litestream.yml"]))
    (db,) = config["dbs"]
    assert db["path"] == "/data/db/app.db"
    assert db["replicas"][0]["bucket"] == "app-litestream" and db["replicas"][0]["endpoint"] == "http://minio:9000"


def test_the_kubectl_binding_synthesizes_its_provider_and_yaml_body(synth_with):
    from constructs_lib.kubectl import KubectlManifest, KubectlProvider

    def build(stack):
        KubectlProvider(stack, "kubectl", config_path="~/.kube/config", config_context="lab")
        KubectlManifest(stack, "m", yaml_body="kind: X\n")

    resources = synth_with(build)
    (body,) = [b for a, b in resources.items() if a.startswith("kubectl_manifest.")]
    assert body["yaml_body"] == "kind: X\n"


def test_structs_with_direct_getters_read_exactly_what_the_generated_getters_read():
    from cdktf_cdktf_provider_kubernetes import deployment

    from constructs_lib.jsii_speed import direct_getters

    original = deployment.DeploymentSpecTemplateSpecContainerPort
    fast = direct_getters(original)
    kwargs = {"container_port": 80, "name": "http", "host_port": 2222}
    a, b = original(**kwargs), fast(**kwargs)
    names = list(original.__jsii_name_mapping__)
    assert names and [getattr(a, n) for n in names] == [getattr(b, n) for n in names]
    assert isinstance(b, original) and fast.__jsii_type__ == original.__jsii_type__
    assert direct_getters(original) is fast, "one subclass per struct class"


_LAZY_PROBE = """
import sys
import stacks.app  # what main.py imports: constructs_lib, which defers the providers' submodules, comes first
from jsii import _reference_map
import cdktf_cdktf_provider_kubernetes as k8s

unused = "cdktf_cdktf_provider_kubernetes.persistent_volume_v1"
print("deferred", unused not in sys.modules)
from cdktf_cdktf_provider_kubernetes.namespace import Namespace
print("same class", k8s.namespace.Namespace is Namespace)
# what the jsii runtime does when node hands back an object of a type not loaded yet
_reference_map._try_import_type_module("@cdktf/provider-kubernetes.persistentVolumeV1.PersistentVolumeV1")
print("loaded on demand", "@cdktf/provider-kubernetes.persistentVolumeV1.PersistentVolumeV1" in _reference_map._types)
"""


def test_provider_submodules_are_imported_when_first_used_and_when_the_jsii_runtime_needs_their_types():
    done = subprocess.run(
        [sys.executable, "-c", _LAZY_PROBE], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:3] == ["deferred True", "same class True", "loaded on demand True"]


JSII_TYPE = re.compile(r'\bjsii_type="([^"]+)"')


def _declared_jsii_types(path: Path) -> set[str]:
    """The jsii type names a generated module declares (``jsii_type="..."`` of each class
    statement or decorator: where each class's ``__jsii_type__`` comes from)."""
    return set(JSII_TYPE.findall(path.read_text(encoding="utf-8")))


def test_each_provider_submodule_is_registered_under_the_namespace_of_its_types():
    """Read from the generated sources: importing all ~130 submodules costs ~3 s of CPU and
    leaves them loaded in the test process. The types one imported module carries are checked
    to be exactly what its source declares, so the two readings cannot drift apart."""
    from constructs_lib.jsii_speed import PROVIDER_PACKAGES, jsii_namespace

    for package in PROVIDER_PACKAGES:
        root = Path(importlib.util.find_spec(package).origin).parent
        for info in pkgutil.iter_modules([str(root)]):
            if info.name.startswith("_"):
                continue
            types = _declared_jsii_types(root / info.name / "__init__.py")
            assert types, f"{package}.{info.name}"
            namespace = jsii_namespace(f"{package}.{info.name}")
            assert all(t.split(".")[1] == namespace for t in types), (info.name, namespace, sorted(types)[:3])

    namespace = importlib.import_module("cdktf_cdktf_provider_kubernetes.namespace")
    imported = {c.__jsii_type__ for c in vars(namespace).values() if hasattr(c, "__jsii_type__")}
    assert imported == _declared_jsii_types(Path(namespace.__file__))
