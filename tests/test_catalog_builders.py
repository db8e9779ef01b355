"""Scripts that the catalog asks builders of configs/ for, instead of pasting them: a container's
``script`` and litestream's ``restore_script``. Those live in constructs_lib, whose import starts
the jsii kernel: imported by the tests that call them, not when the module is collected."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from catalog.model.objects import Litestream
from catalog.model.pod import Container
from configs.gitlab_runner import runner_config_command

RESOURCES = {"requests": {"cpu": "10m"}, "limits": {"memory": "64Mi"}}
PLEX_DATABASES = [
    {"path": "/data/Databases/com.plexapp.plugins.library.db", "replica": "library", "replica_path": "library"},
    {"path": "/data/Databases/com.plexapp.plugins.library.blobs.db", "replica": "blobs", "replica_path": "blobs"},
]


def _plex(**changes) -> Litestream:
    spec = {
        "workload": "plex",
        "bucket": "plex-litestream",
        "databases": PLEX_DATABASES,
        "volume": "plex-data",
        "restore_script": "plex",
        "restore_env": "minio",
        "restore_resources": RESOURCES,
        "sidecar_resources": RESOURCES,
    }
    return Litestream.model_validate({**spec, **changes})


def test_a_container_script_runs_the_builders_text_with_sh_c():
    from constructs_lib.app import with_script

    container = Container.model_validate(
        {"image": "busybox:1.36", "script": {"builder": "gitlab-runner-config", "runner_name": "k8s-arm64"}}
    )
    built = with_script({"config-generator": container})["config-generator"]
    assert built.command == ["/bin/sh", "-c"]
    assert built.args == [runner_config_command("k8s-arm64")]
    assert built.script is None


def test_containers_without_a_script_are_left_as_written():
    from constructs_lib.app import with_script

    container = Container.model_validate({"image": "busybox:1.36", "command": ["true"]})
    assert with_script({"c": container})["c"] is container


def test_a_script_next_to_command_or_args_is_rejected():
    with pytest.raises(ValidationError, match="either script or command/args"):
        Container.model_validate(
            {"image": "busybox:1.36", "args": ["x"], "script": {"builder": "gitlab-runner-config", "runner_name": "a"}}
        )


def test_a_runner_name_that_would_break_the_sed_expression_is_rejected():
    with pytest.raises(ValidationError, match="runner_name"):
        Container.model_validate(
            {"image": "busybox:1.36", "script": {"builder": "gitlab-runner-config", "runner_name": "a/b"}}
        )


def test_the_plex_restore_script_is_filled_from_the_catalog_and_the_cluster(catalog):
    from constructs_lib.litestream import restore_script

    script = restore_script(_plex(), catalog.cluster, "/etc/litestream.yml")
    assert "DB_DIR=/data/Databases\n" in script
    assert "BUCKET=plex-litestream\n" in script
    assert f"ENDPOINT={catalog.cluster.minio_endpoint}\n" in script


def test_the_single_database_restore_restores_the_first_database_with_the_mounted_config(catalog):
    from constructs_lib.litestream import restore_script

    script = restore_script(_plex(restore_script="single-database"), catalog.cluster, "/etc/litestream.yml")
    assert (
        "CONFIG=/etc/litestream.yml\n" in script
        and "DB_PATH=/data/Databases/com.plexapp.plugins.library.db\n" in script
    )


def test_the_plex_restore_needs_the_minio_credential_names():
    with pytest.raises(ValidationError, match="restore_env: minio"):
        _plex(restore_env="litestream")


def test_the_plex_restore_rejects_databases_its_script_does_not_restore():
    renamed = [{**PLEX_DATABASES[0], "replica": "lib"}, PLEX_DATABASES[1]]
    with pytest.raises(ValidationError, match="restores exactly"):
        _plex(databases=renamed)
