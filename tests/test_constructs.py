"""Focused assertions on each construct, synthesized alone in a scratch stack."""

from __future__ import annotations

import pytest
import yaml

from catalog.model.objects import ServicePort
from catalog.model.pod import Container, Placement, Resources
from constructs_lib.terraform_text import unescape

RES = Resources.model_validate(
    {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "100m", "memory": "64Mi"}}
)


def _container(**extra) -> Container:
    return Container.model_validate({"image": "nginx:1.27", "ports": [{"port": 80, "name": "http"}], **extra})


def test_a_glusterfs_volume_follows_the_storage_convention_unless_overridden():
    from constructs_lib.k8s.volume import Volume

    assert Volume.glusterfs("data", "nginx-sites", "code").settings == {
        "path": "/storage/v/glusterfs_nginx_sites_code",
        "type": "Directory",
    }
    assert Volume.glusterfs("data", "open-webui", "data", path="/storage/v/glusterfs_ollama_data").host_path_value == (
        "/storage/v/glusterfs_ollama_data"
    )


def test_a_deployment_selects_its_pods_by_the_selector_and_labels_them_with_all_labels(synth_with):
    from constructs_lib.k8s.pod import PodProps
    from constructs_lib.k8s.workload import Workload, WorkloadProps

    labels = {"app": "web", "environment": "prod", "managed-by": "terraform"}
    resources = synth_with(
        lambda s: Workload(
            s,
            "w",
            WorkloadProps(
                name="web",
                namespace="default",
                labels=labels,
                selector={"app": "web"},
                pod=PodProps(containers={"web": _container()}, placement=Placement(node="hestia", node_arch="amd64")),
                strategy="Recreate",
            ),
        )
    )
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
    from constructs_lib.k8s.pod import PodProps
    from constructs_lib.k8s.workload import Workload, WorkloadProps

    props = WorkloadProps("web", "default", {"app": "web"}, {"app": "api"}, PodProps(containers={"web": _container()}))
    with pytest.raises(ValueError, match="selector .* is not a subset of its labels"):
        synth_with(lambda s: Workload(s, "w", props))


def test_a_stateful_set_is_governed_by_its_service_and_keeps_volume_claim_templates(synth_with):
    from catalog.model.pod import VolumeClaimTemplate
    from constructs_lib.k8s.pod import PodProps
    from constructs_lib.k8s.workload import Workload, WorkloadProps

    vct = VolumeClaimTemplate.model_validate({"storage": "2Gi", "storage_class": "local-path"})
    resources = synth_with(
        lambda s: Workload(
            s,
            "w",
            WorkloadProps(
                "plex",
                "default",
                {"app": "plex"},
                {"app": "plex"},
                PodProps(containers={"plex": _container()}),
                kind="StatefulSet",
                volume_claim_templates={"plex-data": vct},
            ),
        )
    )
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
    from constructs_lib.k8s.pod import PodProps
    from constructs_lib.k8s.workload import Workload, WorkloadProps

    container = _container(
        env=[{"PGPASSWORD": {"secret": "PGPASSWORD"}}, {"DATABASE_URL": "postgres://u:$(PGPASSWORD)@db/x"}]
    )
    resources = synth_with(
        lambda s: Workload(
            s,
            "w",
            WorkloadProps(
                "api",
                "default",
                {"app": "api"},
                {"app": "api"},
                PodProps({"api": container}, secret_name="api-secrets"),
            ),
        )
    )
    env = resources["kubernetes_deployment.api"]["spec"]["template"]["spec"]["container"][0]["env"]
    assert [e["name"] for e in env] == ["PGPASSWORD", "DATABASE_URL"]
    assert env[0]["value_from"] == {"secret_key_ref": {"key": "PGPASSWORD", "name": "api-secrets"}}


def test_probes_default_to_the_first_container_port(synth_with):
    from constructs_lib.k8s.pod import PodProps
    from constructs_lib.k8s.workload import Workload, WorkloadProps

    container = _container(
        liveness={"http": "/health", "period": 10}, readiness={"tcp": 81}, startup={"exec": ["true"]}
    )
    resources = synth_with(
        lambda s: Workload(
            s, "w", WorkloadProps("p", "default", {"app": "p"}, {"app": "p"}, PodProps({"p": container}))
        )
    )
    c = resources["kubernetes_deployment.p"]["spec"]["template"]["spec"]["container"][0]
    assert c["liveness_probe"] == {"http_get": {"path": "/health", "port": "80"}, "period_seconds": 10}
    assert c["readiness_probe"] == {"tcp_socket": [{"port": "81"}]}
    assert c["startup_probe"] == {"exec": {"command": ["true"]}}


def test_a_service_writes_only_what_it_states(synth_with):
    from constructs_lib.k8s.service import Service, ServiceProps

    port = ServicePort.model_validate({"port": 5432, "target_port": 5432})
    resources = synth_with(
        lambda s: Service(s, "s", ServiceProps("db", "default", {"app": "db"}, {"app": "db"}, [port]))
    )
    spec = resources["kubernetes_service.db"]["spec"]
    assert spec == {"port": [{"port": 5432, "target_port": "5432"}], "selector": {"app": "db"}}


def test_a_config_map_escapes_terraform_interpolation_so_the_file_arrives_unchanged(synth_with):
    from constructs_lib.k8s.config_map import ConfigMap, ConfigMapProps

    text = 'location / { return 301 https://www.$host$request_uri; }\necho "${HOME}" %{x}\n'
    resources = synth_with(lambda s: ConfigMap(s, "c", ConfigMapProps("web-config", "default", {"a.conf": text}, {})))
    body = resources["kubernetes_config_map.web_config"]
    assert body["data"]["a.conf"] == text.replace("${", "$${").replace("%{", "%%{")
    assert unescape(body["data"]["a.conf"]) == text
    assert "labels" not in body["metadata"]


def test_an_ingress_is_a_traefik_websecure_route_with_the_wildcard_certificate(synth_with):
    from constructs_lib.k8s.ingress import Ingress, IngressProps

    resources = synth_with(
        lambda s: Ingress(
            s,
            "i",
            IngressProps("web", "default", {"app": "web"}, ["a.example.org", "b.example.org"], "web", 80, "wild-tls"),
        )
    )
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


def test_a_cron_job_labels_itself_its_job_and_its_pods(synth_with):
    from constructs_lib.k8s.cron_job import CronJob, CronJobProps
    from constructs_lib.k8s.pod import PodProps

    labels = {"app": "backup"}
    resources = synth_with(
        lambda s: CronJob(
            s,
            "c",
            CronJobProps(
                "backup",
                "default",
                labels,
                "0 3 * * *",
                PodProps({"b": _container()}, restart_policy="OnFailure"),
                timezone="Europe/London",
            ),
        )
    )
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
    from constructs_lib.crds.external_secret import ExternalSecret, ExternalSecretProps

    resources = synth_with(
        lambda s: ExternalSecret(
            s, "e", ExternalSecretProps("web-secrets", "default", "nomad/default/web", ["A", "B"], "vault-backend")
        )
    )
    obj = _manifest(resources, "kubectl_manifest.external_secret_web_secrets")
    assert obj["apiVersion"] == "external-secrets.io/v1"
    assert obj["spec"]["secretStoreRef"] == {"kind": "ClusterSecretStore", "name": "vault-backend"}
    assert obj["spec"]["target"] == {"name": "web-secrets"}, "creationPolicy is not written unless stated"
    assert obj["spec"]["data"][1] == {"secretKey": "B", "remoteRef": {"key": "nomad/default/web", "property": "B"}}
    assert "labels" not in obj["metadata"]


def test_a_cluster_secret_store_is_cluster_scoped(synth_with):
    from constructs_lib.crds.external_secret import ClusterSecretStore, ClusterSecretStoreProps

    props = ClusterSecretStoreProps("vault-backend", "https://vault", "nomad", "v2", "eso", "eso", "eso")
    obj = _manifest(
        synth_with(lambda s: ClusterSecretStore(s, "c", props)), "kubectl_manifest.cluster_secret_store_vault_backend"
    )
    assert "namespace" not in obj["metadata"]
    assert obj["spec"]["provider"]["vault"]["auth"]["kubernetes"]["serviceAccountRef"] == {
        "name": "eso",
        "namespace": "eso",
    }


def test_an_ingress_route_namespaces_its_middlewares_and_writes_priority_only_when_set(synth_with):
    from constructs_lib.crds.traefik import IngressRoute, IngressRouteProps, TraefikRoute, route_match

    routes = [
        TraefikRoute(route_match("docs.example.org", "/gotrue"), [("gotrue", 9999)], ["strip"]),
        TraefikRoute(route_match("docs.example.org", None), [("web", 80)], priority=1),
    ]
    obj = _manifest(
        synth_with(lambda s: IngressRoute(s, "r", IngressRouteProps("docs", "default", routes, "wild-tls"))),
        "kubectl_manifest.ingress_route_docs",
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
    from constructs_lib.crds.vpa import ContainerPolicy, VerticalPodAutoscaler, VpaProps

    props = VpaProps(
        "web-vpa",
        "default",
        "StatefulSet",
        "web",
        container_policies=[ContainerPolicy("web", {"cpu": "5m"}, {"cpu": "1"})],
    )
    obj = _manifest(
        synth_with(lambda s: VerticalPodAutoscaler(s, "v", props)), "kubectl_manifest.vertical_pod_autoscaler_web_vpa"
    )
    assert obj["spec"]["targetRef"] == {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web"}
    assert obj["spec"]["updatePolicy"] == {"updateMode": "Off"}
    assert obj["spec"]["resourcePolicy"]["containerPolicies"] == [
        {"containerName": "web", "minAllowed": {"cpu": "5m"}, "maxAllowed": {"cpu": "1"}}
    ]


def test_a_cilium_policy_admits_the_listed_sources_on_tcp_ports(synth_with):
    from constructs_lib.crds.cilium import CiliumNetworkPolicy, NetworkPolicyProps

    props = NetworkPolicyProps("allow-to-echo", "default", {"app": "echo"}, [{"app": "whoami"}], [80])
    obj = _manifest(
        synth_with(lambda s: CiliumNetworkPolicy(s, "n", props)), "kubectl_manifest.cilium_network_policy_allow_to_echo"
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
    from constructs_lib.litestream import Litestream, LitestreamProps

    built = {}

    def build(stack):
        built["ls"] = Litestream(
            stack,
            "l",
            LitestreamProps(
                config_map_name="app-litestream",
                namespace="default",
                labels={"app": "app"},
                image="litestream/litestream:0.5",
                bucket="app-litestream",
                endpoint="http://minio:9000",
                databases=[("/data/db/app.db", "app", "db")],
                secret_name="app-secrets",
                restore_resources=RES,
                sidecar_resources=RES,
            ),
        )

    resources = synth_with(build)
    ls = built["ls"]
    assert ls.restore.image == ls.sidecar.image == "litestream/litestream:0.5"
    assert ls.restore.command == ["/bin/sh", "-c"]
    assert "/data/db/app.db" in ls.restore.args[0]
    assert ls.sidecar.args == ["replicate", "-config", "/etc/litestream.yml"]
    assert [list(e) for e in ls.sidecar.env] == [["LITESTREAM_ACCESS_KEY_ID"], ["LITESTREAM_SECRET_ACCESS_KEY"]]
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

    from constructs_lib.k8s.structs import direct_getters

    original = deployment.DeploymentSpecTemplateSpecContainerPort
    fast = direct_getters(original)
    kwargs = {"container_port": 80, "name": "http", "host_port": 2222}
    a, b = original(**kwargs), fast(**kwargs)
    names = list(original.__jsii_name_mapping__)
    assert names and [getattr(a, n) for n in names] == [getattr(b, n) for n in names]
    assert isinstance(b, original) and fast.__jsii_type__ == original.__jsii_type__
    assert direct_getters(original) is fast, "one subclass per struct class"
