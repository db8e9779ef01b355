""".gitlab-ci.yml, checked here with gitlab-ci-local: its schema validation, the jobs each pipeline
gets, the plan summary command, and the lint, test and synth jobs run for real as shell jobs.

gitlab-ci-local writes its state next to the pipeline file, so every run happens in a temporary
git repository, never in the project.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from stacks.runtime import PYCACHE

ROOT = Path(__file__).resolve().parents[1]
PIPELINE = ROOT / ".gitlab-ci.yml"
GITLAB_CI_LOCAL = ROOT / "node_modules" / ".bin" / "gitlab-ci-local"
# Set for the pytest that the `test` job runs inside the shell-job test: it must not recurse.
INNER_RUN = "CLUSTER_STATE_IN_GITLAB_CI_LOCAL"
# The test job of the inner run executes only this test: self-contained and pure Python, so the
# job's cost is the job itself (setup, pytest, the report), not a second gitlab-ci-local run.
INNER_TESTS = "tests/test_runtime.py::test_debug_keeps_the_runtime_type_checks"

MAIN_JOBS = ["lint", "test", "synth", "plan: [kubernetes]", "plan: [nomad]", "apply-kubernetes", "apply-nomad"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not GITLAB_CI_LOCAL.exists(),
        reason="gitlab-ci-local is not installed: `npm ci` (devDependency gitlab-ci-local 4.72.0)",
    ),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not on PATH (gitlab-ci-local needs a repository)"),
]


def git_repository(path: Path) -> Path:
    """Commits everything in ``path``: gitlab-ci-local reads the commit and copies tracked files."""
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    git += ["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--allow-empty", "-m", "snapshot"]):
        subprocess.run([*git, *args], cwd=path, check=True, capture_output=True)
    return path


def pipeline_repository(path: Path, text: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / ".gitlab-ci.yml").write_text(text)
    return git_repository(path)


def job_environment() -> dict[str, str]:
    """This process's environment minus the state secret and minus the activated virtualenv.

    Under ``pipenv run pytest`` PATH starts with .venv/bin; a job's ``python3 -m pipenv`` would then
    find no pipenv there and the Makefile would install it into the project's .venv.
    """
    venv = os.environ.get("VIRTUAL_ENV")
    drop = {"PG_CONN_STR", "VIRTUAL_ENV", "PIPENV_ACTIVE", "PYTHONHOME", "PYTHONPATH", INNER_RUN}
    # An xdist worker's own variables would make the inner pytest believe it is one.
    environment = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PYTEST_XDIST_")}
    venv_bins = {str(Path(venv) / "bin")} if venv else set()
    venv_bins.add(str(ROOT / ".venv" / "bin"))
    environment["PATH"] = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p not in venv_bins)
    return environment


def gitlab_ci_local(cwd: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    environment = job_environment()
    # The merge request emulation overrides predefined variables on purpose.
    environment["GCL_IGNORE_PREDEFINED_VARS"] = "CI_PIPELINE_SOURCE,CI_COMMIT_BRANCH"
    return subprocess.run(
        [str(GITLAB_CI_LOCAL), "--no-color", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def listed_jobs(cwd: Path, *args: str) -> list[dict]:
    """The jobs the pipeline would contain (``--list-json`` also lists the ``when: never`` ones)."""
    result = gitlab_ci_local(cwd, "--list-json", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return [job for job in json.loads(result.stdout) if job["when"] != "never"]


def test_the_pipeline_file_passes_schema_validation(tmp_path: Path) -> None:
    jobs = listed_jobs(pipeline_repository(tmp_path, PIPELINE.read_text()))
    assert [job["name"] for job in jobs] == MAIN_JOBS
    applies = {job["name"]: job for job in jobs if job["stage"] == "apply"}
    assert {name: job["when"] for name, job in applies.items()} == {
        "apply-kubernetes": "manual",
        "apply-nomad": "manual",
    }
    # Each apply waits for the plan of its own stack only, whose saved plan it applies.
    for stack in ("kubernetes", "nomad"):
        [plan] = [need for need in applies[f"apply-{stack}"]["needs"] if need["job"] == "plan"]
        assert plan["parallel"] == {"matrix": [{"STACK": stack}]}


def test_a_merge_request_pipeline_plans_every_stack_and_applies_nothing(tmp_path: Path) -> None:
    # In merge request pipelines GitLab sets no CI_COMMIT_BRANCH.
    mr = ["--variable", "CI_PIPELINE_SOURCE=merge_request_event", "--unset-variable", "CI_COMMIT_BRANCH"]
    jobs = listed_jobs(pipeline_repository(tmp_path, PIPELINE.read_text()), *mr)
    assert [job["name"] for job in jobs] == ["lint", "test", "synth", "plan: [kubernetes]", "plan: [nomad]"]
    plans = [job for job in jobs if job["stage"] == "plan"]
    assert all(job["needs"] == [{"job": "synth", "artifacts": True, "optional": False}] for job in plans), plans


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        # GitLab renamed artifacts:public to artifacts:access; the schema knows only the new key.
        (
            "    access: developer\n",
            "    public: false\n",
            "'public' property is not expected to be here at plan.artifacts",
        ),
        ("  needs: [synth]\n", "  need: [synth]\n", "'need' property is not expected to be here at plan"),
        ("      when: manual\n", "      when: by-hand\n", "'when' property must be one of"),
        (
            "      - STACK: [kubernetes, nomad]\n",
            "      STACK: [kubernetes, nomad]\n",
            "plan parallel.matrix is not an array",
        ),
    ],
    ids=["public", "misspelt-key", "bad-when", "bad-matrix"],
)
def test_a_broken_pipeline_file_fails_validation(tmp_path: Path, replace: str, by: str, message: str) -> None:
    text = PIPELINE.read_text()
    assert replace in text, f"the mutation {replace.strip()!r} no longer applies to .gitlab-ci.yml"
    result = gitlab_ci_local(pipeline_repository(tmp_path, text.replace(replace, by, 1)), "--list-json")
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("terraform") is None or shutil.which("jq") is None, reason="needs terraform and jq")
def test_the_plan_job_summarises_a_saved_plan_as_a_gitlab_terraform_report(tmp_path: Path) -> None:
    """Runs the plan job's own `terraform show | jq` line on a real saved plan (provider-free)."""
    plan_job = yaml.safe_load(PIPELINE.read_text())["plan"]
    [summary_line] = [line for line in plan_job["script"] if "terraform show -json plan.cache" in line]
    generation = "${var.generation}"
    resources = {
        "unchanged": {"input": "same"},
        "updated": {"input": generation},
        "replaced": {"triggers_replace": generation},
        "removed": {"count": "${var.generation == 1 ? 1 : 0}"},
        "added": {"count": "${var.generation == 1 ? 0 : 1}"},
    }
    config = {"variable": {"generation": {"type": "number"}}, "resource": {"terraform_data": resources}}
    (tmp_path / "main.tf.json").write_text(json.dumps(config))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update(TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")

    def run(command: str) -> None:
        result = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    run("terraform init -input=false -no-color")
    run("terraform apply -auto-approve -input=false -no-color -var generation=1")
    run("terraform plan -input=false -no-color -var generation=2 -out=plan.cache")
    run(summary_line)
    summary = json.loads((tmp_path / "plan.json").read_text())
    # A replacement counts as one create and one delete, as in GitLab's documented jq filter.
    assert summary == {"create": 2, "update": 1, "delete": 2}


def _project_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in listed.stdout.split("\0") if name and (ROOT / name).is_file()]


def _shadow(source: Path, dest: Path, marker: str) -> None:
    """``dest``: a directory of symlinks to the entries of ``source`` plus a fresh ``marker``.

    The jobs run ``make setup``; its targets are these markers. Linking the project's own .venv and
    node_modules, with markers newer than the lock files, makes setup find them up to date without
    the network, while every write (the markers) stays in the temporary clone.
    """
    dest.mkdir()
    for entry in source.iterdir():
        if entry.name not in {marker, ".project"}:
            (dest / entry.name).symlink_to(entry)
    (dest / marker).touch()


def _share_byte_code(clone: Path) -> None:
    """The synth job's ``-O`` byte-code cache (stacks/runtime.py) mirrors source paths: the clone's
    entry for its .venv, a shadow of the project's, is the project's own entry, so the job does not
    recompile the provider bindings (~10 s) and whatever it compiles serves the next run."""
    shared = Path(PYCACHE + str(ROOT / ".venv"))
    shared.mkdir(parents=True, exist_ok=True)
    entry = Path(PYCACHE.replace(str(ROOT), str(clone), 1) + str(clone / ".venv"))
    entry.parent.mkdir(parents=True)
    entry.symlink_to(shared, target_is_directory=True)


@pytest.mark.skipif(bool(os.environ.get(INNER_RUN)), reason="inside the gitlab-ci-local run of the test job")
@pytest.mark.skipif(shutil.which("rsync") is None, reason="gitlab-ci-local copies the repository with rsync")
@pytest.mark.skipif(
    not (ROOT / ".git").exists(), reason="the project is not a git checkout (the clone lists its files)"
)
@pytest.mark.skipif(
    not (ROOT / ".venv" / "bin" / "python").exists() or not (ROOT / "node_modules" / "cdktf-cli").exists(),
    reason="the project is not set up (make setup)",
)
def test_lint_test_and_synth_run_as_shell_jobs(tmp_path: Path) -> None:
    """The three jobs run their real scripts in a clone; the test job runs one small test so that the
    suite does not recurse into itself (see INNER_TESTS)."""
    clone = tmp_path / "clone"
    for name in _project_files():
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, clone / name)
    git_repository(clone)
    _shadow(ROOT / ".venv", clone / ".venv", ".synced")
    _shadow(ROOT / "node_modules", clone / "node_modules", ".installed")
    _share_byte_code(clone)

    addopts = f"-p no:cacheprovider --junitxml=report.xml {INNER_TESTS}"
    result = gitlab_ci_local(
        clone,
        "--force-shell-executor",
        *("--variable", f"PYTEST_ADDOPTS={addopts}"),
        *("--variable", f"{INNER_RUN}=1"),
        *("--variable", "PYTEST_XDIST_AUTO_NUM_WORKERS=0"),  # one test: no workers to start
        *("lint", "test", "synth"),
        timeout=600,
    )
    output = result.stdout + result.stderr
    lines = output.splitlines()
    # gitlab-ci-local ends with one ` PASS  <job>` / ` FAIL  <job>` line per job (+ the failures' last lines).
    start = next((i for i, line in enumerate(lines) if re.match(r" (PASS|FAIL) ", line)), max(len(lines) - 80, 0))
    summary = "\n".join(lines[start:])
    assert result.returncode == 0, f"{summary[-6000:]}\n(full logs: {clone}/.gitlab-ci-local/output/)"
    for job in ("lint", "test", "synth"):
        assert re.search(rf"^ PASS\s+{job}\s*$", output, re.MULTILINE), f"{job} did not pass:\n{summary}"

    suite = ET.parse(clone / "report.xml").getroot()
    suite = suite.find("testsuite") if suite.tag == "testsuites" else suite
    assert (int(suite.get("tests")), int(suite.get("failures")), int(suite.get("errors"))) == (1, 0, 0)
    for stack in ("kubernetes", "nomad"):
        exported = clone / ".gitlab-ci-local" / "artifacts" / "synth" / "cdktf.out" / "stacks" / stack / "cdk.tf.json"
        assert json.loads(exported.read_text())["terraform"]["backend"] == {
            "local": {"path": f"terraform.{stack}.tfstate"}
        }
