"""`make diff` (review/) on real changes of the catalog, in a scratch git repository.

One scratch repository holds three commits: a base (overseerr with a volume claim template), a
change that bumps an image, edits a config line, grows the claim template, removes a stateful
service and adds a secret-bearing value, and the same change with the data loss acknowledged.
Synthesis is the slow part, so the whole file runs the review three times: base and change
(both synthesized, one after the other), change again (base from the cache, and the working tree a no-op
by its fingerprint), acknowledged change (one synthesis). The scenario is made once per run and
shared by the workers; the syntheses use the project's -O byte-code cache.

The scratch catalog holds only the services the change touches (:data:`SCENARIO_SERVICES`):
a synthesis costs a floor (the providers, the jsii kernel) plus its resources, and every other
service would be rendered identically on both sides, adding nothing these tests look at (the
review of the whole catalog runs in tests/test_review_ci.py). Each of the three syntheses is
~0.5 s of CPU cheaper for it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

from stacks.runtime import PYCACHE
from tests.conftest import PROJECT_ROOT, shared_once

pytestmark = pytest.mark.slow  # three syntheses: started first (tests/conftest.py)

SECRET_VALUE = "9f8e7d6c5b4a39281706f5e4d3c2b1a0ffee"  # high-entropy: detect-secrets flags it
# What the change edits (whoami, nginx-sites, overseerr, echo) or removes (media-centre).
SCENARIO_SERVICES = ("overseerr", "whoami", "echo", "nginx-sites", "media-centre")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout.strip()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name}: expected exactly one {old!r}"
    path.write_text(text.replace(old, new))


def _review(repo: Path, base: str) -> Run:
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "CHECKPOINT_DISABLE": "1"}
    # The -O byte-code of the project's cache (stacks/runtime.py; an operator's own prefix wins):
    # in the scratch repository and its worktree, a synthesis would first compile the provider
    # bindings again (~12 s of CPU each).
    env["PYTHONPYCACHEPREFIX"] = PYCACHE
    # The review itself runs without -O: with that prefix it no longer reads the virtualenv's
    # __pycache__, so it may write its own byte-code there too (else every review compiles its
    # imports from source again, ~0.9 s of CPU each; `make test` sets PYTHONDONTWRITEBYTECODE).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, "-m", "review", "--root", str(repo), "--base", base, "--report", str(_report(repo))],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def _report(repo: Path) -> Path:
    """Beside the repository: in it, the report would be a new project file, an input of the
    next synthesis (stacks/fingerprint.py), and the unchanged head could not be a no-op."""
    return repo.parent / "report.md"


def _section(report: str, heading: str) -> str:
    start = report.index(heading)
    end = report.find("\n### ", start + 1)
    return report[start : end if end != -1 else None]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> dict:
    """The scenario, made once per test run whatever the number of xdist workers (its reviews
    cost three syntheses); every test only reads it."""
    folder = shared_once(tmp_path_factory, "review-scenario", _make_scenario)
    runs = json.loads((folder / "runs.json").read_text())
    shared = {"repo": folder / "repo", "base": runs.pop("base"), "written": runs.pop("written")}
    return shared | {name: Run(**run) for name, run in runs.items()}


def _make_scenario(folder: Path) -> None:
    repo = folder / "repo"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    for name in filter(None, tracked.stdout.split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file() and not name.startswith("tests/"):
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    catalog = repo / "services.yaml"
    _keep_only(catalog, SCENARIO_SERVICES)
    _edit(
        catalog,
        "              - {volume: data, path: /app/config/db, sub_path: db}\n",
        "              - {volume: data, path: /app/config/db, sub_path: db}\n"
        "              - {volume: state, path: /state}\n",
    )
    _edit(
        catalog,
        "          data: {empty_dir: {size_limit: 500Mi}}\n          config: {glusterfs: config}\n",
        "          data: {empty_dir: {size_limit: 500Mi}}\n          config: {glusterfs: config}\n"
        "        volume_claim_templates:\n          state: {storage: 1Gi}\n",
    )
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    base = _git(repo, "rev-parse", "HEAD")
    (repo / ".cache" / "review").mkdir(parents=True)
    (repo / ".cache" / "review" / "keep.txt").write_text("not made by make diff")

    _edit(catalog, "image: traefik/whoami:v1.10", "image: traefik/whoami:v1.11")
    _edit(repo / "files/nginx-sites/nginx.conf", "worker_connections 1024;", "worker_connections 2048;")
    _edit(catalog, "          state: {storage: 1Gi}\n", "          state: {storage: 2Gi}\n")
    _keep_only(catalog, tuple(name for name in SCENARIO_SERVICES if name != "media-centre"))
    _edit(
        catalog,
        '              - PORT: "80"\n',
        f'              - PORT: "80"\n              - API_TOKEN: {SECRET_VALUE}\n',
    )
    _edit(
        catalog,
        "        allow_from: [{app: whoami}]\n        ports: [80]\n",
        "        allow_from: [{app: whoami}]\n        ports: [80]\n    waivers:\n"
        "      - {rule: no-literal-secrets, reason: a test of the report's masking}\n",
    )
    _git(repo, "commit", "-qam", "change")
    changed = _review(repo, base)
    written = {"changed": _written(repo, base)}
    again = _review(repo, base)
    written["again"] = _written(repo, base)

    with catalog.open("a") as f:
        f.write(
            "\nacknowledgments:\n"
            "  - {address: kubernetes_stateful_set.overseerr, reason: the state claim holds only a cache}\n"
            "  - {address: kubernetes/kubernetes_stateful_set.plex, reason: Plex moves to the Nomad cluster}\n"
            "  - {address: kubernetes_deployment.jellyfin, reason: Jellyfin is retired with Plex}\n"
            "  - {address: kubernetes_deployment.tautulli, reason: Tautulli is retired with Plex}\n"
        )
    acknowledged = _review(repo, base)
    written["acknowledged"] = _written(repo, base)
    runs = {"changed": changed, "again": again, "acknowledged": acknowledged}
    shared = {"base": base, "written": written}
    (folder / "runs.json").write_text(json.dumps(shared | {name: asdict(run) for name, run in runs.items()}))


def _written(repo: Path, base: str) -> dict[str, list[int]]:
    """When each side was last synthesized: the inode and mtime of the fingerprint main.py
    writes with every output it synthesizes (and leaves alone when it finds it up to date)."""
    outputs = {"base": repo / ".cache/review/base" / base / "cdktf.out", "head": repo / ".cache/review/head/cdktf.out"}
    stats = {side: (out / ".fingerprint").stat() for side, out in outputs.items()}
    return {side: [stat.st_ino, stat.st_mtime_ns] for side, stat in stats.items()}


def _keep_only(catalog: Path, services: tuple[str, ...]) -> None:
    """The catalog with only these services, in its own order, and no Nomad jobs (its last
    section, if any): the entries are cut as text, so what is kept reads as it was written."""
    text = catalog.read_text()
    head, rest = text.split("\nservices:\n", 1)
    entries, _, nomad = rest.partition("\nnomad:\n")
    assert not re.search(r"(?m)^\S", nomad), "the Nomad section is no longer the catalog's last"
    split = re.split(r"(?m)^(?=  [a-z][\w-]*:\n)", entries.rstrip("\n") + "\n")
    named = {entry[2:].split(":", 1)[0]: entry for entry in split if entry.startswith("  ")}
    assert set(services) <= set(named), f"not in the catalog: {set(services) - set(named)}"
    catalog.write_text(head + "\nservices:\n" + "".join(named[name] for name in named if name in services))


def test_an_image_bump_is_one_summary_line(scratch):
    report = scratch["changed"].stdout
    assert "- whoami: traefik/whoami v1.10 -> v1.11" in _section(report, "### Image bumps")
    assert "### kubernetes / whoami" not in report  # no YAML diff for an image-only change


def test_a_config_edit_reads_as_the_changed_line(scratch):
    section = _section(scratch["changed"].stdout, "### kubernetes / nginx-sites")
    assert "-        worker_connections 1024;\n+        worker_connections 2048;" in section


def test_a_volume_claim_template_change_is_a_replacement_that_blocks_until_acknowledged(scratch):
    changed = scratch["changed"]
    assert changed.returncode == 1, changed.stderr
    assert "`kubernetes_stateful_set.overseerr`: replacement (forced by spec.volume_claim_template)" in changed.stdout
    assert (
        "kubernetes/kubernetes_stateful_set.overseerr (StatefulSet default/overseerr, service overseerr): replacement "
        "of an object that holds data: its volume claim templates (state)" in changed.stderr
    )
    assert "acknowledgments:" in changed.stderr and "address: kubernetes_stateful_set.overseerr" in changed.stderr
    acknowledged = scratch["acknowledged"]
    assert acknowledged.returncode == 0, acknowledged.stderr
    assert "acknowledged: `kubernetes/kubernetes_stateful_set.overseerr`" in acknowledged.stdout
    # Tautulli's config is not on GlusterFS: its acknowledgment is not needed, and the output says so
    assert "the acknowledgment of kubernetes_deployment.tautulli matches no data loss" in acknowledged.stderr
    assert acknowledged.stderr.count("matches no data loss") == 1


def test_a_removed_stateful_service_is_a_destroy_that_blocks(scratch):
    changed = scratch["changed"]
    assert "| kubernetes | media-centre | 0 | 0 | 11 | 0 |" in changed.stdout
    blocked = [line for line in changed.stderr.splitlines() if "of an object that holds data" in line]
    assert any(
        "kubernetes/kubernetes_stateful_set.plex (StatefulSet default/plex, service media-centre): destroy" in line
        and "the last workload mounting the GlusterFS directory /storage/v/glusterfs_plex_config" in line
        and "litestream" in line
        for line in blocked
    ), blocked
    assert len(blocked) == 3, blocked  # overseerr, plex, jellyfin (Tautulli's config is not on GlusterFS)


def test_a_secret_bearing_value_is_masked(scratch):
    report = scratch["changed"].stdout
    assert SECRET_VALUE not in report
    assert SECRET_VALUE not in _report(scratch["repo"]).read_text()
    section = _section(report, "### kubernetes / echo")
    assert "+        - name: API_TOKEN\n+          value: '***'" in section


def test_the_base_is_synthesized_once_and_nothing_else_in_the_cache_is_touched(scratch):
    repo, base, written = scratch["repo"], scratch["base"], scratch["written"]
    assert scratch["again"].stdout == scratch["changed"].stdout
    assert written["changed"]["base"] == written["again"]["base"] == written["acknowledged"]["base"]  # cached
    assert written["again"]["head"] == written["changed"]["head"]  # nothing changed: a no-op by its fingerprint
    assert written["acknowledged"]["head"] != written["again"]["head"]  # the catalog changed: synthesized again
    assert (repo / ".cache/review/base" / base / "cdktf.out/.complete").is_file()
    assert (repo / ".cache/review/keep.txt").read_text() == "not made by make diff"
    assert list((repo / ".cache/review/worktrees").iterdir()) == []  # the worktree it added is gone
    assert _git(repo, "worktree", "list").count("\n") == 0
    # the base checkout never touched the working tree: only the test's own edits show
    assert {line.strip() for line in _git(repo, "status", "--porcelain").splitlines()} <= {"M services.yaml"}


def test_a_bad_catalog_is_one_located_line_and_exit_2(scratch, tmp_path):
    repo = tmp_path / "repo"  # a copy (with the cached base): the scenario is shared by the other tests
    shutil.copytree(scratch["repo"], repo, symlinks=True)
    catalog = repo / "services.yaml"
    catalog.write_text(catalog.read_text().replace("image: traefik/whoami:v1.11", "image: traefik/whoami", 1))
    run = _review(repo, scratch["base"])
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "services.yaml:" in run.stderr and "has no tag" in run.stderr
    unknown = _review(repo, "no-such-ref")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
