"""A copy of the project as git sees it (the tracked files and the new ones git does not ignore),
committed in a repository of its own: what gitlab-ci-local and Renovate's local platform read."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "init.defaultBranch=main"]
GIT += ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]


def git_repository(path: Path) -> Path:
    """Commits everything in ``path`` (a new repository)."""
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--allow-empty", "-m", "snapshot"]):
        subprocess.run([*GIT, *args], cwd=path, check=True, capture_output=True)
    return path


def project_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in listed.stdout.split("\0") if name and (ROOT / name).is_file()]


def copy_project(dest: Path) -> Path:
    """``dest``: the project's files, committed."""
    for name in project_files():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    return git_repository(dest)
