"""A pod template: containers, probes, env, mounts, volumes and placement, rendered into the
typed structs of whichever resource holds it (Deployment, StatefulSet or CronJob)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.model.pod import Container, Placement, PodSecurityContext, Probe, Toleration
from constructs_lib.k8s.structs import Structs
from constructs_lib.k8s.volume import Volume
from constructs_lib.terraform_text import literal

ARCH_LABEL = "kubernetes.io/arch"
HOSTNAME_LABEL = "kubernetes.io/hostname"


@dataclass(frozen=True)
class PodProps:
    """What runs in the pod and where.

    ``secret_name`` is the Secret that ``{secret: KEY}`` env values and ``env_from_secret`` read
    (the service's ExternalSecret target). Containers keep their order: sidecars come last.
    """

    containers: Mapping[str, Container]
    init_containers: Mapping[str, Container] = field(default_factory=dict)
    volumes: Sequence[Volume] = ()
    placement: Placement = Placement()
    runtime_class: str | None = None
    tolerations: Sequence[Toleration] = ()
    security_context: PodSecurityContext | None = None
    secret_name: str | None = None
    restart_policy: str | None = None


def render_pod_spec(s: Structs, props: PodProps) -> Any:
    """``s`` is rooted at the pod spec struct, e.g. ``Structs(deployment, "DeploymentSpecTemplateSpec")``."""
    placement = props.placement
    node_selector = {}
    if placement.node_arch:
        node_selector[ARCH_LABEL] = placement.node_arch
    if placement.node:
        node_selector[HOSTNAME_LABEL] = placement.node
    return s(
        "",
        container=[_container(s, "Container", n, c, props.secret_name) for n, c in props.containers.items()],
        init_container=[
            _container(s, "InitContainer", n, c, props.secret_name) for n, c in props.init_containers.items()
        ]
        or None,
        volume=[_volume(s, v) for v in props.volumes] or None,
        affinity=_affinity(s, placement),
        node_selector=node_selector or None,
        runtime_class_name=props.runtime_class,
        toleration=[
            s("Toleration", key=t.key, operator=t.operator, effect=t.effect, value=t.value) for t in props.tolerations
        ]
        or None,
        security_context=_pod_security(s, props.security_context),
        restart_policy=props.restart_policy,
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


def _env(s: Structs, kind: str, var: str, value: Any, secret_name: str | None) -> Any:
    if isinstance(value, str):
        return s(f"{kind}Env", name=var, value=literal(value))
    ref = s(f"{kind}EnvValueFromSecretKeyRef", name=value.from_ or secret_name, key=value.secret)
    return s(f"{kind}Env", name=var, value_from=s(f"{kind}EnvValueFrom", secret_key_ref=ref))


def _probe(s: Structs, kind: str, probe: Probe | None, default_port: int | None) -> Any:
    if probe is None:
        return None
    port = probe.port or default_port
    return s(
        kind,
        http_get=s(
            f"{kind}HttpGet",
            path=probe.http,
            port=str(port),
            http_header=[s(f"{kind}HttpGetHttpHeader", name=k, value=v) for k, v in probe.headers.items()] or None,
        )
        if probe.http is not None
        else None,
        exec=s(f"{kind}Exec", command=list(probe.exec)) if probe.exec is not None else None,
        tcp_socket=[s(f"{kind}TcpSocket", port=str(probe.tcp))] if probe.tcp is not None else None,
        initial_delay_seconds=probe.initial_delay,
        period_seconds=probe.period,
        timeout_seconds=probe.timeout,
        failure_threshold=probe.failure_threshold,
    )


def _volume(s: Structs, v: Volume) -> Any:
    st = v.settings
    if v.source == "host_path":
        return s("Volume", name=v.name, host_path=s("VolumeHostPath", path=st["path"], type=st["type"]))
    if v.source == "empty_dir":
        return s("Volume", name=v.name, empty_dir=s("VolumeEmptyDir", medium=st["medium"], size_limit=st["size_limit"]))
    if v.source == "config_map":
        return s(
            "Volume", name=v.name, config_map=s("VolumeConfigMap", name=st["name"], default_mode=st["default_mode"])
        )
    if v.source == "secret":
        items = [s("VolumeSecretItems", key=k, path=p) for k, p in st["items"].items()] or None
        return s(
            "Volume",
            name=v.name,
            secret=s("VolumeSecret", secret_name=st["secret_name"], default_mode=st["default_mode"], items=items),
        )
    if v.source == "nfs":
        return s("Volume", name=v.name, nfs=s("VolumeNfs", server=st["server"], path=st["path"]))
    raise ValueError(f"unknown volume source {v.source!r}")


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
