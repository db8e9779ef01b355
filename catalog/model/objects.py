"""Catalog shapes of the Kubernetes objects around the pods: workloads, Services, routing,
config, secrets, autoscaling and network policy."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, PlainSerializer, model_validator

from catalog.model.base import Hostname, IngressHost, Model, Name, NodePort, Port, Quantity
from catalog.model.pod import (
    Container,
    Placement,
    PodSecurityContext,
    Resources,
    Toleration,
    Volume,
    VolumeClaimTemplate,
)


@dataclass(frozen=True)
class ServiceRef:
    """A reference ``name:port`` to a Service of the catalog (Ingress backends, IngressRoute
    services), the port by number or by name as Kubernetes allows, parsed once here; the rule
    backend-declared (``rules/declared.py``) finds the Service and the port it names, so a
    dangling reference is a finding, not a 503."""

    service: str
    port: int | str  # a number, or the name of one of the Service's ports

    def __str__(self) -> str:
        return f"{self.service}:{self.port}"


def _service_ref(value: str) -> ServiceRef:
    name, port = value.split(":")
    return ServiceRef(name, int(port) if port.isdigit() else port)


ServiceRefText = Annotated[
    str,
    Field(pattern=r"^[a-z0-9-]+:([0-9]+|[a-z0-9-]+)$"),
    AfterValidator(_service_ref),
    PlainSerializer(str, return_type=str),
]


class ServicePort(Model):
    """``target_port`` unset: the ``port`` itself; ``protocol``: TCP unless stated."""

    port: Port
    target_port: Port | None = None
    name: str | None = None
    node_port: NodePort | None = None
    protocol: Literal["TCP", "UDP", "SCTP"] = "TCP"


class ServiceSpec(Model):
    """A Kubernetes Service selecting the workload's pods, of ``type`` ClusterIP unless stated."""

    ports: list[ServicePort]
    type: Literal["ClusterIP", "NodePort", "LoadBalancer"] = "ClusterIP"

    @model_validator(mode="after")
    def _node_ports_need_type(self) -> ServiceSpec:
        if any(p.node_port is not None for p in self.ports) and self.type != "NodePort":
            raise ValueError("node_port needs type: NodePort")
        return self


class Workload(Model):
    """A Deployment, StatefulSet or CronJob and the Services in front of it.

    ``component`` adds a ``component`` label; ``labels`` adds more (e.g. ``arch``). The selector
    is ``app`` (+ ``component``) unless the service says ``selector: all-labels``.
    """

    kind: Literal["Deployment", "StatefulSet"] = "Deployment"
    component: str | None = None
    labels: dict[str, str] = {}
    replicas: int = Field(default=1, ge=0)
    strategy: Literal["Recreate", "RollingUpdate"] | None = None
    placement: Placement = Placement()
    runtime_class: str | None = None
    tolerations: list[Toleration] = []
    security_context: PodSecurityContext | None = None
    init_containers: dict[Name, Container] = {}
    containers: dict[Name, Container]
    volumes: dict[Name, Volume] = {}
    volume_claim_templates: dict[Name, VolumeClaimTemplate] = {}
    services: dict[Name, ServiceSpec] = {}
    depends_on_secrets: bool = True

    @model_validator(mode="after")
    def _statefulset_only(self) -> Workload:
        if self.volume_claim_templates and self.kind != "StatefulSet":
            raise ValueError("volume_claim_templates need kind: StatefulSet")
        if self.strategy is not None and self.kind != "Deployment":
            # A StatefulSet has updateStrategy, not strategy: the setting would silently vanish.
            raise ValueError("strategy applies to kind: Deployment only")
        if not self.containers:
            raise ValueError("a workload needs at least one container")
        return self


class CronJob(Model):
    """A batch/v1 CronJob running one pod to completion on ``schedule`` (5-field cron). Like the
    workloads, it is created after the service's ExternalSecret, whose Secret its pods read."""

    schedule: str
    timezone: str | None = None
    concurrency_policy: Literal["Allow", "Forbid", "Replace"] = "Forbid"
    successful_jobs_history_limit: int = Field(default=3, ge=0)
    failed_jobs_history_limit: int = Field(default=3, ge=0)
    backoff_limit: int = Field(default=2, ge=0)
    restart_policy: Literal["OnFailure", "Never"] = "OnFailure"
    placement: Placement = Placement()
    containers: dict[Name, Container]
    volumes: dict[Name, Volume] = {}


class IngressRule(Model):
    host: Hostname
    path: str = "/"


class Ingress(Model):
    """A networking.k8s.io/v1 Ingress for Traefik: class ``traefik``, entrypoint ``websecure``,
    TLS with the cluster's wildcard certificate, every host routed to ``backend`` (``name:port``)."""

    hosts: list[IngressHost]
    backend: ServiceRefText
    namespace: Name | None = None
    labelled: bool = True


class Route(Model):
    """One Traefik route. ``host`` + ``path_prefix`` build the match; ``match`` is the raw rule
    for anything else. ``services`` are ``name:port``; middlewares are names in the namespace."""

    host: Hostname | None = None
    path_prefix: str | None = None
    match: str | None = None
    priority: int | None = None
    middlewares: list[Name] = []
    services: list[ServiceRefText] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _no_wildcard_host(cls, data: object) -> object:
        host = data.get("host") if isinstance(data, dict) else None
        if isinstance(host, str) and host.startswith("*."):
            raise ValueError(
                "a wildcard host needs match: HostRegexp(`^[a-z0-9-]+\\.example\\.org$`) "
                "(Traefik's Host() would match it literally)"
            )
        return data

    @model_validator(mode="after")
    def _match_or_host(self) -> Route:
        if self.match is None and self.host is None and self.path_prefix is None:
            raise ValueError("a route needs host, path_prefix or match")
        if self.match is not None and (self.host or self.path_prefix):
            raise ValueError("give either match or host/path_prefix, not both")
        return self


class IngressRoute(Model):
    """A traefik.io/v1alpha1 IngressRoute on ``websecure`` with the wildcard TLS secret."""

    component: str | None = None
    routes: list[Route] = Field(min_length=1)
    labelled: bool = True


class ConfigMap(Model):
    """A ConfigMap. Each ``files`` entry is a project file (path relative to the project root)
    whose text becomes the key's value; ``data`` holds short literal values."""

    component: str | None = None
    files: dict[str, str] = {}
    data: dict[str, str] = {}
    labelled: bool = True


class ExternalSecret(Model):
    """Keys synced from Vault (kv v2 mount ``nomad``) into a Secret named ``<service>-secrets``.

    ``remote_key`` is the Vault path relative to the mount (default ``nomad/default/<service>``);
    each key is both the Secret key and the Vault property. ``creation_policy``: Owner (the
    CRD's own default, so it is written only when it is another).
    """

    name: Name | None = None
    remote_key: str | None = None
    keys: list[str] = Field(min_length=1)
    refresh_interval: str = "1h"
    creation_policy: Literal["Owner", "Orphan", "Merge", "None"] = "Owner"
    labelled: bool = True

    @model_validator(mode="after")
    def _unique_keys(self) -> ExternalSecret:
        dupes = sorted({k for k in self.keys if self.keys.count(k) > 1})
        if dupes:
            raise ValueError(f"secret key {dupes[0]!r} is listed twice")
        return self


class LitestreamDatabase(Model):
    """One SQLite file replicated under ``<bucket>/<replica_path>``."""

    path: str
    replica: str
    replica_path: str


# What the ``plex`` restore script (files/media-centre/plex-restore.sh) restores: file, replica, replica path.
PLEX_DATABASES = {
    ("com.plexapp.plugins.library.db", "library", "library"),
    ("com.plexapp.plugins.library.blobs.db", "blobs", "blobs"),
}


class Litestream(Model):
    """The SQLite pattern: the database lives on an emptyDir (``volume``), a restore init
    container recreates it from MinIO when missing, and a sidecar replicates it continuously.

    Both containers run ``cluster.litestream_image``: 0.3.x and 0.5.x formats are incompatible.
    ``config_mount``: ``file`` mounts ``litestream.yml`` at ``/etc/litestream.yml``, ``directory``
    mounts the ConfigMap at ``/etc/litestream``. ``restore_script`` names the restore builder of
    ``configs/litestream.py``: ``single-database`` (default) restores the first database with the
    mounted config; ``plex`` restores Plex's library and blobs databases (replicas ``library`` and
    ``blobs``) into the directory of the databases, with a config of its own, then hands them to
    Plex's user. ``plex`` reads the credentials as ``MINIO_*``, so it needs ``restore_env: minio``.
    """

    workload: Name
    bucket: str
    databases: list[LitestreamDatabase] = Field(min_length=1)
    volume: Name = "data"
    mount_path: str = "/data"
    config_map: Name | None = None
    config_mount: Literal["file", "directory"] = "file"
    component: str | None = None
    restore_script: Literal["single-database", "plex"] = "single-database"
    restore_env: Literal["litestream", "minio"] = "litestream"
    restore_env_from_secret: bool = False
    access_key: str = "MINIO_ACCESS_KEY"
    secret_key: str = "MINIO_SECRET_KEY"
    restore_resources: Resources
    sidecar_resources: Resources

    @model_validator(mode="after")
    def _plex_restore(self) -> Litestream:
        if self.restore_script != "plex":
            return self
        if self.restore_env != "minio":
            raise ValueError("restore_script plex reads MINIO_ACCESS_KEY/MINIO_SECRET_KEY: set restore_env: minio")
        restored = {(posixpath.basename(d.path), d.replica, d.replica_path) for d in self.databases}
        if restored != PLEX_DATABASES or len({posixpath.dirname(d.path) for d in self.databases}) != 1:
            expected = ", ".join(f"{f} (replica {r}, replica_path {p})" for f, r, p in sorted(PLEX_DATABASES))
            raise ValueError(f"restore_script plex restores exactly {expected}, from one directory")
        return self


class ContainerBounds(Model):
    min: dict[str, Quantity]
    max: dict[str, Quantity]


class Vpa(Model):
    """An autoscaling.k8s.io/v1 VerticalPodAutoscaler on ``workload``; ``Off`` only recommends."""

    workload: Name
    update_mode: Literal["Off", "Initial", "Recreate", "Auto", "InPlaceOrRecreate"] = "Off"
    containers: dict[Name, ContainerBounds] = {}


class NetworkPolicy(Model):
    """A cilium.io/v2 CiliumNetworkPolicy letting pods labelled ``app`` in ``allow_from`` reach
    ``ports`` of the pods labelled ``app: <selector>``."""

    name: Name
    selector: dict[str, str]
    allow_from: list[dict[str, str]] = Field(min_length=1)
    ports: list[Port] = Field(min_length=1)


class Middleware(Model):
    """A traefik.io/v1alpha1 Middleware; ``spec`` is Traefik's own (camelCase) middleware spec,
    checked against the CRD schema at validation."""

    spec: dict[str, object]
    labelled: bool = False


# The rules of the engine (rules/) that a service may waive, with a reason.
RuleName = Literal[
    "backend-declared",
    "sqlite-on-network-storage",
    "litestream-same-image",
    "storage-path",
    "resources-required",
    "image-tag-required",
    "no-ignore-changes",
    "no-literal-secrets",
]


class Waiver(Model):
    """Switches one rule off for this service; ``reason`` is required and reviewed like code."""

    rule: RuleName
    reason: str = Field(min_length=10)
