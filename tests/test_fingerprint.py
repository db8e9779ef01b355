"""No-op synthesis (stacks/fingerprint.py): with the inputs of the stored output, `main.py`
writes nothing and says so in one line; any change of any kind of input means a new synthesis,
so the fingerprint can never serve stale output.

Two levels: main.py end to end (a no-op; a changed catalog synthesized, traced with an audit
hook, proving that every project file it opens is an input of the fingerprint; a no-op again),
and the decision main.py takes (`fingerprint.up_to_date`) against each kind
of input changed in turn, in a copy of the project, cheap enough to cover them all.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stacks import fingerprint
from tests.conftest import PROJECT_ROOT
from tests.main_run import NEW_IMAGE, clean_env, tree_state


@pytest.mark.slow
def test_main_does_nothing_then_synthesizes_a_changed_catalog_then_does_nothing(main_run):
    """One synthesis, shared with tests/test_main.py (tests/main_run.py): the output starts as the
    session's, with its fingerprint recorded as main.py records it; the changed catalog's
    synthesis is the traced one, and main.py's own record of it makes the next run a no-op."""
    up_to_date = f"out is up to date: no input changed since it was synthesized ({fingerprint.FORCE_FLAG} to redo)"
    before = main_run.no_op_before
    assert before.returncode == 0, before.stderr
    assert before.stdout.strip().splitlines() == [up_to_date]
    assert not main_run.wrote_before, "a no-op run wrote something"

    changed = main_run.changed
    assert changed.returncode == 0, changed.stderr
    assert "up to date" not in changed.stdout
    assert NEW_IMAGE in (main_run.out / "stacks" / "kubernetes" / "cdk.tf.json").read_text()

    out = main_run.out
    inputs = json.loads((out / fingerprint.FILE_NAME).read_text())["inputs"]
    covered = {k.split(" ", 1)[1] for k in inputs if k.startswith("file ")}
    not_inputs = (".venv", "node_modules", ".cache")
    read = {
        str(Path(p).relative_to(PROJECT_ROOT))
        for p in json.loads(main_run.trace.read_text())
        if p.startswith(f"{PROJECT_ROOT}{os.sep}") and os.path.isfile(p) and "__pycache__" not in p
    }
    read = {p for p in read if not p.startswith(not_inputs)}
    assert read, "the trace saw no project file: the audit hook is not working"
    assert {"main.py", "catalog/loader.py", "files/nginx-sites/nginx.conf", "jobspecs/elk.nomad.hcl"} <= read
    assert read <= covered, f"synthesis read files the fingerprint ignores: {sorted(read - covered)}"
    assert f"catalog {main_run.catalog}" in inputs

    state = tree_state(out)
    again = main_run.main()
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines() == [up_to_date]
    assert tree_state(out) == state, "a no-op run wrote something"
    assert [p.name for p in main_run.folder.iterdir() if p.name.startswith(".out.")] == []


# --- the decision, for each kind of input --------------------------------------------------

DECIDE = "import sys; from stacks import fingerprint; sys.exit(0 if fingerprint.up_to_date(sys.argv[1:]) else 1)"
RECORD = "from stacks import fingerprint as f; f.record('cdktf.out', f.current_inputs())"


class Project:
    """A copy of the project's synthesis inputs with a recorded fingerprint, to change at will.

    The decision is taken in this process by the copy's own stacks/fingerprint.py (its project
    root is the copy), with the environment given explicitly and the copy as working directory:
    the function main.py calls, on what main.py would see. A process per decision (~40 ms of
    CPU, ~100 of them) would add nothing but for what only a fresh interpreter can change, its
    Python and its sys.path: those cases record and decide in a process of their own
    (:meth:`record_in`, :meth:`up_to_date_in`)."""

    def __init__(self, tmp_path: Path):
        self.root = tmp_path / "project"
        skipped = {".git", ".venv", "node_modules", "cdktf.out", ".cache", "tests", "docs", "bench"}

        def ignore(directory: str, names: list[str]) -> list[str]:
            return [n for n in names if n == "__pycache__" or (directory == str(PROJECT_ROOT) and n in skipped)]

        shutil.copytree(PROJECT_ROOT, self.root, ignore=ignore)
        self.out = self.root / "cdktf.out"
        self.env = clean_env(PATH=os.environ["PATH"])
        stack = self.out / "stacks" / "kubernetes" / "cdk.tf.json"
        stack.parent.mkdir(parents=True)
        stack.write_text('{"resource": {}}')
        spec = importlib.util.spec_from_file_location(
            "fingerprint_of_the_copy", self.root / "stacks" / "fingerprint.py"
        )
        self.fingerprint = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(self.fingerprint)
        assert self.fingerprint.PROJECT_ROOT == str(self.root)
        self.record()

    def record(self) -> None:
        with contextlib.chdir(self.root):
            self.fingerprint.record("cdktf.out", self.fingerprint.current_inputs(self.env))

    def up_to_date(self, *args: str, **env: str) -> bool:
        with contextlib.chdir(self.root), contextlib.redirect_stdout(io.StringIO()):
            return self.fingerprint.up_to_date(args, {**self.env, **env})

    def record_in(self) -> None:
        subprocess.run([sys.executable, "-c", RECORD], cwd=self.root, env=self.env, check=True)

    def up_to_date_in(self, *args: str, python: str = sys.executable, **env: str) -> bool:
        result = subprocess.run(
            [python, "-c", DECIDE, *args], cwd=self.root, env={**self.env, **env}, capture_output=True, text=True
        )
        assert result.returncode in (0, 1), result.stderr
        return result.returncode == 0


@pytest.fixture
def project(tmp_path) -> Project:
    project = Project(tmp_path)
    assert project.up_to_date(), "the unchanged copy must be up to date, or no case below proves anything"
    return project


def _append(relative: str, text: str = "\n# changed\n"):
    def change(project: Project) -> dict[str, str]:
        path = project.root / relative
        path.write_text(path.read_text() + text)
        return {}

    return change


def _create(path: Path) -> dict[str, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("")
    return {}


def _env(**values: str):
    return lambda project: values


def _node_wrapper(project: Project) -> dict[str, str]:
    bin_dir = project.root.parent / "bin"
    bin_dir.mkdir()
    node = bin_dir / "node"
    node.write_text(f'#!/bin/sh\nexec {shutil.which("node")} "$@"\n')
    node.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{project.env['PATH']}"}


def _output(change):
    def run(project: Project) -> dict[str, str]:
        change(project.out / "stacks" / "kubernetes" / "cdk.tf.json")
        return {}

    return run


def _catalog_elsewhere(project: Project) -> dict[str, str]:
    other = project.root.parent / "other.yaml"
    other.write_text((project.root / "services.yaml").read_text())
    return {"CLUSTER_STATE_CATALOG": str(other)}


OTHER_PYTHON = next(
    (str(p) for p in sorted(Path("/root/.pyenv/versions").glob("3.1[23]*/bin/python3")) if p.exists()),
    shutil.which("python3.12") or shutil.which("python3.13") or "",
)

CHANGES = {
    "the catalog": _append("services.yaml"),
    "another catalog file": _catalog_elsewhere,
    "project code": _append("constructs_lib/naming.py"),
    "catalog code": _append("catalog/loader.py"),
    "a file under files/": _append("files/nginx-sites/nginx.conf"),
    "a jobspec": _append("jobspecs/elk.nomad.hcl"),
    "cdktf.json": _append("cdktf.json", " "),
    "Pipfile.lock": _append("Pipfile.lock", " "),
    "package-lock.json": _append("package-lock.json", " "),
    "a new project file": lambda p: _create(p.root / "constructs_lib" / "new.py"),
    "K8S_CONFIG_PATH": _env(K8S_CONFIG_PATH="/etc/k3s.yaml"),
    "K8S_CONTEXT": _env(K8S_CONTEXT="other"),
    "NOMAD_ADDR": _env(NOMAD_ADDR="http://nomad.example:4646"),
    "PG_CONN_STR set": _env(PG_CONN_STR="postgres://state@db/state"),
    "CLUSTER_STATE_ADOPT": _env(CLUSTER_STATE_ADOPT="1"),
    "CLUSTER_STATE_DEBUG": _env(CLUSTER_STATE_DEBUG="1"),
    "CDKTF_OUTDIR": _env(CDKTF_OUTDIR="elsewhere"),
    "CDKTF_CONTEXT_JSON": _env(CDKTF_CONTEXT_JSON='{"k": "v"}'),
    "SYNTH_HCL_OUTPUT": _env(SYNTH_HCL_OUTPUT="true"),
    "NODE_OPTIONS": _env(NODE_OPTIONS="--max-old-space-size=100"),
    "JSII_NODE": _env(JSII_NODE=shutil.which("node") or "node"),
    "another node on PATH": _node_wrapper,
    "an output file edited": _output(lambda p: p.write_text('{"resource": {"edited": {}}}')),
    "an output file deleted": _output(lambda p: p.unlink()),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_each_kind_of_input_changed_means_a_new_synthesis(project, change):
    env = change(project)
    assert not project.up_to_date(**env)


def test_another_python_means_a_new_synthesis(tmp_path):
    """In processes: the interpreter is what changes (the same one first, as the control)."""
    assert OTHER_PYTHON, "no second Python interpreter on this machine (pyenv 3.12/3.13)"
    project = Project(tmp_path)
    project.record_in()
    assert project.up_to_date_in(), "the unchanged copy must be up to date in a process of its own"
    assert not project.up_to_date_in(python=OTHER_PYTHON)


def test_a_package_installed_means_a_new_synthesis(tmp_path):
    """In processes: a site-packages directory reaches sys.path at the interpreter's start."""
    project = Project(tmp_path)
    site = project.root.parent / "lib" / "site-packages"
    site.mkdir(parents=True)
    project.env["PYTHONPATH"] = str(site)  # on sys.path before the recording too
    project.record_in()
    assert project.up_to_date_in(), "the unchanged copy must be up to date in a process of its own"
    (site / "newpkg").mkdir()
    assert not project.up_to_date_in()


def test_force_synthesizes_anyway(project):
    assert not project.up_to_date(fingerprint.FORCE_FLAG)


UNCHANGED = {
    "a test": lambda p: _create(p.root / "tests" / "test_x.py"),
    "the README": _append("README.md"),
    "rendered manifests added to the output": lambda p: _create(p.out / "manifests" / "kubernetes" / "x.yaml"),
    "byte-code": lambda p: _create(p.root / "stacks" / "__pycache__" / "app.cpython-311.opt-1.pyc"),
    "an unread environment variable": _env(NOMAD_TOKEN="secret"),
}


@pytest.mark.parametrize("change", UNCHANGED.values(), ids=UNCHANGED.keys())
def test_what_synthesis_does_not_read_keeps_the_output_current(project, change):
    env = change(project)
    assert project.up_to_date(**env)


def test_the_pg_connection_string_counts_by_presence_only(tmp_path):
    project = Project(tmp_path)
    project.env["PG_CONN_STR"] = "postgres://a@db/state"
    project.record()
    assert project.up_to_date(PG_CONN_STR="postgres://b@db/state")
    assert "postgres" not in (project.out / fingerprint.FILE_NAME).read_text(), "the secret must not be stored"


def test_the_secret_scan_of_the_output_does_not_read_the_fingerprint_digests_as_credentials(tmp_path):
    from validation.secrets_scan import scan_tree

    project = Project(tmp_path)
    recorded = project.out / fingerprint.FILE_NAME
    assert recorded.read_text().count('"') > 100  # many sha256 digests
    # the fingerprint alone, as it lies in an output folder: the rest of the output is scanned by
    # tests/test_validate_catalog.py (no synthesized file holds a credential)
    alone = tmp_path / "alone" / "cdktf.out"
    alone.mkdir(parents=True)
    shutil.copy2(recorded, alone / fingerprint.FILE_NAME)
    assert scan_tree(alone) == []
