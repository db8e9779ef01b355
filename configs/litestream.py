"""Litestream: the replication config and the restore scripts of the init containers."""

from __future__ import annotations

from collections.abc import Sequence

from configs.files import project_file, set_shell_variables
from configs.tfencode import yamlencode

# How long and how often every replica keeps and takes snapshots, the same for all databases.
REPLICA_POLICY = {
    "retention": "168h",
    "retention-check-interval": "1h",
    "snapshot-interval": "1h",
    "sync-interval": "5m",
}


def litestream_config(databases: Sequence[tuple[str, str, str]], bucket: str, endpoint: str) -> str:
    """litestream.yml replicating each ``(path, replica name, replica path)`` to one S3 replica
    in ``bucket`` at ``endpoint`` (MinIO, hence path-style addressing)."""
    dbs = [
        {
            "path": path,
            "replicas": [
                {
                    "type": "s3",
                    "name": name,
                    "bucket": bucket,
                    "path": replica_path,
                    "endpoint": endpoint,
                    "force-path-style": True,
                    **REPLICA_POLICY,
                }
            ],
        }
        for path, name, replica_path in databases
    ]
    return yamlencode({"dbs": dbs})


def litestream_restore_script(db_path: str, config_path: str) -> str:
    """Init-container script (``/bin/sh -c``) that restores ``db_path`` with ``config_path``
    unless the database already exists; a missing backup only warns."""
    return set_shell_variables(project_file("litestream/restore.sh"), {"DB_PATH": db_path, "CONFIG": config_path})


def plex_restore_script(
    bucket: str,
    endpoint: str,
    db_dir: str = "/data/Databases",
    temp_config: str = "/tmp/litestream.yml",
) -> str:
    """Init-container script (``/bin/sh -c``) restoring both Plex databases of ``db_dir`` from
    ``bucket`` at ``endpoint``, with the MinIO credentials of ``MINIO_ACCESS_KEY``/``MINIO_SECRET_KEY``."""
    return set_shell_variables(
        project_file("media-centre/plex-restore.sh"),
        {"DB_DIR": db_dir, "BUCKET": bucket, "ENDPOINT": endpoint, "TEMP_CONFIG": temp_config},
    )
