""".gitlab-ci.yml, checked here with gitlab-ci-local: its schema validation, the jobs each pipeline
gets, the plan summary command, and the lint, test and synth jobs run for real as shell jobs.

gitlab-ci-local writes its state next to the pipeline file, so every run happens in a temporary
git repository, never in the project.

Each gitlab-ci-local run costs CPU: ~0.25 s to start node on its bundle, and ~0.65 s more for
its JSON schema validation (it compiles GitLab's schema on every run). So the schema is checked
where it is the subject (the pipeline file as it is, and the broken files), every other run
passes ``--no-json-schema-validation``; and the tests that only read what gitlab-ci-local lists
for the pipeline as it is share one listing per kind of pipeline and test run
(:func:`default_branch_listing`, :func:`merge_request_listing`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sysconfig
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from stacks.runtime import PYCACHE
from tests.conftest import shared_once
from tests.no_skips import find_program, require
from tests.project_copy import GIT, copy_project, git_repository

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
    pytest.mark.needs("gitlab-ci-local", "git", why="devDependency gitlab-ci-local 4.72.0; it reads a git repository"),
]


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


def gitlab_ci_local(
    cwd: Path, *args: str, timeout: float = 60, schema: bool = False
) -> subprocess.CompletedProcess[str]:
    """Runs gitlab-ci-local in ``cwd``; its JSON schema validation only with ``schema`` (see the
    module's docstring: the runs that check the schema are the ones that say so)."""
    environment = job_environment()
    # The merge request emulation overrides predefined variables on purpose.
    environment["GCL_IGNORE_PREDEFINED_VARS"] = "CI_PIPELINE_SOURCE,CI_COMMIT_BRANCH"
    validation = [] if schema else ["--no-json-schema-validation"]
    return subprocess.run(
        [str(GITLAB_CI_LOCAL), "--no-color", *validation, *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


MR_RUN = ["--variable", "CI_PIPELINE_SOURCE=merge_request_event", "--unset-variable", "CI_COMMIT_BRANCH"]
# Beside gitlab-ci-local's own state (.gitlab-ci-local/) in a listing's repository: what it
# printed on stdout (the jobs) and on stderr (its log).
LISTING, LISTING_LOG = "jobs.json", "stderr.txt"


def _listing(tmp_path_factory: pytest.TempPathFactory, name: str, *args: str, schema: bool = False) -> Path:
    """A repository of the pipeline as it is, listed once per test run (``--list-json``, also
    shared between xdist workers): its ``jobs.json`` and gitlab-ci-local's
    ``.gitlab-ci-local/expanded-gitlab-ci.yml``. A failed listing is not kept; the next reader
    runs it again."""

    def make(folder: Path) -> None:
        result = gitlab_ci_local(pipeline_repository(folder, PIPELINE.read_text()), "--list-json", *args, schema=schema)
        assert result.returncode == 0, result.stdout + result.stderr
        (folder / LISTING).write_text(result.stdout)
        (folder / LISTING_LOG).write_text(result.stderr)

    return shared_once(tmp_path_factory, f"gitlab-ci-local-{name}", make)


def default_branch_listing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default-branch pipeline, with the schema validation: this one run is the check that
    the pipeline file as it is passes it."""
    return _listing(tmp_path_factory, "default-branch", schema=True)


def merge_request_listing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The merge request pipeline (in merge request pipelines GitLab sets no CI_COMMIT_BRANCH)."""
    return _listing(tmp_path_factory, "merge-request", *MR_RUN)


def listed_jobs(listing: Path) -> list[dict]:
    """The jobs the pipeline would contain (``--list-json`` also lists the ``when: never`` ones)."""
    return [job for job in json.loads((listing / LISTING).read_text()) if job["when"] != "never"]


def test_the_pipeline_file_passes_schema_validation(tmp_path_factory: pytest.TempPathFactory) -> None:
    listing = default_branch_listing(tmp_path_factory)
    assert "json schema validated in" in (listing / LISTING_LOG).read_text(), "the listing skipped the schema"
    jobs = listed_jobs(listing)
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


def test_a_merge_request_pipeline_plans_every_stack_and_applies_nothing(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    jobs = listed_jobs(merge_request_listing(tmp_path_factory))
    assert [job["name"] for job in jobs] == ["lint", "test", "synth", "plan: [kubernetes]", "plan: [nomad]", "diff"]
    plans = [job for job in jobs if job["name"].startswith("plan:")]  # the diff job runs in this stage too
    assert all(job["needs"] == [{"job": "synth", "artifacts": True, "optional": False}] for job in plans), plans


# Mutations that GitLab's schema rejects, with the message gitlab-ci-local prints for each.
SCHEMA_MUTATIONS = {
    # GitLab renamed artifacts:public to artifacts:access; the schema knows only the new key.
    "public": (
        "    access: developer\n",
        "    public: false\n",
        "'public' property is not expected to be here at plan.artifacts",
    ),
    "misspelt-key": ("  needs: [synth]\n", "  need: [synth]\n", "'need' property is not expected to be here at plan"),
    "bad-when": ("      when: manual\n", "      when: by-hand\n", "'when' property must be one of"),
}
INVALID = "Invalid .gitlab-ci.yml configuration!"  # what the schema validation's list of errors starts with


def _broken(text: str, replace: str, by: str) -> str:
    assert replace in text, f"the mutation {replace.strip()!r} no longer applies to .gitlab-ci.yml"
    return text.replace(replace, by, 1)


@pytest.fixture(scope="module")
def schema_errors(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """One run on a file with every schema mutation at once (each run compiles the schema, ~0.65 s
    of CPU). gitlab-ci-local validates with every error collected and fails whenever the list is
    not empty, so each error it lists for its own mutation is one that fails the file by itself.
    It prints the first five errors (here six: ``bad-when`` breaks both applies twice)."""
    text = PIPELINE.read_text()
    for replace, by, _ in SCHEMA_MUTATIONS.values():
        text = _broken(text, replace, by)
    return gitlab_ci_local(pipeline_repository(tmp_path_factory.mktemp("broken"), text), "--list-json", schema=True)


@pytest.mark.parametrize("mutation", SCHEMA_MUTATIONS)
def test_a_broken_pipeline_file_fails_schema_validation(
    schema_errors: subprocess.CompletedProcess[str], mutation: str
) -> None:
    output = schema_errors.stdout + schema_errors.stderr
    assert schema_errors.returncode != 0 and INVALID in output, output
    message = SCHEMA_MUTATIONS[mutation][2]
    assert message in output.split(INVALID, 1)[1], output


def test_a_matrix_that_is_no_list_fails_before_the_schema(tmp_path: Path) -> None:
    """gitlab-ci-local's own parser rejects it and stops there: it gets a run of its own."""
    broken = _broken(PIPELINE.read_text(), "      - STACK: [kubernetes, nomad]\n", "      STACK: [kubernetes, nomad]\n")
    result = gitlab_ci_local(pipeline_repository(tmp_path, broken), "--list-json", schema=True)
    assert result.returncode != 0
    assert "plan parallel.matrix is not an array" in result.stdout + result.stderr


@pytest.mark.needs("terraform", "jq")
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


# For a job with an `image`, gitlab-ci-local's CI_PROJECT_DIR is the container's path
# (/builds/<group>/<project>), under the shell executor too: the .python jobs' jsii package cache
# ($CI_PROJECT_DIR/.cache/jsii) would be a directory outside the clone, one that only root can make,
# which keeps ~180 MB and costs ~2.4 s of CPU to unpack on a machine where it is new. Empty, the
# jsii runtime uses its default cache, the one every other synthesis on this machine uses.
REAL_JOB_VARIABLES = ["--variable", "JSII_RUNTIME_PACKAGE_CACHE_ROOT="]


def _share_byte_code(clone: Path) -> None:
    """The synth job's ``-O`` byte-code cache (stacks/runtime.py) mirrors source paths: the clone's
    entries for its .venv (a shadow of the project's) and for the standard library are the
    project's own entries, so the job does not recompile the provider bindings (~10 s) nor the
    standard library (~0.4 s of CPU), and whatever it compiles serves the next run."""
    clone_cache = PYCACHE.replace(str(ROOT), str(clone), 1)
    stdlib = sysconfig.get_paths()["stdlib"]
    for source, seen_from_clone in ((str(ROOT / ".venv"), str(clone / ".venv")), (stdlib, stdlib)):
        shared = Path(PYCACHE + source)
        shared.mkdir(parents=True, exist_ok=True)
        entry = Path(clone_cache + seen_from_clone)
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.symlink_to(shared, target_is_directory=True)


# The synth job's catalog in the shell-job test: one service per stack, one with files of its own
# (files/) and a Nomad jobspec (jobspecs/). What the job proves (`make synth` in the job's
# environment exports both stacks, local backend) does not grow with the catalog; the whole
# catalog's output is the session's synthesis (tests/conftest.py), checked by the parity and
# snapshot tests. It saves ~0.8 s of CPU of ~3 s.
SYNTH_JOB_CATALOG = {"services": ["nginx-sites"], "jobs": ["jayne_martin_counselling"]}


def _small_catalog(clone: Path) -> None:
    catalog = clone / "services.yaml"
    data = yaml.safe_load(catalog.read_text())
    data["services"] = {name: data["services"][name] for name in SYNTH_JOB_CATALOG["services"]}
    data["nomad"]["jobs"] = {name: data["nomad"]["jobs"][name] for name in SYNTH_JOB_CATALOG["jobs"]}
    catalog.write_text(yaml.safe_dump(data, sort_keys=False))
    subprocess.run(
        [*GIT, "commit", "-qam", "a catalog of one service per stack"], cwd=clone, check=True, capture_output=True
    )


@pytest.mark.needs("rsync", why="gitlab-ci-local copies the repository with rsync")
def test_lint_test_and_synth_run_as_shell_jobs(tmp_path: Path) -> None:
    """The three jobs run their real scripts in a clone; the test job runs one small test so that the
    suite does not recurse into itself (see INNER_TESTS), the synth job a small catalog
    (SYNTH_JOB_CATALOG)."""
    require(not os.environ.get(INNER_RUN), "inside the gitlab-ci-local run of the test job: it would recurse")
    clone = copy_project(tmp_path / "clone")
    _small_catalog(clone)
    _shadow(ROOT / ".venv", clone / ".venv", ".synced")
    _shadow(ROOT / "node_modules", clone / "node_modules", ".installed")
    _share_byte_code(clone)

    addopts = f"-p no:cacheprovider --junitxml=report.xml {INNER_TESTS}"
    result = gitlab_ci_local(
        clone,
        "--force-shell-executor",
        *REAL_JOB_VARIABLES,
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
    for stack, resources in {"kubernetes": "kubernetes_config_map", "nomad": "nomad_job"}.items():
        exported = clone / ".gitlab-ci-local" / "artifacts" / "synth" / "cdktf.out" / "stacks" / stack / "cdk.tf.json"
        synthesized = json.loads(exported.read_text())
        assert synthesized["terraform"]["backend"] == {"local": {"path": f"../../../state/{stack}.tfstate"}}
        assert resources in synthesized["resource"], f"{stack}: the catalog's service is not in the artifact"


# --- the gates, run for real with stubbed job bodies ----------------------------------------------

# What the stubs leave where the real jobs leave their files (the artifacts the next jobs read).
STUB_SYNTH = [
    "for stack in kubernetes nomad; do mkdir -p cdktf.out/stacks/$stack;"
    ' echo \'{"terraform": {"backend": {"pg": {}}}}\' > cdktf.out/stacks/$stack/cdk.tf.json; done',
]
STUB_PLAN = [
    "touch cdktf.out/stacks/$STACK/plan.cache cdktf.out/stacks/$STACK/.terraform.lock.hcl",
    'echo \'{"create": 0, "update": 0, "delete": 0}\' > cdktf.out/stacks/$STACK/plan.json',
    'echo "terraform plan of $STACK (stub)"',
]
STUB_APPLY = ['echo "terraform apply of $STACK (stub)"']
# The job fails when the pipeline is run with STUB_FAIL=<its name>.
STUB_RESULT = '[ "$STUB_FAIL" != "$CI_JOB_NAME" ] || { echo "$CI_JOB_NAME fails (stub)"; exit 1; }'
# Default-branch credentials: the plan and apply jobs only test that they are set.
CREDENTIALS = ["PG_CONN_STR=postgres://stub", "K3S_KUBECONFIG=/dev/null", "NOMAD_TOKEN=stub"]


def _credential_check(pipeline: dict) -> str:
    [check] = [step for step in pipeline[".terraform"]["before_script"] if "SKIPPED" in step]
    return check


def stubbed_pipeline(mutate=None) -> str:
    """The real pipeline with the bodies of its jobs replaced by quick stubs. Kept as they are: the
    workflow rules, stages, needs, rules, allow_failure, environments, resource groups, and the
    credential check of the plan and apply jobs (the step that decides whether a plan runs)."""
    pipeline = yaml.safe_load(PIPELINE.read_text())
    check = _credential_check(pipeline)
    pipeline[".python"]["before_script"] = []
    pipeline[".python"].pop("cache")
    pipeline["lint"]["script"] = [STUB_RESULT]
    pipeline["test"]["script"] = [STUB_RESULT, "echo '<testsuite tests=\"0\"/>' > report.xml"]
    pipeline["synth"]["script"] = [STUB_RESULT, *STUB_SYNTH]
    pipeline[".terraform"]["before_script"] = [check]
    pipeline["plan"]["script"] = [STUB_RESULT, *STUB_PLAN]
    pipeline[".apply"]["script"] = [STUB_RESULT, *STUB_APPLY]
    pipeline["diff"]["script"] = [STUB_RESULT, "echo '# review (stub)' > review.md"]
    if mutate:
        mutate(pipeline)
    return yaml.safe_dump(pipeline, sort_keys=False)


def run_pipeline(path: Path, text: str, *args: str) -> tuple[int, str, dict[str, str]]:
    """Runs a whole pipeline as shell jobs; returns (exit code, output, {job: PASS|FAIL|WARN})."""
    require(find_program("rsync"), "rsync not found (gitlab-ci-local copies the repository with it)")
    result = gitlab_ci_local(
        pipeline_repository(path, text),
        "--force-shell-executor",
        *("--home", str(path / ".home")),
        *args,
        timeout=120,
    )
    output = result.stdout + result.stderr
    # The summary: ` PASS  <job>`, ` WARN  <job>  pre_script`, ` FAIL  <job>` (names have single spaces).
    verdicts = {
        name: verdict for verdict, name in re.findall(r"^ (PASS|FAIL|WARN)  (\S+(?: \S+)*)", output, re.MULTILINE)
    }
    return result.returncode, output, verdicts


DEFAULT_BRANCH_RUN = [*(arg for c in CREDENTIALS for arg in ("--variable", c))]
DEFAULT_BRANCH_RUN += ["--manual", "apply-kubernetes", "--manual", "apply-nomad"]  # as if both were started
APPLIES = {"apply-kubernetes", "apply-nomad"}


def _drop_need(job: str):
    def mutate(pipeline: dict) -> None:
        for apply in APPLIES:
            pipeline[apply]["needs"] = [
                need for need in pipeline[apply]["needs"] if (need if isinstance(need, str) else need["job"]) != job
            ]

    return mutate


def test_each_apply_needs_every_gate_of_its_pipeline(tmp_path_factory: pytest.TempPathFactory) -> None:
    jobs = {job["name"]: job for job in listed_jobs(default_branch_listing(tmp_path_factory))}
    for stack in ("kubernetes", "nomad"):
        needs = {need["job"]: need for need in jobs[f"apply-{stack}"]["needs"]}
        assert set(needs) == {"lint", "test", "synth", "plan"}
        assert needs["plan"]["parallel"] == {"matrix": [{"STACK": stack}]}


def test_applies_deploy_to_one_environment_per_stack_one_at_a_time(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Reads the pipeline as gitlab-ci-local expanded it (defaults, extends and references): the
    file each of its runs writes, here the listing's (``--preview`` prints the same minus the
    hidden jobs and ``default``)."""
    listing = default_branch_listing(tmp_path_factory)
    expanded = yaml.safe_load((listing / ".gitlab-ci-local" / "expanded-gitlab-ci.yml").read_text())
    jobs = {name: job for name, job in expanded.items() if isinstance(job, dict) and "script" in job and name[0] != "."}
    for stack in ("kubernetes", "nomad"):
        apply = jobs[f"apply-{stack}"]
        # The operator protects these environments (who may deploy) in the project's settings.
        assert apply["environment"]["name"] == stack
        assert apply["resource_group"] == "state-$STACK" and apply["variables"]["STACK"] == stack
        assert apply["interruptible"] is False, "an apply must never be cancelled halfway"
    # Everything else (the merge request jobs) is cancelled by a newer push.
    assert expanded["default"]["interruptible"] is True
    assert all("interruptible" not in job for name, job in jobs.items() if name not in APPLIES), jobs


# One run per kind of need: that each apply needs every gate is the listing's check
# (test_each_apply_needs_every_gate_of_its_pipeline); these runs show that gitlab-ci-local does not
# start a job whose need failed. `test` is a need without artifacts, as `lint` is (lint would be
# the same run again); `synth` is one with artifacts whose failure also leaves the plans unrun.
@pytest.mark.parametrize("failing", ["test", "synth"])
def test_apply_does_not_start_when_a_gate_fails(tmp_path: Path, failing: str) -> None:
    code, output, verdicts = run_pipeline(
        tmp_path, stubbed_pipeline(), *DEFAULT_BRANCH_RUN, "--variable", f"STUB_FAIL={failing}"
    )
    assert code != 0 and verdicts.get(failing) == "FAIL", output[-3000:]
    assert not APPLIES & set(verdicts), f"an apply ran although {failing} failed:\n{output[-3000:]}"
    assert "terraform apply of" not in output


def test_apply_runs_when_every_gate_passed(tmp_path: Path) -> None:
    """The control of the test above: the stubbed pipeline does reach the applies."""
    code, output, verdicts = run_pipeline(tmp_path, stubbed_pipeline(), *DEFAULT_BRANCH_RUN)
    assert code == 0, output[-3000:]
    assert {job: verdicts.get(job) for job in MAIN_JOBS} == dict.fromkeys(MAIN_JOBS, "PASS"), verdicts


def test_without_the_test_need_gitlab_ci_local_would_start_the_apply(tmp_path: Path) -> None:
    """Shows that the gate test can fail: gitlab-ci-local starts a job once its needs are done."""
    weakened = stubbed_pipeline(_drop_need("test"))
    code, output, verdicts = run_pipeline(tmp_path, weakened, *DEFAULT_BRANCH_RUN, "--variable", "STUB_FAIL=test")
    assert verdicts.get("test") == "FAIL" and verdicts.get("apply-kubernetes") == "PASS", output[-3000:]


def test_a_merge_request_without_plan_credentials_gets_a_green_pipeline(tmp_path: Path) -> None:
    code, output, verdicts = run_pipeline(tmp_path, stubbed_pipeline(), *MR_RUN)
    assert code == 0, output[-3000:]
    assert verdicts == {
        "lint": "PASS",
        "test": "PASS",
        "synth": "PASS",
        "plan: [kubernetes]": "WARN",
        "plan: [nomad]": "WARN",
        "diff": "PASS",  # the rendered diff needs no credential (review/, issue 13)
    }, output[-3000:]
    # The reason is in each plan's log and in the summary, with the names of what is missing.
    assert (
        "SKIPPED: no kubernetes plan in this merge request: the protected CI/CD variables PG_CONN_STR K3S_KUBECONFIG"
        in output
    )
    assert (
        "SKIPPED: no nomad plan in this merge request: the protected CI/CD variables PG_CONN_STR NOMAD_TOKEN" in output
    )
    assert "terraform plan of" not in output


def test_without_the_allowed_exit_code_that_merge_request_would_be_red(tmp_path: Path) -> None:
    """The control: what keeps the pipeline green is the plan's allowed exit code, nothing else."""
    code, output, verdicts = run_pipeline(
        tmp_path, stubbed_pipeline(lambda p: p["plan"].pop("allow_failure", None)), *MR_RUN
    )
    assert code != 0 and verdicts["plan: [kubernetes]"] == "FAIL", output[-3000:]


def test_a_default_branch_pipeline_without_credentials_fails_and_applies_nothing(tmp_path: Path) -> None:
    """Skipping is for merge requests only: on the default branch a missing variable is an error.

    GitLab skips an apply whose plan failed. gitlab-ci-local 4.72 starts it all the same when the
    plan has any ``allow_failure`` (it does not compare the exit code with ``exit_codes``); here the
    apply's own credential check is what stops it, which this test sees too."""
    manual = ["--manual", "apply-kubernetes", "--manual", "apply-nomad"]
    code, output, verdicts = run_pipeline(tmp_path, stubbed_pipeline(), *manual)
    assert code != 0, output[-3000:]
    assert verdicts["plan: [kubernetes]"] == verdicts["plan: [nomad]"] == "FAIL", verdicts
    assert "plan: [kubernetes] needs the CI/CD variables PG_CONN_STR K3S_KUBECONFIG" in output
    assert "plan: [nomad] needs the CI/CD variables PG_CONN_STR NOMAD_TOKEN" in output
    assert all(verdicts.get(apply) != "PASS" for apply in APPLIES), verdicts
    assert "terraform plan of" not in output and "terraform apply of" not in output


# --- the pinned downloads -------------------------------------------------------------------------

DOWNLOADS = {
    # tool: (the job whose scripts download it, the program whose absence triggers the download)
    "NODE": (".python", "node"),
    "TERRAFORM": ("test", "terraform"),
}


def _download_step(job: dict, tool: str) -> str:
    [step] = [s for s in [*job.get("before_script", []), *job.get("script", [])] if f"{tool}_SHA256" in s]
    return step


def _run_download(tmp_path: Path, tool: str, checksum: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """Runs the job's own download step with stand-ins: ``curl`` writes known bytes, ``tar``,
    ``python3`` and ``chmod`` only record that they were called (nothing is installed), and the
    real ``sha256sum`` checks. Returns the result and what was called after the check."""
    pipeline = yaml.safe_load(PIPELINE.read_text())
    job, program = DOWNLOADS[tool]
    step = _download_step(pipeline[job], tool)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for real in ("sha256sum", "grep", "mktemp"):
        (bin_dir / real).symlink_to(shutil.which(real))
    stub = '#!/bin/sh\necho "${0##*/} $*" >> "$CALLS"\n'
    fake_curl = stub + 'while [ "$1" != -o ]; do shift; done; printf "not a release" > "$2"\n'
    for name, text in {"curl": fake_curl, "tar": stub, "python3": stub, "chmod": stub}.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    calls = tmp_path / "calls"
    variables = {k: str(v) for k, v in pipeline["variables"].items()}
    env = {**variables, f"{tool}_SHA256": checksum, "PATH": str(bin_dir), "CALLS": str(calls)}
    env["TMPDIR"] = str(tmp_path)
    assert not (bin_dir / program).exists()
    result = subprocess.run(
        ["/bin/bash", "-eo", "pipefail", "-c", step], env=env, capture_output=True, text=True, timeout=30
    )
    return result, calls.read_text() if calls.exists() else ""


@pytest.mark.parametrize("tool", sorted(DOWNLOADS))
def test_a_download_that_does_not_match_its_pinned_checksum_is_not_installed(tmp_path: Path, tool: str) -> None:
    pinned = yaml.safe_load(PIPELINE.read_text())["variables"][f"{tool}_SHA256"]
    assert re.fullmatch(r"[0-9a-f]{64}", pinned), f"{tool}_SHA256 is not a SHA-256: {pinned!r}"
    result, calls = _run_download(tmp_path, tool, pinned)
    assert result.returncode != 0, result.stdout + result.stderr
    assert f"{tool}_SHA256 is not the checksum" in result.stderr
    assert calls.splitlines()[1:] == [], f"installed although the checksum did not match: {calls}"


@pytest.mark.parametrize("tool", sorted(DOWNLOADS))
def test_a_download_that_matches_its_checksum_is_installed(tmp_path: Path, tool: str) -> None:
    """The control: with the checksum of what curl wrote, the step goes on to unpack it."""
    import hashlib

    result, calls = _run_download(tmp_path, tool, hashlib.sha256(b"not a release").hexdigest())
    assert result.returncode == 0, result.stdout + result.stderr
    assert calls.splitlines()[0].startswith("curl ") and len(calls.splitlines()) > 1, calls
