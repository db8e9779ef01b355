"""Pydantic models of services.yaml. Pure data: no cdktf types here, so the catalog outlives cdktf."""

from __future__ import annotations

from catalog.model.acknowledgments import Acknowledgment
from catalog.model.base import Model, Name
from catalog.model.cluster import Cluster, Node
from catalog.model.nomad import Nomad, NomadJob
from catalog.model.service import Service


class Catalog(Model):
    """The whole of services.yaml."""

    cluster: Cluster
    services: dict[Name, Service] = {}
    nomad: Nomad = Nomad()
    acknowledgments: list[Acknowledgment] = []  # data loss consented to (review/, `make diff`)


__all__ = ["Acknowledgment", "Catalog", "Cluster", "Node", "Nomad", "NomadJob", "Service"]
