"""The synthesized nomad stack: one job per catalog entry, jobspecs that Terraform leaves alone,
no token anywhere, and a snapshot of the whole cdk.tf.json."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.deferred import escape_terraform, unescape_terraform

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# An unescaped "${" or "%{" is one not preceded by the escape character of its own kind.
UNESCAPED = re.compile(r"(?<!\$)\$\{|(?<!%)%\{")


@pytest.fixture(scope="session")
def stack_json(tmp_path_factory, catalog) -> dict[str, Any]:
    """Synthesized once: importing the provider bindings costs seconds (so here, not at the
    module's import: a worker that runs none of these tests pays nothing). A fixed, empty
    environment keeps the snapshot independent of NOMAD_ADDR and PG_CONN_STR."""
    from cdktf import App

    from stacks.nomad_stack import NomadStack

    outdir = tmp_path_factory.mktemp("cdktf.out")
    app = App(outdir=str(outdir))
    NomadStack(app, catalog, env={})
    app.synth()
    return json.loads((outdir / "stacks" / "nomad" / "cdk.tf.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def jobs(stack_json) -> dict[str, dict[str, Any]]:
    return stack_json["resource"]["nomad_job"]


def test_stack_has_one_nomad_job_per_catalog_entry_named_by_its_key(jobs, stack_json, catalog):
    assert sorted(jobs) == sorted(catalog.nomad.jobs)
    assert list(stack_json["resource"]) == ["nomad_job"]


def test_every_job_is_purged_on_destroy_and_waits_for_its_deployment(jobs):
    for key, job in jobs.items():
        assert (job["purge_on_destroy"], job["detach"]) == (True, False), key


def test_only_jobs_with_variables_get_an_hcl2_block(jobs):
    assert {key: job.get("hcl2") for key, job in jobs.items() if "hcl2" in job} == {
        "elk": {"vars": {"elastic_version": "9.2.3"}}
    }


def test_provider_address_defaults_to_the_catalog_and_carries_no_credentials(stack_json):
    assert stack_json["provider"]["nomad"] == [{"address": "http://hestia.lan:4646"}]
    # A bare "nomad" source is Terraform's shorthand for registry.terraform.io/hashicorp/nomad.
    assert stack_json["terraform"]["required_providers"]["nomad"]["source"] in ("nomad", "hashicorp/nomad")


def test_nomad_addr_overrides_the_catalog_address(catalog):
    from stacks.nomad_stack import nomad_address

    assert nomad_address(catalog, {"NOMAD_ADDR": "http://127.0.0.1:4646"}) == "http://127.0.0.1:4646"
    assert nomad_address(catalog, {}) == catalog.nomad.address


def test_no_token_is_written_to_the_stack(stack_json):
    text = json.dumps(stack_json)
    assert "secret_id" not in text
    assert "NOMAD_TOKEN" not in text


def test_state_is_kept_per_stack(stack_json):
    assert stack_json["terraform"]["backend"] == {"local": {"path": "../../../state/nomad.tfstate"}}


def test_no_interpolation_reaches_terraform_unescaped(jobs):
    escaped = {key: job["jobspec"] for key, job in jobs.items()}
    # The check is not vacuous: every jobspec but one has a Nomad runtime "${...}" to protect.
    assert sum("$${" in text for text in escaped.values()) >= 5
    for key, text in escaped.items():
        assert UNESCAPED.findall(text) == [], key


def test_the_unescaped_check_catches_a_bare_interpolation():
    assert UNESCAPED.findall("a ${b} $${c} %{ if x } %%{d}") == ["${", "%{"]


def test_each_synthesized_jobspec_is_the_file_text_once_terraform_unescapes_it(jobs, catalog):
    for key, job in jobs.items():
        original = (PROJECT_ROOT / catalog.nomad.jobs[key].jobspec).read_text(encoding="utf-8")
        assert unescape_terraform(job["jobspec"]) == original, key


def test_escaping_round_trips_hcl2_escapes_and_template_directives():
    text = "a ${b} $${c} %{ if d }e%{ endif } $$$${f}"
    assert escape_terraform(text) == "a $${b} $$${c} %%{ if d }e%%{ endif } $$$$${f}"
    assert unescape_terraform(escape_terraform(text)) == text


@pytest.mark.slow
def test_terraform_itself_evaluates_each_jobspec_to_the_file_text(jobs, tmp_path, catalog):
    """The real proof: Terraform's template engine, offline, on an outputs-only configuration."""
    terraform = shutil.which("terraform")
    assert terraform, "terraform is needed on PATH for this check"
    config = {"output": {key: {"value": job["jobspec"]} for key, job in jobs.items()}}
    (tmp_path / "main.tf.json").write_text(json.dumps(config), encoding="utf-8")
    run = [terraform, f"-chdir={tmp_path}"]
    applied = subprocess.run(
        [*run, "apply", "-auto-approve", "-input=false", "-no-color"], capture_output=True, text=True, timeout=120
    )
    assert applied.returncode == 0, applied.stderr
    outputs = json.loads(subprocess.run([*run, "output", "-json"], capture_output=True, text=True, check=True).stdout)
    for key in jobs:
        original = (PROJECT_ROOT / catalog.nomad.jobs[key].jobspec).read_text(encoding="utf-8")
        assert outputs[key]["value"] == original, key


def test_nomad_stack_matches_snapshot(stack_json, snapshot):
    assert stack_json == snapshot
