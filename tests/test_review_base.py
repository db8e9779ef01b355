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


def test_the_two_sides_are_synthesized_one_after_the_other_and_both_are_reported(tmp_path, monkeypatch, capsys):
    """Two syntheses at once hold twice the memory (over the 600 MB limit of the process tree)."""
    import review.__main__ as entry

    events = []

    class Side:
        def __init__(self, label):
            self.label = label
            events.append(f"{label} started")

        def wait(self):
            events.append(f"{self.label} finished")
            raise base.ReviewError(f"{self.label} does not synthesize")

    monkeypatch.setattr(entry, "resolve_base", lambda root, ref: "0" * 40)
    monkeypatch.setattr(entry, "start_base", lambda root, commit, cache: Side("base"))
    monkeypatch.setattr(entry, "start_head", lambda root, cache: Side("head"))
    assert entry.main(["--root", str(tmp_path)]) == entry.EXIT_BAD_INPUT
    assert events == ["base started", "base finished", "head started", "head finished"]
    assert "base does not synthesize\nhead does not synthesize" in capsys.readouterr().err


def test_the_base_keeps_its_byte_code_in_the_checkouts_cache_and_removes_only_its_worktrees(tmp_path, monkeypatch):
    """A fresh worktree has no byte-code: the base would compile every provider binding again."""
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "commit", "-q", "--allow-empty", "-m", "base")
    shared = tmp_path / ".cache" / "pycache"
    (shared / "site-packages").mkdir(parents=True)
    (shared / "site-packages" / "provider.opt-1.pyc").write_text("compiled once")
    seen = {}
    real_popen = subprocess.Popen

    class Synthesis:
        returncode = 0

        def __init__(self, command, cwd, env, **kwargs):
            seen.update(env=env, cwd=cwd)
            mine = Path(env["PYTHONPYCACHEPREFIX"] + str(Path(cwd).resolve()))
            mine.mkdir(parents=True)
            (mine / "main.opt-1.pyc").write_text("the worktree's own")
            seen["mine"] = mine
            Path(env["CDKTF_OUTDIR"]).mkdir(parents=True)

        def communicate(self):
            return "", ""

    def popen(command, *args, **kwargs):  # git runs for real, main.py is the fake above
        return real_popen(command, *args, **kwargs) if command[0] == "git" else Synthesis(command, **kwargs)

    monkeypatch.setattr(base.subprocess, "Popen", popen)
    commit = _git(tmp_path, "rev-parse", "HEAD")
    base.start_base(tmp_path, commit, tmp_path / base.CACHE).wait()
    assert seen["env"]["PYTHONPYCACHEPREFIX"] == str(shared.resolve())
    assert not seen["mine"].exists() and not Path(seen["cwd"]).exists()
    assert (shared / "site-packages" / "provider.opt-1.pyc").read_text() == "compiled once"
