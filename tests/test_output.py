"""The output swap keeps everything it did not write: Terraform's working files, a stack's folder
that is no longer synthesized (without its old configuration), rendered manifests; ``clean``
removes only what synthesis and rendering wrote. Plain files, no cdktf: the synthesis is a stub
that writes what ``app.synth()`` writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stacks.fingerprint import FILE_NAME as FINGERPRINT
from stacks.output import clean, stack_summaries, synthesize_into


def _fake_synth(stacks: dict[str, int]):
    """Writes what main.py's synthesis writes: manifest.json, stacks/<name>/cdk.tf.json with
    ``count`` resources each, and the fingerprint of its inputs."""

    def synth(scratch: Path) -> None:
        (scratch / "manifest.json").write_text(json.dumps({"stacks": sorted(stacks)}))
        (scratch / FINGERPRINT).write_text(json.dumps({"stacks": stacks}))
        for name, count in stacks.items():
            folder = scratch / "stacks" / name
            folder.mkdir(parents=True)
            resources = {"terraform_data": {f"r{i}": {} for i in range(count)}} if count else {}
            (folder / "cdk.tf.json").write_text(json.dumps({"resource": resources}))

    return synth


@pytest.fixture
def worked_in(tmp_path) -> Path:
    """An output folder after `terraform init`, `cdktf diff` and `make render`."""
    out = tmp_path / "cdktf.out"
    synthesize_into(out, _fake_synth({"kubernetes": 2, "nomad": 1}))
    for stack in ("kubernetes", "nomad"):
        (out / "stacks" / stack / ".terraform" / "providers").mkdir(parents=True)
        (out / "stacks" / stack / ".terraform" / "terraform.tfstate").write_text("backend settings")
        (out / "stacks" / stack / ".terraform.lock.hcl").write_text(f"lock of {stack}")
    (out / "stacks" / "kubernetes" / "plan").write_text("a saved plan")
    (out / "manifests" / "kubernetes").mkdir(parents=True)
    (out / "manifests" / "kubernetes" / "a.yaml").write_text("kind: Service")
    return out


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_new_synthesis_replaces_the_configuration_and_keeps_everything_else(worked_in):
    before = _files(worked_in)
    synthesize_into(worked_in, _fake_synth({"kubernetes": 3, "nomad": 1}))
    after = _files(worked_in)
    assert json.loads(after["stacks/kubernetes/cdk.tf.json"])["resource"]["terraform_data"].keys() == {"r0", "r1", "r2"}
    kept = {k: v for k, v in before.items() if not k.endswith(("cdk.tf.json", "manifest.json", FINGERPRINT))}
    assert {k: after[k] for k in kept} == kept
    assert [p.name for p in worked_in.parent.iterdir()] == ["cdktf.out"], "a scratch or previous folder was left"


def test_a_stack_no_longer_synthesized_keeps_terraforms_files_but_not_its_configuration(worked_in):
    synthesize_into(worked_in, _fake_synth({"kubernetes": 2}))
    nomad = worked_in / "stacks" / "nomad"
    assert (nomad / ".terraform.lock.hcl").read_text() == "lock of nomad"
    assert not (nomad / "cdk.tf.json").exists(), "a removed stack would still be validated and summarized"
    assert [line.split(":")[0] for line in stack_summaries(worked_in)] == ["kubernetes"]


def test_a_failing_synthesis_changes_nothing_and_leaves_no_scratch_folder(worked_in):
    before = _files(worked_in)

    def broken(scratch: Path) -> None:
        _fake_synth({"kubernetes": 9})(scratch)
        raise RuntimeError("rule violated")

    with pytest.raises(RuntimeError, match="rule violated"):
        synthesize_into(worked_in, broken)
    assert _files(worked_in) == before
    assert [p.name for p in worked_in.parent.iterdir()] == ["cdktf.out"]


def test_clean_removes_what_synthesis_and_rendering_wrote_and_nothing_else(worked_in):
    before = _files(worked_in)
    left = clean(worked_in)
    after = _files(worked_in)
    assert not any(k.endswith(("cdk.tf.json", "manifest.json")) or k.startswith("manifests") for k in after)
    assert after == {k: v for k, v in before.items() if k in after}
    assert "stacks/nomad/.terraform.lock.hcl" in after and len(after) == 5
    assert sorted(str(p.relative_to(worked_in)) for p in left) == sorted(after)


def test_clean_of_an_output_folder_nobody_worked_in_removes_it(tmp_path):
    out = tmp_path / "cdktf.out"
    synthesize_into(out, _fake_synth({"kubernetes": 1}))
    assert clean(out) == [] and not out.exists()


def test_one_summary_line_per_stack_with_its_resource_count_and_file(worked_in):
    lines = stack_summaries(worked_in)
    assert [line.split(" -> ")[0] for line in lines] == ["kubernetes: 2 resources", "nomad: 1 resource"]
    assert all(line.split(" -> ")[1].endswith("/cdk.tf.json") for line in lines)
