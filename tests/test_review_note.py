"""review.note against a local fake of GitLab's notes API: one note per merge request, updated."""

from __future__ import annotations

import subprocess
import sys

from review.note import MARKER, publish
from tests.conftest import PROJECT_ROOT
from tests.review_fake_gitlab import FakeGitLab


def _env(gitlab: FakeGitLab, **extra: str) -> dict[str, str]:
    return {
        "CI_API_V4_URL": gitlab.url,
        "CI_PROJECT_ID": "group/cluster-state",
        "CI_MERGE_REQUEST_IID": "7",
        "CI_JOB_URL": "https://gitlab.example/group/cluster-state/-/jobs/1",
        "REVIEW_NOTE_TOKEN": gitlab.token,
        **extra,
    }


def test_the_note_is_posted_once_then_updated_and_other_notes_are_left_alone():
    with FakeGitLab() as gitlab:
        gitlab.notes[("group%2Fcluster-state", "7")] = [{"id": 1, "body": "LGTM"}] + [
            {"id": 2 + i, "body": f"comment {i}"}
            for i in range(120)  # a second page of notes
        ]
        assert publish("## Rendered diff: first push", _env(gitlab)) == "posted note 1001"
        assert publish("## Rendered diff: second push", _env(gitlab)) == "updated note 1001"
        notes = gitlab.notes[("group%2Fcluster-state", "7")]
    ours = [note for note in notes if note["body"].startswith(MARKER)]
    assert len(ours) == 1
    assert "second push" in ours[0]["body"] and "first push" not in ours[0]["body"]
    assert ours[0]["body"].endswith("(https://gitlab.example/group/cluster-state/-/jobs/1/artifacts/file/review.md)")
    assert notes[0] == {"id": 1, "body": "LGTM"} and len(notes) == 122


def test_without_a_token_or_outside_a_merge_request_nothing_is_sent():
    with FakeGitLab() as gitlab:
        assert "REVIEW_NOTE_TOKEN is not set" in publish("r", _env(gitlab, REVIEW_NOTE_TOKEN=""))
        assert "not a merge request pipeline" in publish("r", _env(gitlab, CI_MERGE_REQUEST_IID=""))
        assert gitlab.requests == []


def test_a_refused_token_fails_the_command_with_one_line(tmp_path):
    report = tmp_path / "review.md"
    report.write_text("## Rendered diff")
    with FakeGitLab() as gitlab:
        env = _env(gitlab, REVIEW_NOTE_TOKEN="wrong")
        done = subprocess.run(
            [sys.executable, "-m", "review.note", str(report)],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
    assert done.returncode == 1
    assert done.stderr.strip().endswith("HTTP 401 Unauthorized") and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
