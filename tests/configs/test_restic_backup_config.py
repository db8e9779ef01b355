"""restic-backup: backup.sh run for real (as the CronJob runs it, ``/bin/sh /config/backup.sh``) against a
fake ``restic`` that logs its calls, and the exclude list."""

from __future__ import annotations

import subprocess
from pathlib import Path

from config_test_helpers import FILES, assert_valid_sh, fake_program, reference_resource

SCRIPT = FILES / "restic-backup" / "backup.sh"
EXCLUDES = FILES / "restic-backup" / "excludes.txt"
BACKUP_FLAGS = [
    "--verbose",
    "--tag",
    "glusterfs",
    "--tag",
    "scheduled",
    "--iexclude-file=/config/excludes.txt",
    "--exclude-caches",
    "--exclude-if-present",
    ".nobackup",
    "--one-file-system",
    "--skip-if-unchanged",
]
# Logs each call with the environment restic reads; `snapshots` fails while $REPO_MISSING is set.
FAKE_RESTIC = """
echo "env $RESTIC_REPOSITORY $RESTIC_PASSWORD_FILE" >> "$LOG"
case "$1" in
  snapshots) [ -z "$REPO_MISSING" ] ;;
  backup) [ -z "$BACKUP_FAILS" ] ;;
esac
"""


def run_backup(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    log = tmp_path / "calls.log"
    log.touch()
    fake_program(tmp_path / "bin", "restic", FAKE_RESTIC)
    result = subprocess.run(
        ["sh", str(SCRIPT)],
        env={"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "LOG": str(log), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line.split() for line in log.read_text().splitlines()]
    calls = [line[1:] for line in lines if line[0] == "restic"]
    environments = {tuple(line[1:]) for line in lines if line[0] == "env"}
    assert environments <= {("/repo", "/secrets/password")}, environments
    return result, calls


def test_backup_script_is_valid_sh():
    assert_valid_sh(SCRIPT.read_text())


def test_backup_initialises_a_missing_repository_then_backs_up_prunes_and_checks(tmp_path):
    result, calls = run_backup(tmp_path, REPO_MISSING="1")
    assert result.returncode == 0, result.stderr
    assert [call[0] for call in calls] == ["snapshots", "init", "backup", "forget", "check"]


def test_backup_of_an_existing_repository_skips_init(tmp_path):
    result, calls = run_backup(tmp_path)
    assert result.returncode == 0, result.stderr
    assert [call[0] for call in calls] == ["snapshots", "backup", "forget", "check"]


def test_backup_covers_data_with_tags_excludes_and_change_detection(tmp_path):
    _, calls = run_backup(tmp_path)
    backup = next(call for call in calls if call[0] == "backup")
    assert backup[1:] == [*BACKUP_FLAGS, "/data"]


def test_retention_keeps_7_daily_4_weekly_6_monthly_and_prunes(tmp_path):
    _, calls = run_backup(tmp_path)
    forget = next(call for call in calls if call[0] == "forget")
    options = dict(zip(forget[1::2], forget[2::2]))
    assert options == {"--keep-daily": "7", "--keep-weekly": "4", "--keep-monthly": "6"}
    assert forget[-1] == "--prune"


def test_a_failed_backup_fails_the_job_before_pruning(tmp_path):
    result, calls = run_backup(tmp_path, BACKUP_FAILS="1")
    assert result.returncode != 0
    assert [call[0] for call in calls] == ["snapshots", "backup"]


def exclude_patterns() -> list[str]:
    lines = (line.strip() for line in EXCLUDES.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def test_excludes_skip_transient_files_sqlite_journals_caches_and_plex_and_model_data():
    assert exclude_patterns() == [
        "*.tmp",
        "*.log",
        "*.sock",
        "*-wal",
        "*-shm",
        "cache",
        ".cache",
        "logs",
        "log",
        "codecs",
        "crash reports",
        "diagnostics",
        "updates",
        "media",
        "metadata",
        "transcodes",
        "glusterfs_ollama_data",
    ]


def test_excludes_equal_the_reference_patterns():
    facts = reference_resource("k8s_restic_backup", "restic-backup-scripts", "ConfigMap")["data"]
    assert exclude_patterns() == facts["excludes.txt"]["facts"]["patterns"]


def test_backup_flags_and_retention_equal_the_reference_facts(tmp_path):
    facts = reference_resource("k8s_restic_backup", "restic-backup-scripts", "ConfigMap")["data"]["backup.sh"]["facts"]
    _, calls = run_backup(tmp_path)
    backup = next(call for call in calls if call[0] == "backup")
    assert " ".join(backup[1:]) == " ".join([*facts["backup_flags"], facts["backup_path"]])
    forget = next(call for call in calls if call[0] == "forget")
    policy = {key.removeprefix("--").replace("-", "_"): int(value) for key, value in zip(forget[1::2], forget[2::2])}
    assert {**policy, "prune": forget[-1] == "--prune"} == facts["forget"]
