"""A catalog entry: one service of the cluster and every object it owns."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from catalog.model.base import Model, Name
from catalog.model.objects import (
    ConfigMap,
    CronJob,
    ExternalSecret,
    Ingress,
    IngressRoute,
    Litestream,
    Middleware,
    NetworkPolicy,
    Vpa,
    Waiver,
    Workload,
)


class VaultAuth(Model):
    mount_path: str = "kubernetes"
    role: str
    service_account: str
    service_account_namespace: Name


class ClusterSecretStore(Model):
    """The external-secrets ClusterSecretStore that every ExternalSecret reads through."""

    name: Name
    server: str = Field(pattern=r"^https?://")
    path: str
    version: Literal["v1", "v2"] = "v2"
    auth: VaultAuth
    labelled: bool = False


class Service(Model):
    """One service of the cluster.

    Defaults, as behaviour: ``namespace`` is ``default``; every object carries the labels
    ``app: <service>, managed-by: terraform, environment: <environment>`` unless ``labels``
    replaces them; Services select pods by ``app`` (+ ``component``) unless
    ``selector: all-labels``. Object names are the keys of each section. ``suite`` marks a
    multi-component suite: its package in ``suites/`` validates ``params`` with its own model
    (their shape is the suite's, so the catalog keeps them as they were written) and expands
    the entry with configuration generated from them.
    """

    description: str | None = None
    stack: Literal["kubernetes"] = "kubernetes"
    suite: str | None = Field(None, description="A multi-component suite of suites/; it reads params.")
    namespace: Name = "default"
    environment: Literal["prod", "poc"] = "prod"
    labels: dict[str, str] | None = None
    selector: Literal["app", "all-labels"] = "app"
    secrets: ExternalSecret | None = None
    cluster_secret_store: ClusterSecretStore | None = None
    config_maps: dict[Name, ConfigMap] = {}
    workloads: dict[Name, Workload] = {}
    cron_jobs: dict[Name, CronJob] = {}
    litestream: Litestream | None = None
    ingresses: dict[Name, Ingress] = {}
    ingress_routes: dict[Name, IngressRoute] = {}
    middlewares: dict[Name, Middleware] = {}
    vpas: dict[Name, Vpa] = {}
    network_policies: list[NetworkPolicy] = []
    params: dict[str, Any] | None = Field(None, description="What the suite generates configuration from.")
    waivers: list[Waiver] = []

    def waived(self, rule: str) -> bool:
        return any(w.rule == rule for w in self.waivers)
