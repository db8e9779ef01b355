"""The two sides to compare: the base commit and the working tree, each synthesized once.

The base is checked out in a git worktree of its own (the working tree is never touched) and
synthesized there by the project's own entry point, so the base is built by the base's code. Its
output is kept under ``.cache/review/base/<commit>``: a commit never changes, so every later
``make diff`` against it costs one synthesis, not two. The cache holds only what this module
wrote; the worktree it adds is removed again, and nothing else is deleted.

The base's synthesis keeps its ``-O`` byte-code in the checkout's own cache (``.cache/pycache``,
stacks/runtime.py), not in the fresh worktree's: there it would compile the provider bindings
again on every cold review (~10 s). What it compiles of the worktree's own files sits under the
worktree's path in that cache, unique to this review, and goes with the worktree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from stacks.runtime import PYCACHE_DIR

CACHE = Path(".cache") / "review"
_COMPLETE = ".complete"  # written after a successful synthesis: a half-written folder is never used
# Settings that change what is synthesized besides the commit (backend, adoption, provider
# configuration, another catalog): both sides are synthesized without them, so that the output
# depends on the commit alone (what the cache is keyed by) and no credential is read.
_UNSET = ("PG_CONN_STR", "CLUSTER_STATE_ADOPT", "CLUSTER_STATE_CATALOG", "K8S_CONFIG_PATH", "K8S_CONTEXT", "NOMAD_ADDR")


class ReviewError(Exception):
    """A reason the review cannot be made (no such ref, a side that does not synthesize)."""


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        raise ReviewError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout.strip()


def default_branch(root: Path) -> str:
    """The branch merge requests go to: CI says so; else origin's HEAD; else main or master."""
    for variable in ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "CI_DEFAULT_BRANCH"):
        branch = os.environ.get(variable)
        if branch:
            for candidate in (f"origin/{branch}", branch):
                if _exists(root, candidate):
                    return candidate
    try:
        return git(root, "symbolic-ref", "--short", "refs/remotes/origin/HEAD")
    except ReviewError:
        pass
    for candidate in ("origin/main", "main", "origin/master", "master"):
        if _exists(root, candidate):
            return candidate
    raise ReviewError("no default branch found (no origin/HEAD, main or master): pass BASE=<ref>")


def resolve_base(root: Path, ref: str | None) -> str:
    """The commit to compare with: ``ref``, or the merge base of HEAD with the default branch."""
    if ref:
        return git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return git(root, "merge-base", "HEAD", default_branch(root))


def _exists(root: Path, ref: str) -> bool:
    return (
        subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=root, capture_output=True
        ).returncode
        == 0
    )


@dataclass
class Synthesis:
    """One running ``main.py``; ``wait()`` returns its output folder or raises ReviewError."""

    label: str
    out: Path
    process: subprocess.Popen[str] | None
    cleanup: tuple[Path, Path, Path] | None = None  # (repository, worktree, its byte-code) this synthesis added

    def wait(self) -> Path:
        if self.process is None:
            return self.out
        try:
            _, stderr = self.process.communicate()
        finally:
            if self.cleanup:
                repository, worktree, byte_code = self.cleanup
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(worktree)], cwd=repository, capture_output=True
                )
                shutil.rmtree(byte_code, ignore_errors=True)
        if self.process.returncode != 0:
            raise ReviewError(f"{self.label} does not synthesize:\n{stderr.strip()}")
        (self.out / _COMPLETE).write_text("")
        return self.out


def start_base(root: Path, commit: str, cache: Path) -> Synthesis:
    """The base commit's output: from the cache, or a synthesis started in a fresh worktree."""
    out = cache / "base" / commit / "cdktf.out"
    if (out / _COMPLETE).is_file():
        return Synthesis(f"base {commit[:12]}", out, None)
    worktrees = cache / "worktrees"
    worktrees.mkdir(parents=True, exist_ok=True)
    worktree = Path(tempfile.mkdtemp(prefix=f"{commit[:12]}.", dir=worktrees))
    git(root, "worktree", "add", "--quiet", "--detach", "--force", str(worktree), commit)
    prefix = os.environ.get("PYTHONPYCACHEPREFIX") or str((root / PYCACHE_DIR).resolve())
    byte_code = Path(prefix + str(worktree.resolve()))  # where Python puts the worktree's own files
    process = _synthesize(worktree, out, PYTHONPYCACHEPREFIX=prefix)
    return Synthesis(f"base {commit[:12]}", out, process, (root, worktree, byte_code))


def start_head(root: Path, cache: Path) -> Synthesis:
    """The working tree's output, in the cache (``cdktf.out`` of ``make synth`` is left alone)."""
    out = cache / "head" / "cdktf.out"
    if (out / _COMPLETE).exists():
        (out / _COMPLETE).unlink()  # our own marker: this folder is about to be rewritten
    return Synthesis("the working tree", out, _synthesize(root, out))


def _synthesize(checkout: Path, out: Path, **settings: str) -> subprocess.Popen[str]:
    out.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CDKTF_OUTDIR": str(out.resolve()), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    env.update(settings)
    for name in _UNSET:
        env.pop(name, None)
    return subprocess.Popen(
        [sys.executable, "main.py"], cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
