"""The pipeline's `diff` job, run for real by gitlab-ci-local as a shell job on a merge request
that removes a stateful service without acknowledging it: the job fails (so the merge is
blocked), the Markdown report is its exposed artifact, and one note reaches a fake GitLab."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from review.base import CACHE
from review.note import MARKER
from tests.project_copy import copy_project
from tests.review_fake_gitlab import FakeGitLab
from tests.test_gitlab_ci import (
    GITLAB_CI_LOCAL,
    MR_RUN,
    PIPELINE,
    REAL_JOB_VARIABLES,
    _shadow,
    _share_byte_code,
    default_branch_listing,
    gitlab_ci_local,
    listed_jobs,
    merge_request_listing,
)

ROOT = Path(__file__).resolve().parents[1]


def test_the_diff_job_runs_on_merge_requests_only_and_needs_no_credentials(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Reads the listings tests/test_gitlab_ci.py reads (one per test run)."""
    [diff] = [job for job in listed_jobs(merge_request_listing(tmp_path_factory)) if job["name"] == "diff"]
    assert (diff["stage"], diff["needs"], diff["allow_failure"]) == ("plan", [], False)
    default_branch = listed_jobs(default_branch_listing(tmp_path_factory))
    assert "diff" not in [job["name"] for job in default_branch]  # not on the default branch
    job = yaml.safe_load(PIPELINE.read_text())["diff"]
    assert job["artifacts"]["expose_as"] and job["artifacts"]["paths"] == ["review.md"]
    assert job["artifacts"]["when"] == "always"  # the report of a blocked change is the one that matters
    assert job["script"][0] == "unset PG_CONN_STR K3S_KUBECONFIG NOMAD_TOKEN"  # not even by accident


@pytest.mark.slow
def test_the_diff_job_blocks_an_unacknowledged_data_loss_and_posts_one_note(tmp_path: Path, synth_dir: Path) -> None:
    """The base is this project as it is: its output is the session's synthesis, put where
    `make diff` caches a base by commit (.cache/review/base/<commit>), so the job synthesizes the
    merge request only (tests/test_review.py synthesizes a base in its worktree)."""
    assert GITLAB_CI_LOCAL.exists(), "gitlab-ci-local is not installed: `npm ci` (devDependency gitlab-ci-local)"
    assert shutil.which("rsync"), "gitlab-ci-local copies the repository with rsync: install rsync"
    clone = copy_project(tmp_path / "clone")
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True, check=True)
    cached_base = clone / CACHE / "base" / base.stdout.strip() / "cdktf.out"
    shutil.copytree(synth_dir, cached_base)
    (cached_base / ".complete").write_text("")
    catalog = clone / "services.yaml"
    text = catalog.read_text()
    start, end = text.index("\n  media-centre:\n"), text.index("\n  matrix:\n")
    catalog.write_text(text[:start] + text[end:])
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "core.hooksPath=/dev/null"]
    subprocess.run([*git, "commit", "-qam", "retire media-centre"], cwd=clone, check=True, capture_output=True)
    _shadow(ROOT / ".venv", clone / ".venv", ".synced")
    _shadow(ROOT / "node_modules", clone / "node_modules", ".installed")
    _share_byte_code(clone)

    with FakeGitLab() as gitlab:
        variables = {
            "CI_MERGE_REQUEST_DIFF_BASE_SHA": base.stdout.strip(),
            "CI_API_V4_URL": gitlab.url,
            "CI_PROJECT_ID": "42",
            "CI_MERGE_REQUEST_IID": "3",
            "REVIEW_NOTE_TOKEN": gitlab.token,
        }
        args = [arg for name, value in variables.items() for arg in ("--variable", f"{name}={value}")]
        result = gitlab_ci_local(
            clone, "--force-shell-executor", *REAL_JOB_VARIABLES, *MR_RUN, *args, "diff", timeout=600
        )
        notes = gitlab.notes.get(("42", "3"), [])
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-4000:]
    assert "FAIL  diff" in output, output[-4000:]
    report = (clone / ".gitlab-ci-local" / "artifacts" / "diff" / "review.md").read_text()
    assert "**BLOCKED**: kubernetes/kubernetes_stateful_set.plex" in report
    assert "| kubernetes | media-centre | 0 | 0 | 11 | 0 |" in report
    assert len(notes) == 1 and notes[0]["body"].startswith(MARKER) and "BLOCKED" in notes[0]["body"]
    assert not (clone / CACHE / "worktrees").exists(), "the job synthesized the base although it was cached"
