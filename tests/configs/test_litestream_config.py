"""Litestream: the replication configs of overseerr and plex, and the two restore scripts run for real
against a fake ``litestream`` that logs its calls."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import yaml
from config_test_helpers import (
    FILES,
    assert_valid_sh,
    fake_program,
    kubelet_references,
    reference_resource,
    run_sh,
)

from configs.files import set_shell_variables
from configs.litestream import litestream_config, litestream_restore_script, plex_restore_script
from tests.no_skips import require

ENDPOINT = "http://minio-api.default.svc.cluster.local:9000"
OVERSEERR_DBS = [("/data/db/db.sqlite3", "overseerr", "db")]
PLEX_DBS = [
    ("/data/Databases/com.plexapp.plugins.library.db", "library", "library"),
    ("/data/Databases/com.plexapp.plugins.library.blobs.db", "blobs", "blobs"),
]


def replica(bucket: str, name: str, path: str) -> dict[str, object]:
    return {
        "bucket": bucket,
        "endpoint": ENDPOINT,
        "force-path-style": True,
        "name": name,
        "path": path,
        "retention": "168h",
        "retention-check-interval": "1h",
        "snapshot-interval": "1h",
        "sync-interval": "5m",
        "type": "s3",
    }


def test_overseerr_config_has_one_database_with_one_s3_replica_and_the_retention_policy():
    parsed = yaml.safe_load(litestream_config(OVERSEERR_DBS, "overseerr-litestream", ENDPOINT))
    assert parsed == {
        "dbs": [{"path": "/data/db/db.sqlite3", "replicas": [replica("overseerr-litestream", "overseerr", "db")]}]
    }


def test_plex_config_replicates_library_and_blobs_databases_to_their_own_paths():
    parsed = yaml.safe_load(litestream_config(PLEX_DBS, "plex-litestream", ENDPOINT))
    assert parsed == {
        "dbs": [
            {"path": path, "replicas": [replica("plex-litestream", name, replica_path)]}
            for path, name, replica_path in PLEX_DBS
        ]
    }


@pytest.mark.parametrize(
    ("databases", "bucket", "sha256_prefix"),
    [(OVERSEERR_DBS, "overseerr-litestream", "be779ad773a0a971"), (PLEX_DBS, "plex-litestream", "664570c515ac56a8")],
)
def test_configs_are_byte_identical_to_the_running_configmaps(databases, bucket, sha256_prefix):
    # The prefixes are the sha256 of the original ConfigMap values, recorded in oracle-facts.json.
    text = litestream_config(databases, bucket, ENDPOINT)
    assert hashlib.sha256(text.encode()).hexdigest()[:16] == sha256_prefix


@pytest.mark.parametrize(
    ("module", "config_map", "databases", "bucket"),
    [
        ("k8s_overseerr", "overseerr-litestream", OVERSEERR_DBS, "overseerr-litestream"),
        ("k8s_media_centre", "plex-litestream-config", PLEX_DBS, "plex-litestream"),
    ],
)
def test_configs_equal_the_reference_facts(module, config_map, databases, bucket):
    facts = reference_resource(module, config_map, "ConfigMap")["data"]["litestream.yml"]["facts"]
    assert yaml.safe_load(litestream_config(databases, bucket, ENDPOINT)) == facts


# --- generic single-database restore (overseerr) ---------------------------------------------------


@pytest.fixture
def sandbox(tmp_path: Path) -> dict[str, Path]:
    paths = {"bin": tmp_path / "bin", "log": tmp_path / "calls.log", "db": tmp_path / "data" / "db" / "db.sqlite3"}
    paths["log"].touch()
    return paths


def restore(sandbox: dict[str, Path], litestream_body: str):
    fake_program(sandbox["bin"], "litestream", litestream_body)
    script = litestream_restore_script(str(sandbox["db"]), "/etc/litestream.yml")
    return run_sh(script, bin_dir=sandbox["bin"], env={"LOG": str(sandbox["log"])})


def test_restore_script_is_valid_sh_without_kubelet_references():
    script = litestream_restore_script("/data/db/db.sqlite3", "/etc/litestream.yml")
    assert_valid_sh(script)
    assert kubelet_references(script) == []


def test_restore_skips_when_database_exists(sandbox):
    sandbox["db"].parent.mkdir(parents=True)
    sandbox["db"].write_text("existing")
    result = restore(sandbox, "exit 1")
    assert result.returncode == 0
    assert sandbox["log"].read_text() == ""
    assert sandbox["db"].read_text() == "existing"


def test_restore_creates_the_database_directory_and_restores_with_the_config(sandbox):
    result = restore(sandbox, 'for last; do :; done; echo restored > "$last"')
    assert result.returncode == 0, result.stderr
    assert sandbox["log"].read_text().split() == [
        "litestream",
        "restore",
        "-config",
        "/etc/litestream.yml",
        "-if-replica-exists",
        str(sandbox["db"]),
    ]
    assert sandbox["db"].read_text() == "restored\n"
    assert "WARNING" not in result.stderr


def test_restore_warns_and_succeeds_when_no_backup_exists(sandbox):
    result = restore(sandbox, "exit 0")
    assert result.returncode == 0
    assert "no backup" in result.stderr
    assert sandbox["db"].parent.is_dir()
    assert not sandbox["db"].exists()


def test_restore_warns_and_succeeds_when_litestream_fails(sandbox):
    result = restore(sandbox, "exit 1")
    assert result.returncode == 0
    assert "WARNING" in result.stderr


def test_restore_file_refuses_to_run_with_its_values_unfilled(sandbox):
    fake_program(sandbox["bin"], "litestream", "exit 0")
    raw = (FILES / "litestream" / "restore.sh").read_text()
    result = run_sh(raw, bin_dir=sandbox["bin"], env={"LOG": str(sandbox["log"])})
    assert result.returncode == 1
    assert sandbox["log"].read_text() == ""


def test_set_shell_variables_quotes_values_and_rejects_unknown_names():
    filled = set_shell_variables("A=\nB=\n", {"A": "two words; rm -rf /"})
    assert run_sh(filled + 'printf %s "$A"').stdout == "two words; rm -rf /"
    with pytest.raises(KeyError):
        set_shell_variables("A=\n", {"C": "x"})


# --- plex two-database restore -------------------------------------------------------------------

CAPTURE_CONFIG = (
    'cp "$3" "$CAPTURE"\n'
    'printf "%s %s\\n" "$LITESTREAM_ACCESS_KEY_ID" "$LITESTREAM_SECRET_ACCESS_KEY" >> "$CAPTURE.env"\n'
)


def plex_restore(tmp_path: Path, litestream_body: str):
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    log.touch()
    fake_program(bin_dir, "litestream", litestream_body)
    db_dir = tmp_path / "Databases"
    script = plex_restore_script("plex-litestream", ENDPOINT, db_dir=str(db_dir), temp_config=str(tmp_path / "ls.yml"))
    env = {
        "LOG": str(log),
        "CAPTURE": str(tmp_path / "captured.yml"),
        "MINIO_ACCESS_KEY": "test-access",
        "MINIO_SECRET_KEY": "test-secret",
    }
    return run_sh(script, bin_dir=bin_dir, env=env), db_dir, log


def test_plex_restore_script_is_valid_sh_without_kubelet_references():
    script = plex_restore_script("plex-litestream", ENDPOINT)
    assert_valid_sh(script)
    assert kubelet_references(script) == []


def test_plex_restore_skips_when_library_database_exists(tmp_path):
    db_dir = tmp_path / "Databases"
    db_dir.mkdir()
    (db_dir / "com.plexapp.plugins.library.db").write_text("existing")
    result, _, log = plex_restore(tmp_path, "exit 1")
    assert result.returncode == 0
    assert log.read_text() == ""


def test_plex_restore_writes_a_temp_config_for_both_databases_with_credentials_only_in_env(tmp_path):
    result, db_dir, log = plex_restore(tmp_path, CAPTURE_CONFIG)
    assert result.returncode == 0, result.stderr
    captured = (tmp_path / "captured.yml").read_text()
    assert yaml.safe_load(captured) == {
        "dbs": [
            {
                "path": str(db_dir / file),
                "replicas": [
                    {
                        "name": name,
                        "type": "s3",
                        "bucket": "plex-litestream",
                        "path": name,
                        "endpoint": ENDPOINT,
                        "force-path-style": True,
                    }
                ],
            }
            for file, name in [
                ("com.plexapp.plugins.library.db", "library"),
                ("com.plexapp.plugins.library.blobs.db", "blobs"),
            ]
        ]
    }
    assert "test-secret" not in captured
    assert (tmp_path / "captured.yml.env").read_text().splitlines() == ["test-access test-secret"] * 2
    restored = [line.split()[-1] for line in log.read_text().splitlines()]
    assert restored == [
        str(db_dir / "com.plexapp.plugins.library.db"),
        str(db_dir / "com.plexapp.plugins.library.blobs.db"),
    ]
    assert not (tmp_path / "ls.yml").exists(), "the temp config is removed after the restore"


def test_plex_restore_warns_for_each_failed_database_and_still_succeeds(tmp_path):
    result, db_dir, log = plex_restore(tmp_path, "exit 1")
    assert result.returncode == 0
    assert result.stderr.count("WARNING: could not restore") == 2
    assert len(log.read_text().splitlines()) == 2


def test_plex_restore_hands_the_database_directory_to_the_plex_user(tmp_path):
    require(os.geteuid() == 0, "chown to 990:997 needs root")
    result, db_dir, _ = plex_restore(tmp_path, 'for last; do :; done; echo restored > "$last"')
    assert result.returncode == 0, result.stderr
    for path in [db_dir, *db_dir.iterdir()]:
        assert (path.stat().st_uid, path.stat().st_gid) == (990, 997)
