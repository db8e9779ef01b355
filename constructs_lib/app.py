"""A catalog service turned into its Kubernetes objects.

This is the only place that knows the catalog's conventions (labels, selectors, secret names,
GlusterFS paths, which sidecars a component switches on); the constructs it calls know only
Kubernetes.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from constructs import Construct

from catalog.model import Cluster, Service
from catalog.model.objects import Litestream as LitestreamSpec
from catalog.model.objects import Workload as WorkloadSpec
from catalog.model.pod import Container, Script, SynapseConfigScript
from catalog.model.pod import Volume as VolumeSpec
from configs.gitlab_runner import runner_config_command
from configs.litestream import plex_restore_script
from configs.matrix import config_processor_script
from constructs_lib.base import ClusterConstruct
from constructs_lib.crds.cilium import CiliumNetworkPolicy, NetworkPolicyProps
from constructs_lib.crds.external_secret import (
    ClusterSecretStore,
    ClusterSecretStoreProps,
    ExternalSecret,
    ExternalSecretProps,
)
from constructs_lib.crds.traefik import (
    IngressRoute,
    IngressRouteProps,
    Middleware,
    MiddlewareProps,
    TraefikRoute,
    route_match,
)
from constructs_lib.crds.vpa import ContainerPolicy, VerticalPodAutoscaler, VpaProps
from constructs_lib.k8s.config_map import ConfigMap, ConfigMapProps
from constructs_lib.k8s.cron_job import CronJob, CronJobProps
from constructs_lib.k8s.ingress import Ingress, IngressProps
from constructs_lib.k8s.pod import PodProps
from constructs_lib.k8s.service import Service as KubeService
from constructs_lib.k8s.service import ServiceProps
from constructs_lib.k8s.volume import Volume
from constructs_lib.k8s.workload import Workload, WorkloadProps
from constructs_lib.litestream import Litestream, LitestreamProps

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def read_project_file(path: str) -> str:
    """Text of a project file named in the catalog (paths are relative to the project root)."""
    return (PROJECT_ROOT / path).read_text(encoding="utf-8")


def service_labels(name: str, service: Service) -> dict[str, str]:
    if service.labels is not None:
        return dict(service.labels)
    return {"app": name, "environment": service.environment, "managed-by": "terraform"}


def build_script(script: Script) -> str:
    """The text of a catalog ``script``, written by the builder of configs/ it names."""
    if isinstance(script, SynapseConfigScript):
        return config_processor_script(script.template_dir, script.config_dir)
    return runner_config_command(script.runner_name)


def with_script(containers: dict[str, Container]) -> dict[str, Container]:
    """Containers whose ``script`` became ``command: [/bin/sh, -c]`` + ``args: [<script>]``."""
    return {
        name: c.model_copy(update={"command": ["/bin/sh", "-c"], "args": [build_script(c.script)], "script": None})
        if c.script is not None
        else c
        for name, c in containers.items()
    }


def restore_script(ls: LitestreamSpec, cluster: Cluster) -> str | None:
    """The restore init container's script; None: the construct's single-database script."""
    if ls.restore_script == "plex":
        return plex_restore_script(ls.bucket, cluster.minio_endpoint, db_dir=posixpath.dirname(ls.databases[0].path))
    return None


def secret_name(name: str, service: Service) -> str | None:
    if service.secrets is None:
        return None
    return service.secrets.name or f"{name}-secrets"


class App(ClusterConstruct):
    """Every object of one catalog service. Construct ids are the catalog's keys."""

    def __init__(self, scope: Construct, id: str, *, name: str, service: Service, cluster: Cluster):
        super().__init__(scope, id)
        self.name = name
        self.service = service
        self.cluster = cluster
        self.labels = service_labels(name, service)
        self.secret_name = secret_name(name, service)
        self.workloads: dict[str, Workload] = {}
        self.cron_jobs: dict[str, CronJob] = {}
        self.config_maps: dict[str, ConfigMap] = {}

        self.secret = self._external_secret()
        self._cluster_secret_store()
        for cm_name, cm in service.config_maps.items():
            self.config_maps[cm_name] = ConfigMap(
                self,
                f"config-map-{cm_name}",
                ConfigMapProps(
                    name=cm_name,
                    namespace=service.namespace,
                    labels=self._component_labels(cm.component) if cm.labelled else {},
                    data={**{k: read_project_file(p) for k, p in cm.files.items()}, **cm.data},
                ),
            )
        self.litestream = self._litestream()
        for wl_name, wl in service.workloads.items():
            self._workload(wl_name, wl)
        for cj_name, cj in service.cron_jobs.items():
            self._cron_job(cj_name, cj)
        self._routing()
        self._autoscaling_and_policies()

    # labels -----------------------------------------------------------------------------
    def _component_labels(self, component: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        labels = dict(self.labels)
        if component is not None:
            labels["component"] = component
        labels.update(extra or {})
        return labels

    def _selector(self, labels: dict[str, str]) -> dict[str, str]:
        if self.service.selector == "all-labels":
            return dict(labels)
        return {k: labels[k] for k in ("app", "component") if k in labels}

    # secrets ----------------------------------------------------------------------------
    def _external_secret(self) -> ExternalSecret | None:
        spec = self.service.secrets
        if spec is None:
            return None
        return ExternalSecret(
            self,
            "external-secret",
            ExternalSecretProps(
                name=self.secret_name,
                namespace=self.service.namespace,
                remote_key=spec.remote_key or f"nomad/default/{self.name}",
                keys=list(spec.keys),
                store=self.cluster.secret_store,
                labels=self.labels if spec.labelled else {},
                refresh_interval=spec.refresh_interval,
                creation_policy=spec.creation_policy,
            ),
        )

    def _cluster_secret_store(self) -> None:
        css = self.service.cluster_secret_store
        if css is None:
            return
        ClusterSecretStore(
            self,
            "cluster-secret-store",
            ClusterSecretStoreProps(
                name=css.name,
                server=css.server,
                path=css.path,
                version=css.version,
                role=css.auth.role,
                service_account=css.auth.service_account,
                service_account_namespace=css.auth.service_account_namespace,
                mount_path=css.auth.mount_path,
                labels=self.labels if css.labelled else {},
            ),
        )

    # pods -------------------------------------------------------------------------------
    def _volume(self, v_name: str, v: VolumeSpec) -> Volume:
        if v.glusterfs is not None:
            return Volume.glusterfs(
                v_name, self.name, v.glusterfs, root=self.cluster.storage_root, path=v.path, type=v.type or "Directory"
            )
        if v.host_path is not None:
            return Volume.host_path(v_name, v.host_path, v.type)
        if v.empty_dir is not None:
            return Volume.empty_dir(v_name, medium=v.empty_dir.medium, size_limit=v.empty_dir.size_limit)
        if v.config_map is not None:
            return Volume.from_config_map(v_name, v.config_map, default_mode=v.default_mode)
        if v.secret is not None:
            return Volume.from_secret(
                v_name, v.secret.secret or self.secret_name, default_mode=v.secret.default_mode, items=v.secret.items
            )
        return Volume.nfs(v_name, v.nfs.server, v.nfs.path)

    def _litestream(self) -> Litestream | None:
        ls = self.service.litestream
        if ls is None:
            return None
        workload = self.service.workloads[ls.workload]
        return Litestream(
            self,
            "litestream",
            LitestreamProps(
                config_map_name=ls.config_map or f"{self.name}-litestream",
                namespace=self.service.namespace,
                labels=self._component_labels(ls.component or workload.component),
                image=self.cluster.litestream_image,
                bucket=ls.bucket,
                endpoint=self.cluster.minio_endpoint,
                databases=[(d.path, d.replica, d.replica_path) for d in ls.databases],
                secret_name=self.secret_name,
                restore_resources=ls.restore_resources,
                sidecar_resources=ls.sidecar_resources,
                volume=ls.volume,
                mount_path=ls.mount_path,
                access_key=ls.access_key,
                secret_key=ls.secret_key,
                config_mount=ls.config_mount,
                restore_script=restore_script(ls, self.cluster),
                restore_env=ls.restore_env,
                restore_env_from_secret=ls.restore_env_from_secret,
            ),
        )

    def _pod(
        self, spec: Any, init_containers: dict, containers: dict, volumes: dict, restart_policy: str | None = None
    ) -> PodProps:
        return PodProps(
            containers=containers,
            init_containers=init_containers,
            volumes=[self._volume(n, v) for n, v in volumes.items()],
            placement=spec.placement,
            runtime_class=getattr(spec, "runtime_class", None),
            tolerations=list(getattr(spec, "tolerations", [])),
            security_context=getattr(spec, "security_context", None),
            secret_name=self.secret_name,
            restart_policy=restart_policy,
        )

    def _prerequisites(self, pod: PodProps, *, secret: bool) -> list[Any]:
        """What the pods read when they start, created before them: the service's Secret and the
        ConfigMaps of the service that they mount. (Explicit dependencies rather than references
        to the ConfigMap's name: ``cdktf synth --hcl`` would write those as ``"${...}"``, which
        ``terraform fmt`` rewrites.)"""
        needed = [self.secret.resource] if (secret and self.secret is not None) else []
        own = {name: cm.resource for name, cm in self.config_maps.items()}
        if self.litestream is not None:
            own[self.litestream.config_map.props.name] = self.litestream.config_map.resource
        for volume in pod.volumes:
            if volume.source == "config_map" and volume.settings["name"] in own:
                needed.append(own[volume.settings["name"]])
        return needed

    def _workload(self, wl_name: str, wl: WorkloadSpec) -> None:
        labels = self._component_labels(wl.component, wl.labels)
        selector = self._selector(labels)
        init_containers = with_script(dict(wl.init_containers))
        containers = with_script(dict(wl.containers))
        pod = self._pod(wl, init_containers, containers, wl.volumes)
        ls = self.litestream
        if ls is not None and self.service.litestream.workload == wl_name:
            pod = PodProps(
                **{
                    **pod.__dict__,
                    "init_containers": {"litestream-restore": ls.restore, **init_containers},
                    "containers": {**containers, "litestream": ls.sidecar},
                    "volumes": [*pod.volumes, ls.config_volume],
                }
            )
        workload = Workload(
            self,
            f"workload-{wl_name}",
            WorkloadProps(
                name=wl_name,
                namespace=self.service.namespace,
                labels=labels,
                selector=selector,
                pod=pod,
                kind=wl.kind,
                replicas=wl.replicas,
                strategy=wl.strategy,
                volume_claim_templates=wl.volume_claim_templates,
                depends_on=self._prerequisites(pod, secret=wl.depends_on_secrets),
            ),
        )
        self.workloads[wl_name] = workload
        for svc_name, svc in wl.services.items():
            KubeService(
                self,
                f"service-{svc_name}",
                ServiceProps(
                    name=svc_name,
                    namespace=self.service.namespace,
                    labels=labels,
                    selector=selector,
                    ports=svc.ports,
                    type=svc.type,
                ),
            )

    def _cron_job(self, cj_name: str, cj: Any) -> None:
        pod = self._pod(cj, {}, with_script(dict(cj.containers)), cj.volumes, restart_policy=cj.restart_policy)
        self.cron_jobs[cj_name] = CronJob(
            self,
            f"cron-job-{cj_name}",
            CronJobProps(
                name=cj_name,
                namespace=self.service.namespace,
                labels=self.labels,
                schedule=cj.schedule,
                pod=pod,
                timezone=cj.timezone,
                concurrency_policy=cj.concurrency_policy,
                successful_jobs_history_limit=cj.successful_jobs_history_limit,
                failed_jobs_history_limit=cj.failed_jobs_history_limit,
                backoff_limit=cj.backoff_limit,
                depends_on=self._prerequisites(pod, secret=True),
            ),
        )

    # routing ----------------------------------------------------------------------------
    def _routing(self) -> None:
        for ing_name, ing in self.service.ingresses.items():
            Ingress(
                self,
                f"ingress-{ing_name}",
                IngressProps(
                    name=ing_name,
                    namespace=ing.namespace or self.service.namespace,
                    labels=self.labels if ing.labelled else {},
                    hosts=list(ing.hosts),
                    service=ing.backend.service,
                    port=ing.backend.port,
                    tls_secret=self.cluster.tls_secret,
                ),
            )
        for ir_name, ir in self.service.ingress_routes.items():
            routes = [
                TraefikRoute(
                    match=r.match or route_match(r.host, r.path_prefix),
                    services=[(s.service, s.port) for s in r.services],
                    middlewares=list(r.middlewares),
                    priority=r.priority,
                )
                for r in ir.routes
            ]
            IngressRoute(
                self,
                f"ingress-route-{ir_name}",
                IngressRouteProps(
                    name=ir_name,
                    namespace=self.service.namespace,
                    routes=routes,
                    tls_secret=self.cluster.tls_secret,
                    labels=self._component_labels(ir.component) if ir.labelled else {},
                ),
            )
        for mw_name, mw in self.service.middlewares.items():
            Middleware(
                self,
                f"middleware-{mw_name}",
                MiddlewareProps(
                    name=mw_name,
                    namespace=self.service.namespace,
                    spec=mw.spec,
                    labels=self.labels if mw.labelled else {},
                ),
            )

    def _autoscaling_and_policies(self) -> None:
        for vpa_name, vpa in self.service.vpas.items():
            target = self.service.workloads[vpa.workload]
            VerticalPodAutoscaler(
                self,
                f"vpa-{vpa_name}",
                VpaProps(
                    name=vpa_name,
                    namespace=self.service.namespace,
                    target_kind=target.kind,
                    target=vpa.workload,
                    update_mode=vpa.update_mode,
                    container_policies=[ContainerPolicy(c, b.min, b.max) for c, b in vpa.containers.items()],
                    labels=self.labels,
                    depends_on=[self.workloads[vpa.workload].resource],
                ),
            )
        for np in self.service.network_policies:
            CiliumNetworkPolicy(
                self,
                f"network-policy-{np.name}",
                NetworkPolicyProps(
                    name=np.name,
                    namespace=self.service.namespace,
                    selector=np.selector,
                    allow_from=np.allow_from,
                    ports=np.ports,
                    labels=self.labels,
                    depends_on=[w.resource for w in self.workloads.values()],
                ),
            )
