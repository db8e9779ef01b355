"""review.base without synthesis: which commit is the base, and what a synthesis is given."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from review import base


def _git(repo: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


def test_the_base_is_the_merge_base_with_the_default_branch_or_the_given_ref(tmp_path, monkeypatch):
    for name in ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "CI_DEFAULT_BRANCH"):
        monkeypatch.delenv(name, raising=False)
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "commit", "-q", "--allow-empty", "-m", "one")
    fork = _git(tmp_path, "rev-parse", "HEAD")
    _git(tmp_path, "commit", "-q", "--allow-empty", "-m", "two on main")
    _git(tmp_path, "checkout", "-q", "-b", "feature", fork)
    _git(tmp_path, "commit", "-q", "--allow-empty", "-m", "three on feature")
    assert base.resolve_base(tmp_path, None) == fork
    assert base.resolve_base(tmp_path, "main") == _git(tmp_path, "rev-parse", "main")
    with pytest.raises(base.ReviewError):
        base.resolve_base(tmp_path, "no-such-ref")


def test_a_synthesis_gets_no_credentials_and_no_setting_besides_the_commit(tmp_path, monkeypatch):
    seen = {}

    class Popen:
        def __init__(self, command, cwd, env, **kwargs):
            seen.update(env=env, cwd=cwd)

    for name in base._UNSET:
        monkeypatch.setenv(name, "set-by-the-operator")
    monkeypatch.setattr(base.subprocess, "Popen", Popen)
    base.start_head(tmp_path, tmp_path / ".cache" / "review")
    assert not set(base._UNSET) & set(seen["env"])
    assert {"PG_CONN_STR", "K8S_CONFIG_PATH", "NOMAD_ADDR"} <= set(base._UNSET)
    assert seen["env"]["CDKTF_OUTDIR"] == str((tmp_path / ".cache/review/head/cdktf.out").resolve())
