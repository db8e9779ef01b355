"""Local state is never deleted: the real Terraform applies a stack, and no later synthesis (good,
with a catalog error, with a rule violation), nor ``make clean``, nor the cdktf CLI removing a
stack's folder, costs it its state or its working files.

The stack is provider-free (builtin ``terraform_data``) but is synthesized through the real
backend code (``stacks.backend.configure_backend``) and the real output swap
(``stacks.output.synthesize_into``), into a project-like folder: ``<root>/cdktf.out`` with the
state in ``<root>/state``. The failing syntheses run ``main.py`` itself on that same folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.catalog_source import dump, services_data
from tests.conftest import PROJECT_ROOT
from tests.terraform_copy import terraform

STACK = "probe"
TIMEOUT = 120

pytestmark = pytest.mark.slow


def _synth(outdir: Path, resources: int = 2) -> None:
    """The probe stack through the same backend code and the same swap as main.py."""
    from cdktf import App, TerraformProviderGeneratorMetadata, TerraformResource, TerraformStack

    from stacks.backend import configure_backend
    from stacks.output import synthesize_into

    def synth(scratch: Path) -> None:
        app = App(outdir=str(scratch), skip_validation=True)  # builtin resources only: no provider block
        stack = TerraformStack(app, STACK)
        configure_backend(stack, STACK, env={})
        for index in range(resources):
            probe = TerraformResource(
                stack,
                f"probe{index}",
                terraform_resource_type="terraform_data",
                terraform_generator_metadata=TerraformProviderGeneratorMetadata(provider_name="terraform"),
            )
            probe.add_override("input", f"value {index}")
        app.synth()

    synthesize_into(outdir, synth)


def _terraform(stack_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return terraform(stack_dir, *args, timeout=TIMEOUT)


def _main(root: Path, catalog_text: str) -> subprocess.CompletedProcess:
    catalog = root / "services.yaml"
    catalog.write_text(catalog_text)
    env = {**os.environ, "CLUSTER_STATE_CATALOG": str(catalog), "CDKTF_OUTDIR": str(root / "cdktf.out")}
    env.pop("PG_CONN_STR", None)
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "main.py")], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` except the catalog the failing runs write: path -> content."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "services.yaml"
    }


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project-like root whose probe stack Terraform has initialised and applied."""
    root = tmp_path_factory.mktemp("project")
    _synth(root / "cdktf.out")
    stack_dir = root / "cdktf.out" / "stacks" / STACK
    # `plan -out plan` is what `cdktf diff` leaves in the stack folder; then the apply of that plan
    for args in (("init", "-input=false"), ("plan", "-input=false", "-out", "plan"), ("apply", "-input=false", "plan")):
        result = _terraform(stack_dir, *args)
        assert result.returncode == 0, result.stdout + result.stderr
    return root


def _state(root: Path) -> dict:
    return json.loads((root / "state" / f"{STACK}.tfstate").read_text())


def _assert_no_change(root: Path, state_before: dict) -> None:
    result = _terraform(root / "cdktf.out" / "stacks" / STACK, "plan", "-input=false", "-detailed-exitcode")
    assert result.returncode == 0, f"plan shows changes or failed:\n{result.stdout}{result.stderr}"
    state = _state(root)
    assert state["serial"] == state_before["serial"] and state["lineage"] == state_before["lineage"]
    assert state["resources"] == state_before["resources"]


def test_state_lives_beside_the_output_folder_not_in_it(applied):
    stack_dir = applied / "cdktf.out" / "stacks" / STACK
    assert len(_state(applied)["resources"]) == 2
    inside = [p for p in (applied / "cdktf.out").rglob("*.tfstate") if ".terraform" not in p.parts]
    assert inside == [], "state was written inside cdktf.out"  # .terraform/terraform.tfstate: backend settings
    # builtin providers are not locked, so there is no .terraform.lock.hcl here; the swap keeps it like
    # any other file it did not write (tests/test_output.py)
    assert (stack_dir / ".terraform" / "terraform.tfstate").is_file() and (stack_dir / "plan").is_file()


def test_a_good_synthesis_keeps_terraforms_working_files_and_the_plan_is_empty(applied):
    stack_dir = applied / "cdktf.out" / "stacks" / STACK
    before = _state(applied)
    kept = {name: (stack_dir / name).read_bytes() for name in (".terraform/terraform.tfstate", "plan")}
    _synth(applied / "cdktf.out")
    assert {name: (stack_dir / name).read_bytes() for name in kept} == kept
    # no `terraform init` in between: the backend settings in .terraform/ survived the swap
    _assert_no_change(applied, before)
    assert [p.name for p in applied.iterdir() if p.name.startswith(".")] == [], "a scratch folder was left behind"


def test_a_refused_catalog_exits_2_and_leaves_everything(applied):
    """A rule of the catalog, the last check main.py makes before it synthesizes: a shape error
    (a field missing, a wrong type) is refused earlier on the same path (load_catalog's
    CatalogError, exit 2), so one run and one plan prove both leave the output and the state."""
    before_files, before_state = _snapshot(applied), _state(applied)
    data = services_data()
    data["services"]["overseerr"]["workloads"]["overseerr"]["volumes"]["data"] = {"glusterfs": "db"}
    result = _main(applied, dump(data))
    assert result.returncode == 2, result.stderr
    assert ": rule sqlite-on-network-storage: " in result.stderr and "Traceback" not in result.stderr
    assert _snapshot(applied) == before_files
    _assert_no_change(applied, before_state)


def test_state_survives_the_output_folder_being_removed(applied):
    """What `cdktf synth` does to the folder of a stack it no longer synthesizes, and what the old
    `make clean` did: the state is elsewhere, so after a fresh `init` the plan is still empty."""
    before = _state(applied)
    shutil.rmtree(applied / "cdktf.out")
    _synth(applied / "cdktf.out")
    result = _terraform(applied / "cdktf.out" / "stacks" / STACK, "init", "-input=false")
    assert result.returncode == 0, result.stdout + result.stderr
    _assert_no_change(applied, before)


def test_git_never_commits_local_state():
    for path in (
        "state/kubernetes.tfstate",
        "state/nomad.tfstate.backup",
        "cdktf.out/stacks/nomad/.terraform.lock.hcl",
    ):
        result = subprocess.run(["git", "check-ignore", "-q", path], cwd=PROJECT_ROOT, capture_output=True)
        assert result.returncode == 0, f"{path} is not ignored by .gitignore: {result.stderr!r}"
