"""The jobspecs under jobspecs/: valid HCL, consistent with the catalog, and faithful to the reference.

HCL validity is judged by HashiCorp's own parser (``terraform fmt -`` on stdin, offline), the
structure by python-hcl2, normalised to the shape of the reference's parsed jobs: labelled
blocks (``job``, ``group``, ``task``, ``port``, ``variable``) as mappings by label, other blocks
as lists of mappings.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import hcl2
import pytest

from rules import load_catalog

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ORACLE = PROJECT_ROOT / "tests" / "reference" / "oracle-facts.json"
SIDECAR_MIN_MEMORY = 256
SIDECAR_MIN_MEMORY_MAX = 512

CATALOG = load_catalog()
JOBS = CATALOG.nomad.jobs
_HCL2_OPTIONS = hcl2.SerializationOptions(with_comments=False, preserve_heredocs=False, strip_string_quotes=True)


def parse_jobspec(text: str) -> dict[str, Any]:
    """The jobspec as the reference shows a parsed job: ``{"job": {name: {...}}, "variable": {...}}``."""
    return _normalise(hcl2.loads(text, serialization_options=_HCL2_OPTIONS))


def _normalise(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _normalise(v) for k, v in node.items() if k != "__is_block__"}
    if isinstance(node, list) and node and all(isinstance(item, dict) for item in node):
        if all(item.get("__is_block__") for item in node):
            return [_normalise(item) for item in node]
        if all(_is_labelled_block(item) for item in node):
            return {label: _normalise(body) for item in node for label, body in item.items()}
    if isinstance(node, list):
        return [_normalise(item) for item in node]
    return node


def _is_labelled_block(item: dict[str, Any]) -> bool:
    return len(item) == 1 and all(isinstance(v, dict) and v.get("__is_block__") for v in item.values())


def jobspec_text(key: str) -> str:
    return (PROJECT_ROOT / JOBS[key].jobspec).read_text(encoding="utf-8")


def services_of(job_body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every service of a job, at group and at task level."""
    found = []
    for group in job_body.get("group", {}).values():
        found += group.get("service", [])
        for task in group.get("task", {}).values():
            found += task.get("service", [])
    return found


def _all_services(parsed: dict[str, Any]) -> list[dict[str, Any]]:
    return [service for body in parsed.get("job", {}).values() for service in services_of(body)]


def sidecar_problems(parsed: dict[str, Any]) -> list[str]:
    """Connect sidecars below the cluster's rule (>= 256 MB memory, >= 512 MB memory_max)."""
    problems = []
    for job_name, body in parsed.get("job", {}).items():
        for service in services_of(body):
            for connect in service.get("connect", []):
                if not connect.get("sidecar_service"):
                    continue
                resources = [r for t in connect.get("sidecar_task", []) for r in t.get("resources", [])]
                memory = max((r.get("memory", 0) for r in resources), default=0)
                memory_max = max((r.get("memory_max", 0) for r in resources), default=0)
                if memory < SIDECAR_MIN_MEMORY or memory_max < SIDECAR_MIN_MEMORY_MAX:
                    problems.append(f"{job_name}: sidecar memory={memory} memory_max={memory_max}")
    return problems


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict[str, Any]]:
    return {key: parse_jobspec(jobspec_text(key)) for key in JOBS}


def test_the_catalog_lists_the_six_nomad_jobs():
    assert sorted(JOBS) == sorted(
        [
            "plugin_csi_controller",
            "plugin_csi_nodes",
            "plugin_csi_glusterfs_controller",
            "plugin_csi_glusterfs_nodes",
            "elk",
            "jayne_martin_counselling",
        ]
    )


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(JOBS))
def test_jobspec_parses_with_the_hashicorp_hcl_parser(key):
    terraform = shutil.which("terraform")
    assert terraform, "terraform is needed on PATH: its `fmt -` is the HashiCorp HCL parser this check relies on"
    result = subprocess.run(
        [terraform, "fmt", "-no-color", "-"], input=jobspec_text(key), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, f"{JOBS[key].jobspec} does not parse:\n{result.stderr}"


@pytest.mark.slow
def test_the_hcl_parser_check_rejects_a_broken_jobspec():
    result = subprocess.run(
        ["terraform", "fmt", "-no-color", "-"], input='job "x" {\n  group "a" {\n', capture_output=True, text=True
    )
    assert result.returncode != 0


@pytest.mark.parametrize("key", sorted(JOBS))
def test_jobspec_declares_exactly_the_job_the_catalog_names(key, parsed):
    assert list(parsed[key]["job"]) == [JOBS[key].job]


@pytest.mark.parametrize("key", sorted(JOBS))
def test_every_variable_passed_is_declared_in_the_jobspec(key, parsed):
    declared = set(parsed[key].get("variable", {}))
    assert set(JOBS[key].vars) <= declared, f"passed but not declared: {set(JOBS[key].vars) - declared}"


@pytest.mark.parametrize("key", sorted(JOBS))
def test_every_declared_variable_without_a_default_is_passed(key, parsed):
    required = {name for name, body in parsed[key].get("variable", {}).items() if "default" not in body}
    assert required <= set(JOBS[key].vars), f"declared without default but not passed: {required - set(JOBS[key].vars)}"


def test_elk_takes_the_elastic_version_as_an_hcl2_variable_for_both_images(parsed):
    assert JOBS["elk"].vars == {"elastic_version": "9.2.3"}
    groups = parsed["elk"]["job"]["elk"]["group"]
    images = [task["config"][0]["image"] for group in groups.values() for task in group["task"].values()]
    assert images and all(image.endswith(":${var.elastic_version}") for image in images)


def test_every_connect_sidecar_gets_the_cluster_memory_floor(parsed):
    with_sidecar = [key for key, p in parsed.items() if any(s.get("connect") for s in _all_services(p))]
    assert "jayne_martin_counselling" in with_sidecar  # the check below is not vacuous
    assert [problem for p in parsed.values() for problem in sidecar_problems(p)] == []


def test_the_sidecar_check_rejects_a_sidecar_left_at_nomads_defaults():
    bare = """
        job "j" {
          group "g" {
            service {
              connect {
                sidecar_service {}
              }
            }
          }
        }
        """
    small = bare.replace("sidecar_service {}", "sidecar_service {}\nsidecar_task {\nresources {\nmemory = 256\n}\n}")
    assert sidecar_problems(parse_jobspec(bare)) == ["j: sidecar memory=0 memory_max=0"]
    assert sidecar_problems(parse_jobspec(small)) == ["j: sidecar memory=256 memory_max=0"]


# --- parity with the reference ------------------------------------------------------------------


def _oracle_jobs() -> dict[str, dict[str, Any]]:
    entries = json.loads(ORACLE.read_text(encoding="utf-8"))
    return {e["module"]: e for e in entries if e["type"] == "nomad_job"}


def _comparable(job: dict[str, Any], hcl2_vars: dict[str, str]) -> Any:
    """The job with HCL2 variables substituted and what the reference elides or lacks removed.

    Template bodies are elided in the reference (written afresh here), and ``sidecar_task``
    is this project's addition for the sidecar memory rule.
    """
    text = json.dumps(job, sort_keys=True)
    for name, value in hcl2_vars.items():
        text = text.replace("${var." + name + "}", value)
    job = json.loads(text)
    for body in job.values():
        for group in body.get("group", {}).values():
            for service in group.get("service", []):
                for connect in service.get("connect", []):
                    connect.pop("sidecar_task", None)
            for task in group.get("task", {}).values():
                for template in task.get("template", []):
                    template.pop("data", None)
    return job


def test_the_reference_has_the_same_six_nomad_jobs():
    assert sorted(_oracle_jobs()) == sorted(JOBS)


@pytest.mark.parametrize("key", sorted(JOBS))
def test_jobspec_matches_the_reference_job(key, parsed):
    """Job name, type, namespace, groups, counts, constraints, networks and ports, services with
    tags and checks, tasks, drivers, images, args, volumes, resources, env, template targets."""
    oracle = _oracle_jobs()[key]
    assert oracle["attributes"]["purge_on_destroy"] is True and oracle["attributes"]["detach"] is False
    assert JOBS[key].vars == oracle.get("hcl2_vars", {})
    ours = _comparable(parsed[key]["job"], JOBS[key].vars)
    theirs = _comparable(oracle["job"]["job"], {})
    assert ours == theirs
    assert sorted(parsed[key].get("variable", {})) == sorted(oracle["job"].get("variable", {}))
