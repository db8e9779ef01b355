"""A pod template: containers, probes, env, mounts, volumes and placement, rendered into the
typed structs of whichever resource holds it (Deployment, StatefulSet or CronJob)."""

from __future__ import annotations

from typing import Any

from catalog.model.objects import CronJob, Workload
from catalog.model.pod import (
    ConfigMapVolume,
    Container,
    EmptyDirVolume,
    EnvValue,
    ExecProbe,
    GlusterfsVolume,
    HostPathVolume,
    HttpProbe,
    NfsVolume,
    Placement,
    PodSecurityContext,
    Probe,
    SecretRef,
    SecretVolume,
    TcpProbe,
    Volume,
)
from constructs_lib.context import Context
from constructs_lib.k8s.structs import Structs
from constructs_lib.terraform_text import literal

ARCH_LABEL = "kubernetes.io/arch"
HOSTNAME_LABEL = "kubernetes.io/hostname"


def render_pod_spec(s: Structs, pod: Workload | CronJob, ctx: Context) -> Any:
    """The pod spec of an expanded workload or cron job (sidecars already among its containers,
    scripts already commands); ``s`` is rooted at the pod spec struct, e.g.
    ``Structs(deployment, "DeploymentSpecTemplateSpec")``. Containers keep their order."""
    placement = pod.placement
    node_selector = {}
    if placement.node_arch:
        node_selector[ARCH_LABEL] = placement.node_arch
    if placement.node:
        node_selector[HOSTNAME_LABEL] = placement.node
    init_containers = pod.init_containers if isinstance(pod, Workload) else {}
    return s(
        "",
        container=[_container(s, "Container", n, c, ctx.secret_name) for n, c in pod.containers.items()],
        init_container=[_container(s, "InitContainer", n, c, ctx.secret_name) for n, c in init_containers.items()]
        or None,
        volume=[_volume(s, n, v, ctx) for n, v in pod.volumes.items()] or None,
        affinity=_affinity(s, placement),
        node_selector=node_selector or None,
        runtime_class_name=getattr(pod, "runtime_class", None),
        toleration=[
            s("Toleration", key=t.key, operator=t.operator, effect=t.effect, value=t.value)
            for t in getattr(pod, "tolerations", [])
        ]
        or None,
        security_context=_pod_security(s, getattr(pod, "security_context", None)),
        restart_policy=getattr(pod, "restart_policy", None),
    )


def _container(s: Structs, kind: str, name: str, c: Container, secret_name: str | None) -> Any:
    first_port = c.ports[0].port if c.ports else None
    return s(
        kind,
        name=name,
        image=c.image,
        command=[literal(a) for a in c.command] if c.command is not None else None,
        args=[literal(a) for a in c.args] if c.args is not None else None,
        port=[s(f"{kind}Port", container_port=p.port, name=p.name, host_port=p.host_port) for p in c.ports] or None,
        env=[_env(s, kind, var, value, secret_name) for item in c.env for var, value in item.items()] or None,
        env_from=[s(f"{kind}EnvFrom", secret_ref=s(f"{kind}EnvFromSecretRef", name=secret_name))]
        if c.env_from_secret
        else None,
        volume_mount=[
            s(f"{kind}VolumeMount", name=m.volume, mount_path=m.path, sub_path=m.sub_path, read_only=m.read_only)
            for m in c.mounts
        ]
        or None,
        resources=s(
            f"{kind}Resources", requests=dict(c.resources.requests) or None, limits=dict(c.resources.limits) or None
        )
        if (c.resources.requests or c.resources.limits)
        else None,
        liveness_probe=_probe(s, f"{kind}LivenessProbe", c.liveness, first_port),
        readiness_probe=_probe(s, f"{kind}ReadinessProbe", c.readiness, first_port),
        startup_probe=_probe(s, f"{kind}StartupProbe", c.startup, first_port),
        security_context=s(
            f"{kind}SecurityContext",
            privileged=c.security_context.privileged,
            run_as_user=_str(c.security_context.run_as_user),
            run_as_group=_str(c.security_context.run_as_group),
        )
        if c.security_context
        else None,
    )


def _str(value: int | None) -> str | None:
    return None if value is None else str(value)


def _env(s: Structs, kind: str, var: str, value: EnvValue, secret_name: str | None) -> Any:
    match value:
        case str():
            return s(f"{kind}Env", name=var, value=literal(value))
        case SecretRef(secret=key, from_=secret):
            ref = s(f"{kind}EnvValueFromSecretKeyRef", name=secret or secret_name, key=key)
            return s(f"{kind}Env", name=var, value_from=s(f"{kind}EnvValueFrom", secret_key_ref=ref))


def _probe(s: Structs, kind: str, probe: Probe | None, default_port: int | None) -> Any:
    if probe is None:
        return None
    action: dict[str, Any] = {}
    match probe:
        case HttpProbe(http=path):
            headers = [s(f"{kind}HttpGetHttpHeader", name=k, value=v) for k, v in probe.headers.items()]
            port = str(probe.port or default_port)
            action["http_get"] = s(f"{kind}HttpGet", path=path, port=port, http_header=headers or None)
        case ExecProbe(exec=command):
            action["exec"] = s(f"{kind}Exec", command=list(command))
        case TcpProbe(tcp=port):
            action["tcp_socket"] = [s(f"{kind}TcpSocket", port=str(port))]
    return s(
        kind,
        **action,
        initial_delay_seconds=probe.initial_delay,
        period_seconds=probe.period,
        timeout_seconds=probe.timeout,
        failure_threshold=probe.failure_threshold,
    )


def _volume(s: Structs, name: str, v: Volume, ctx: Context) -> Any:
    match v:
        case GlusterfsVolume():
            path = v.node_path(ctx.service, ctx.cluster.storage_root)
            return s("Volume", name=name, host_path=s("VolumeHostPath", path=path, type=v.type or "Directory"))
        case HostPathVolume(host_path=path):
            return s("Volume", name=name, host_path=s("VolumeHostPath", path=path, type=v.type))
        case EmptyDirVolume(empty_dir=ed):
            return s("Volume", name=name, empty_dir=s("VolumeEmptyDir", medium=ed.medium, size_limit=ed.size_limit))
        case ConfigMapVolume(config_map=cm):
            return s("Volume", name=name, config_map=s("VolumeConfigMap", name=cm, default_mode=v.default_mode))
        case SecretVolume(secret=sv):
            items = [s("VolumeSecretItems", key=k, path=p) for k, p in sv.items.items()] or None
            secret = s(
                "VolumeSecret", secret_name=sv.secret or ctx.secret_name, default_mode=sv.default_mode, items=items
            )
            return s("Volume", name=name, secret=secret)
        case NfsVolume(nfs=nfs):
            return s("Volume", name=name, nfs=s("VolumeNfs", server=nfs.server, path=nfs.path))
    raise ValueError(f"volume {name!r}: unknown source {type(v).__name__}")


def _affinity(s: Structs, placement: Placement) -> Any:
    if not placement.arch and not placement.prefer_arch:
        return None
    a = s.nested("AffinityNodeAffinity")
    required = preferred = None
    if placement.arch:
        expr = a(
            "RequiredDuringSchedulingIgnoredDuringExecutionNodeSelectorTermMatchExpressions",
            key=ARCH_LABEL,
            operator="In",
            values=list(placement.arch),
        )
        term = a("RequiredDuringSchedulingIgnoredDuringExecutionNodeSelectorTerm", match_expressions=[expr])
        required = a("RequiredDuringSchedulingIgnoredDuringExecution", node_selector_term=[term])
    if placement.prefer_arch:
        expr = a(
            "PreferredDuringSchedulingIgnoredDuringExecutionPreferenceMatchExpressions",
            key=ARCH_LABEL,
            operator="In",
            values=[placement.prefer_arch],
        )
        preference = a("PreferredDuringSchedulingIgnoredDuringExecutionPreference", match_expressions=[expr])
        preferred = [a("PreferredDuringSchedulingIgnoredDuringExecution", weight=100, preference=preference)]
    node_affinity = s(
        "AffinityNodeAffinity",
        required_during_scheduling_ignored_during_execution=required,
        preferred_during_scheduling_ignored_during_execution=preferred,
    )
    return s("Affinity", node_affinity=node_affinity)


def _pod_security(s: Structs, ctx: PodSecurityContext | None) -> Any:
    if ctx is None:
        return None
    return s(
        "SecurityContext",
        fs_group=_str(ctx.fs_group),
        supplemental_groups=list(ctx.supplemental_groups) if ctx.supplemental_groups is not None else None,
    )
