"""A catalog service turned into its Kubernetes objects: a short dispatcher.

Each section of the entry goes to the construct of its kind together with the entry's
:class:`~constructs_lib.context.Context`; what the catalog says once and a pod runs expanded
(a ``script`` as its shell command, litestream's containers and volume) is expanded here,
as catalog models, before the workload renders it.
"""

from __future__ import annotations

from typing import Any

from cdktf import ITerraformDependable
from constructs import Construct

from catalog.model import Cluster, Service
from catalog.model.objects import CronJob as CronJobSpec
from catalog.model.objects import Workload as WorkloadSpec
from catalog.model.pod import ConfigMapVolume, Container, GitlabRunnerConfigScript
from configs.gitlab_runner import runner_config_command
from constructs_lib.context import Context
from constructs_lib.crds.cilium import CiliumNetworkPolicy
from constructs_lib.crds.external_secret import ClusterSecretStore, ExternalSecret
from constructs_lib.crds.traefik import IngressRoute, Middleware
from constructs_lib.crds.vpa import VerticalPodAutoscaler
from constructs_lib.jsii_speed import ClusterConstruct
from constructs_lib.k8s.config_map import ConfigMap
from constructs_lib.k8s.cron_job import CronJob
from constructs_lib.k8s.ingress import Ingress
from constructs_lib.k8s.service import Service as KubeService
from constructs_lib.k8s.workload import Workload
from constructs_lib.litestream import Litestream

# (YAML path in the service entry, what the text is, the text): what a builder wrote
BuiltText = tuple[tuple[str, ...], str, str]


def build_script(script: GitlabRunnerConfigScript) -> str:
    """The text of a catalog ``script``, written by the builder of configs/ it names (a suite's
    own scripts were written out by its expansion, ``suites/``)."""
    return runner_config_command(script.runner_name)


def with_script(
    containers: dict[str, Container], built: list[BuiltText] | None = None, path: tuple[str, ...] = ()
) -> dict[str, Container]:
    """Containers whose ``script`` became ``command: [/bin/sh, -c]`` + ``args: [<script>]``; each
    script written is added to ``built`` (at ``path + (container, "script")``)."""
    expanded = {}
    for name, c in containers.items():
        if c.script is not None:
            script = build_script(c.script)
            if built is not None:
                built.append(((*path, name, "script"), f"the script of container {name}", script))
            c = c.running(script)
        expanded[name] = c
    return expanded


class App(ClusterConstruct):
    """Every object of one catalog service. Construct ids are the catalog's keys.

    ``built_texts``: the texts builders wrote for the entry (container scripts, litestream's
    config and restore script), which the catalog does not hold: the tree rule
    ``no-literal-secrets`` (rules/tree.py) scans them."""

    def __init__(self, scope: Construct, id: str, *, name: str, service: Service, cluster: Cluster):
        super().__init__(scope, id)
        self.name, self.service, self.cluster = name, service, cluster
        self.ctx = ctx = Context.of(name, service, cluster)
        self.workloads: dict[str, Workload] = {}
        self.cron_jobs: dict[str, CronJob] = {}
        self.built_texts: list[BuiltText] = []
        self.secret = ExternalSecret(self, "external-secret", service.secrets, ctx) if service.secrets else None
        if service.cluster_secret_store is not None:
            ClusterSecretStore(self, "cluster-secret-store", service.cluster_secret_store, ctx)
        self.config_maps = {n: ConfigMap(self, f"config-map-{n}", n, cm, ctx) for n, cm in service.config_maps.items()}
        ls = service.litestream
        self.litestream = Litestream(self, "litestream", ls, ctx, service.workloads[ls.workload]) if ls else None
        if self.litestream is not None:
            self.built_texts += [(("litestream",), what, text) for what, text in self.litestream.built_texts.items()]
        for wl_name, wl in service.workloads.items():
            self._workload(wl_name, wl)
        for cj_name, cj in service.cron_jobs.items():
            scripts = with_script(cj.containers, self.built_texts, ("cron_jobs", cj_name, "containers"))
            cj = cj.model_copy(update={"containers": scripts})
            depends_on = self._prerequisites(cj, secret=True)
            self.cron_jobs[cj_name] = CronJob(self, f"cron-job-{cj_name}", cj_name, cj, ctx, depends_on)
        for ing_name, ing in service.ingresses.items():
            Ingress(self, f"ingress-{ing_name}", ing_name, ing, ctx)
        for ir_name, ir in service.ingress_routes.items():
            IngressRoute(self, f"ingress-route-{ir_name}", ir_name, ir, ctx)
        for mw_name, mw in service.middlewares.items():
            Middleware(self, f"middleware-{mw_name}", mw_name, mw, ctx)
        for vpa_name, vpa in service.vpas.items():
            target = self.workloads[vpa.workload]
            VerticalPodAutoscaler(self, f"vpa-{vpa_name}", vpa_name, vpa, ctx, target.spec.kind, target.resource)
        for np in service.network_policies:
            workloads = [w.resource for w in self.workloads.values()]
            CiliumNetworkPolicy(self, f"network-policy-{np.name}", np, ctx, workloads)

    def _workload(self, wl_name: str, wl: WorkloadSpec) -> None:
        ctx = self.ctx
        labels = ctx.component_labels(wl.component, wl.labels)
        selector = ctx.selector(labels)
        path = ("workloads", wl_name)
        wl = wl.model_copy(
            update={
                "init_containers": with_script(wl.init_containers, self.built_texts, (*path, "init_containers")),
                "containers": with_script(wl.containers, self.built_texts, (*path, "containers")),
            }
        )
        if self.litestream is not None and self.service.litestream.workload == wl_name:
            wl = self.litestream.expand(wl)
        depends_on = self._prerequisites(wl, secret=wl.depends_on_secrets)
        workload = Workload(self, f"workload-{wl_name}", wl_name, wl, ctx, labels, selector, depends_on)
        self.workloads[wl_name] = workload
        for svc_name, svc in wl.services.items():
            KubeService(self, f"service-{svc_name}", svc_name, svc, ctx, workload)

    def _prerequisites(self, pod: WorkloadSpec | CronJobSpec, *, secret: bool) -> list[ITerraformDependable]:
        """What the pods read when they start, created before them: the service's Secret and the
        ConfigMaps of the service that they mount. (Explicit dependencies rather than references
        to the ConfigMap's name: ``cdktf synth --hcl`` would write those as ``"${...}"``, which
        ``terraform fmt`` rewrites.)"""
        needed: list[Any] = [self.secret] if (secret and self.secret is not None) else []
        own = {name: cm for name, cm in self.config_maps.items()}
        if self.litestream is not None:
            own[self.litestream.config_map_name] = self.litestream.config_map
        for volume in pod.volumes.values():
            if isinstance(volume, ConfigMapVolume) and volume.config_map in own:
                needed.append(own[volume.config_map])
        return needed
