"""The cluster's SQLite pattern.

SQLite must never sit on GlusterFS (its locking breaks over the network). The database lives
on a pod-local volume; an init container restores it from MinIO when it is missing, and a
sidecar replicates every change back. Restore and replicate run the same litestream image:
0.3.x and 0.5.x replicas are not readable by each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from constructs import Construct

from catalog.model.pod import Container, Resources
from configs.litestream import litestream_config, litestream_restore_script
from constructs_lib.base import ClusterConstruct
from constructs_lib.k8s.config_map import ConfigMap, ConfigMapProps
from constructs_lib.k8s.volume import Volume

CONFIG_VOLUME = "litestream-config"
CONFIG_FILE = "litestream.yml"


@dataclass(frozen=True)
class LitestreamProps:
    """``databases``: ``(path, replica name, replica path)`` of each SQLite file, all replicated
    to ``bucket`` at ``endpoint``. ``volume`` is the pod volume holding them, mounted at
    ``mount_path``. ``secret_name``/``access_key``/``secret_key`` say where the MinIO
    credentials are. ``config_mount`` ``file``: ``/etc/litestream.yml``; ``directory``:
    ``/etc/litestream/``. ``restore_script`` None: the generic single-database script.
    ``restore_env`` ``litestream`` passes the credentials as ``LITESTREAM_*`` (read by the
    litestream CLI), ``minio`` as ``MINIO_*`` (read by a custom script)."""

    config_map_name: str
    namespace: str
    labels: Mapping[str, str]
    image: str
    bucket: str
    endpoint: str
    databases: Sequence[tuple[str, str, str]]
    secret_name: str
    restore_resources: Resources
    sidecar_resources: Resources
    volume: str = "data"
    mount_path: str = "/data"
    access_key: str = "MINIO_ACCESS_KEY"
    secret_key: str = "MINIO_SECRET_KEY"
    config_mount: Literal["file", "directory"] = "file"
    restore_script: str | None = None
    restore_env: Literal["litestream", "minio"] = "litestream"
    restore_env_from_secret: bool = False
    extra_labels: Mapping[str, str] = field(default_factory=dict)


class Litestream(ClusterConstruct):
    """Creates the config ConfigMap and exposes what the workload adds to its pod:
    ``restore`` (init container), ``sidecar`` (container) and ``config_volume``."""

    def __init__(self, scope: Construct, id: str, props: LitestreamProps):
        super().__init__(scope, id)
        self.config_map = ConfigMap(
            self,
            "config",
            ConfigMapProps(
                name=props.config_map_name,
                namespace=props.namespace,
                labels=props.labels,
                data={CONFIG_FILE: litestream_config(list(props.databases), props.bucket, props.endpoint)},
            ),
        )
        self.config_volume = Volume.from_config_map(CONFIG_VOLUME, props.config_map_name)
        if props.config_mount == "file":
            config_path = f"/etc/{CONFIG_FILE}"
            config_mount = {"volume": CONFIG_VOLUME, "path": config_path, "sub_path": CONFIG_FILE}
        else:
            config_path = f"/etc/litestream/{CONFIG_FILE}"
            config_mount = {"volume": CONFIG_VOLUME, "path": "/etc/litestream"}
        data_mount = {"volume": props.volume, "path": props.mount_path}

        def secret(key: str) -> dict[str, object]:
            return {"secret": key, "from": props.secret_name}

        litestream_env = [
            {"LITESTREAM_ACCESS_KEY_ID": secret(props.access_key)},
            {"LITESTREAM_SECRET_ACCESS_KEY": secret(props.secret_key)},
        ]
        if props.restore_script is None:
            script = litestream_restore_script(props.databases[0][0], config_path)
            restore_mounts = [data_mount, config_mount]
        else:
            script = props.restore_script
            restore_mounts = [data_mount]
        restore_env = (
            litestream_env
            if props.restore_env == "litestream"
            else [{"MINIO_ACCESS_KEY": secret(props.access_key)}, {"MINIO_SECRET_KEY": secret(props.secret_key)}]
        )
        self.restore = Container.model_validate(
            {
                "image": props.image,
                "command": ["/bin/sh", "-c"],
                "args": [script],
                "env": restore_env,
                "mounts": restore_mounts,
                "resources": props.restore_resources.model_dump(),
            }
        )
        if props.restore_env_from_secret:
            self.restore = self.restore.model_copy(update={"env_from_secret": True})
        self.sidecar = Container.model_validate(
            {
                "image": props.image,
                "args": ["replicate", "-config", config_path],
                "env": litestream_env,
                "mounts": [data_mount, config_mount],
                "resources": props.sidecar_resources.model_dump(),
            }
        )
