"""The cluster's SQLite pattern.

SQLite must never sit on GlusterFS (its locking breaks over the network). The database lives
on a pod-local volume; an init container restores it from MinIO when it is missing, and a
sidecar replicates every change back. Restore and replicate run the same litestream image:
0.3.x and 0.5.x replicas are not readable by each other.
"""

from __future__ import annotations

import posixpath

from constructs import Construct

from catalog.model import Cluster
from catalog.model.objects import ConfigMap as ConfigMapSpec
from catalog.model.objects import Litestream as LitestreamSpec
from catalog.model.objects import Workload as WorkloadSpec
from catalog.model.pod import ConfigMapVolume, Container
from configs.litestream import litestream_config, litestream_restore_script, plex_restore_script
from constructs_lib.context import Context
from constructs_lib.jsii_speed import ClusterConstruct
from constructs_lib.k8s.config_map import ConfigMap

CONFIG_VOLUME = "litestream-config"
CONFIG_FILE = "litestream.yml"


def restore_script(ls: LitestreamSpec, cluster: Cluster, config_path: str) -> str:
    """The restore init container's script: the builder of configs/litestream.py ``ls`` names."""
    if ls.restore_script == "plex":
        db_dir = posixpath.dirname(ls.databases[0].path)
        return plex_restore_script(ls.bucket, cluster.minio_endpoint, db_dir=db_dir)
    return litestream_restore_script(ls.databases[0].path, config_path)


class Litestream(ClusterConstruct):
    """Creates the config ConfigMap; :meth:`expand` adds to the workload what litestream runs in
    its pod: the restore init container (first), the sidecar (last) and the config volume.

    ``config_mount`` ``file``: ``/etc/litestream.yml``; ``directory``: ``/etc/litestream/``.
    ``restore_env`` ``litestream`` passes the credentials as ``LITESTREAM_*`` (read by the
    litestream CLI), ``minio`` as ``MINIO_*`` (read by the plex script)."""

    def __init__(self, scope: Construct, id: str, ls: LitestreamSpec, ctx: Context, workload: WorkloadSpec):
        super().__init__(scope, id)
        cluster = ctx.cluster
        self.config_map_name = ls.config_map or f"{ctx.service}-litestream"
        databases = [(d.path, d.replica, d.replica_path) for d in ls.databases]
        config_text = litestream_config(databases, ls.bucket, cluster.minio_endpoint)
        config = ConfigMapSpec(component=ls.component or workload.component, data={CONFIG_FILE: config_text})
        self.config_map = ConfigMap(self, "config", self.config_map_name, config, ctx)
        if ls.config_mount == "file":
            config_path = f"/etc/{CONFIG_FILE}"
            config_mount = {"volume": CONFIG_VOLUME, "path": config_path, "sub_path": CONFIG_FILE}
        else:
            config_path = f"/etc/litestream/{CONFIG_FILE}"
            config_mount = {"volume": CONFIG_VOLUME, "path": "/etc/litestream"}
        data_mount = {"volume": ls.volume, "path": ls.mount_path}

        def secret(key: str) -> dict[str, object]:
            return {"secret": key, "from": ctx.secret_name}

        litestream_env = [
            {"LITESTREAM_ACCESS_KEY_ID": secret(ls.access_key)},
            {"LITESTREAM_SECRET_ACCESS_KEY": secret(ls.secret_key)},
        ]
        script = restore_script(ls, cluster, config_path)
        # what the builders of configs/litestream.py wrote (the catalog does not hold it; rules/tree.py scans it)
        self.built_texts = {f"litestream's config {CONFIG_FILE}": config_text, "litestream's restore script": script}
        restore_mounts = [data_mount] if ls.restore_script == "plex" else [data_mount, config_mount]
        restore_env = (
            litestream_env
            if ls.restore_env == "litestream"
            else [{"MINIO_ACCESS_KEY": secret(ls.access_key)}, {"MINIO_SECRET_KEY": secret(ls.secret_key)}]
        )
        self.restore = Container.model_validate(
            {
                "image": cluster.litestream_image,
                "command": ["/bin/sh", "-c"],
                "args": [script],
                "env": restore_env,
                "env_from_secret": ls.restore_env_from_secret,
                "mounts": restore_mounts,
                "resources": ls.restore_resources.model_dump(),
            }
        )
        self.sidecar = Container.model_validate(
            {
                "image": cluster.litestream_image,
                "args": ["replicate", "-config", config_path],
                "env": litestream_env,
                "mounts": [data_mount, config_mount],
                "resources": ls.sidecar_resources.model_dump(),
            }
        )

    def expand(self, wl: WorkloadSpec) -> WorkloadSpec:
        return wl.model_copy(
            update={
                "init_containers": {"litestream-restore": self.restore, **wl.init_containers},
                "containers": {**wl.containers, "litestream": self.sidecar},
                "volumes": {**wl.volumes, CONFIG_VOLUME: ConfigMapVolume(config_map=self.config_map_name)},
            }
        )
