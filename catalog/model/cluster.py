"""Facts about the cluster itself that every service shares."""

from __future__ import annotations

from typing import Literal

from catalog.model.base import Hostname, Image, Model, Name


class Node(Model):
    arch: Literal["amd64", "arm64"]
    gpu: bool = False


class Cluster(Model):
    """Cluster-wide conventions.

    ``storage_root`` is where GlusterFS is mounted on the storage node; ``glusterfs`` volumes
    live at ``<storage_root>/glusterfs_<service>_<type>``. ``litestream_image`` is the one
    litestream version used for both restore and replicate.
    """

    domain: Hostname
    nodes: dict[Name, Node]
    storage_root: str = "/storage/v"
    tls_secret: Name = "wildcard-brmartin-tls"
    secret_store: Name = "vault-backend"
    minio_endpoint: str
    litestream_image: Image
