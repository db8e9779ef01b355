"""Renovate itself, at the version the cluster's renovate CronJob runs, reads `renovate.json` and
extracts every image of the catalog, of the jobspecs and of the pipeline with the name and tag they
carry. Nothing here imitates Renovate's regex engine: RE2 without the multiline flag is what decides.

One offline run (`--platform=local --dry-run=extract`, every HTTP request sent to a closed local
port) per session, on a git copy of the project; its JSON log's "Extracted dependencies" report is
what the assertions read, and its lines on reading renovate.json (migration, validation) stand for a
second Node process running `renovate-config-validator`. The expected references are counted from
the loaded catalog and the files.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
import typing
from collections import Counter
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml
from pydantic import BaseModel

from catalog.model.base import Image
from tests.conftest import PROJECT_ROOT
from tests.project_copy import copy_project

BIN = PROJECT_ROOT / "node_modules" / ".bin"
RENOVATE = BIN / "renovate"
# The cluster runs ghcr.io/renovatebot/renovate:<major> (services.yaml); the npm pin follows it.
CLUSTER_RENOVATE_IMAGE = "ghcr.io/renovatebot/renovate"
# Nothing listens here: a lookup that slipped through would fail instead of reaching a registry.
CLOSED_PORT = "http://127.0.0.1:9"

pytestmark = pytest.mark.slow

Ref = tuple[str, str]  # (depName, currentValue)


def _split(image: str) -> Ref:
    name, _, tag = image.rpartition(":")
    return name, tag


def _renovate_environment(base_dir: Path) -> dict[str, str]:
    """The caller's environment minus every Renovate setting and token, plus the offline switches."""
    drop = ("RENOVATE_", "GITHUB_COM_TOKEN", "LOG_", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")
    environment = {k: v for k, v in os.environ.items() if not k.upper().startswith(drop)}
    environment.update(
        LOG_FORMAT="json",
        LOG_LEVEL="debug",  # "HTTP statistics" is a debug line
        RENOVATE_BASE_DIR=str(base_dir),
        RENOVATE_CACHE_DIR=str(base_dir / "cache"),
        HTTP_PROXY=CLOSED_PORT,
        HTTPS_PROXY=CLOSED_PORT,
        http_proxy=CLOSED_PORT,
        https_proxy=CLOSED_PORT,
    )
    return environment


def _tool(path: Path) -> str:
    if not path.exists():
        pytest.fail(f"{path.name} is not installed: `npm ci` (devDependency renovate in package.json)")
    return str(path)


@pytest.fixture(scope="session")
def renovate_log(tmp_path_factory) -> list[dict[str, Any]]:
    """The JSON log lines of one real offline extract run over a git copy of the project."""
    renovate = _tool(RENOVATE)
    repository = copy_project(tmp_path_factory.mktemp("renovate-repo"))
    environment = _renovate_environment(tmp_path_factory.mktemp("renovate-base"))
    command = [renovate, "--platform=local", "--dry-run=extract"]
    try:
        result = subprocess.run(command, cwd=repository, env=environment, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired as expired:
        pytest.fail(f"renovate did not finish in {expired.timeout} s: {(expired.stderr or b'')[-3000:]!r}")
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    errors = [line["msg"] for line in lines if line.get("level", 0) >= 50]
    assert result.returncode == 0 and not errors, f"renovate failed: {errors}\n{result.stderr[-3000:]}"
    return lines


def _logged(log: list[dict[str, Any]], message: str) -> dict[str, Any]:
    found = [line for line in log if line["msg"] == message]
    assert len(found) == 1, f"renovate logged {len(found)} {message!r} lines"
    return found[0]


@pytest.fixture(scope="session")
def extracted(renovate_log) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """``{file: {manager: [dep, ...]}}`` from Renovate's "Extracted dependencies" report."""
    by_file: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for manager, package_files in _logged(renovate_log, "Extracted dependencies")["packageFiles"].items():
        for package_file in package_files:
            by_file.setdefault(package_file["packageFile"], {}).setdefault(manager, []).extend(package_file["deps"])
    return by_file


def _refs(deps: list[dict[str, Any]]) -> Counter[Ref]:
    return Counter((dep.get("depName"), dep.get("currentValue")) for dep in deps if not dep.get("skipReason"))


def _regex_refs(extracted, file: str) -> Counter[Ref]:
    return _refs(extracted.get(file, {}).get("regex", []))


# --- what the repository holds -------------------------------------------------------------------

_IMAGE_METADATA = list(typing.get_args(Image)[1:])


def _images_of(node: Any) -> list[str]:
    """Every value of a field typed ``Image`` anywhere in the catalog model (containers, init
    containers, cron jobs, the cluster's litestream image, and whatever gains an image field later)."""
    if isinstance(node, BaseModel):
        found = []
        for name, field in type(node).model_fields.items():
            value = getattr(node, name)
            if field.metadata == _IMAGE_METADATA and isinstance(value, str):
                found.append(value)
            else:
                found += _images_of(value)
        return found
    if isinstance(node, dict):
        return [image for value in node.values() for image in _images_of(value)]
    if isinstance(node, list | tuple):
        return [image for value in node for image in _images_of(value)]
    return []


def _jobspec_images(path: Path) -> list[str]:
    def walk(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["image"]] if isinstance(node.get("image"), str) else []
            return own + [image for key, value in node.items() if key != "image" for image in walk(value)]
        if isinstance(node, list):
            return [image for value in node for image in walk(value)]
        return []

    options = hcl2.SerializationOptions(with_comments=False, strip_string_quotes=True)
    return walk(hcl2.loads(path.read_text(), serialization_options=options))


VARIABLE = re.compile(r"\$\{var\.([A-Za-z_][A-Za-z0-9_]*)\}")


def _jobspec_pins(catalog) -> list[tuple[str, set[str]]]:
    """One pin per HCL2 variable that is a jobspec's image tag: (the catalog's value, the names of
    the images that use it); the pin names one of them."""
    pins = []
    for job in catalog.nomad.jobs.values():
        users: dict[str, set[str]] = {}
        for image in _jobspec_images(PROJECT_ROOT / job.jobspec):
            name, tag = _split(image)
            if match := VARIABLE.fullmatch(tag):
                users.setdefault(match[1], set()).add(name)
        pins += [(job.vars[var], names) for var, names in sorted(users.items())]
    return pins


def _gitlab_ci() -> dict[str, Any]:
    return yaml.safe_load((PROJECT_ROOT / ".gitlab-ci.yml").read_text())


def _pipeline_images(pipeline: dict[str, Any]) -> list[str]:
    """Every `image:` of the pipeline (jobs, hidden templates, `default`), as written."""
    images = []
    for job in pipeline.values():
        if isinstance(job, dict) and "image" in job:
            image = job["image"]
            images.append(image["name"] if isinstance(image, dict) else image)
    return images


# --- the assertions ------------------------------------------------------------------------------


def test_renovate_reads_renovate_json_and_finds_nothing_to_migrate_warn_about_or_refuse(renovate_log) -> None:
    """What `renovate-config-validator --strict` checks, on the extract run's own reading of the file:
    the same migrateConfig, massageConfig and validateConfig, in the mode the cluster's Renovate uses
    for a repository (the validator given a file name validates it as global configuration, which
    accepts a global-only option such as `binarySource` that the cluster's run only warns about)."""
    refused = ("Config migration necessary", "Found renovate config warnings", "Found renovate config errors")
    found = [line for line in renovate_log if line["msg"] in refused]
    assert not found, [(line["msg"], line.get("errors") or line.get("warnings") or line["newConfig"]) for line in found]
    messages = [line["msg"] for line in renovate_log]
    assert "Found renovate.json config file" in messages
    assert messages.count("No config migration necessary") == 1, "renovate.json was not read and validated once"


def test_the_enabled_managers_are_the_ones_that_find_dependencies(extracted) -> None:
    """`enabledManagers` in renovate.json spares the cluster's Renovate (and this test) the other
    ~120 managers; a manager listed there that finds nothing is a stale entry."""
    enabled = json.loads((PROJECT_ROOT / "renovate.json").read_text())["enabledManagers"]
    used = {manager for managers in extracted.values() for manager, deps in managers.items() if deps}
    assert {name.removeprefix("custom.") for name in enabled} == used


def test_renovate_runs_offline(renovate_log) -> None:
    statistics = _logged(renovate_log, "HTTP statistics")
    assert statistics["requests"] == 0 and statistics["hosts"] == {}, statistics


def test_every_image_of_the_catalog_is_extracted_with_its_tag(catalog, extracted) -> None:
    expected = Counter(_split(image) for image in _images_of(catalog))
    assert expected, "the catalog has no image?"
    found = _regex_refs(extracted, "services.yaml")
    missing = expected - found
    assert not missing, f"Renovate does not see {sum(missing.values())} of {sum(expected.values())}: {missing}"


def test_services_yaml_yields_only_the_images_and_the_jobspec_pins(catalog, extracted) -> None:
    found = _regex_refs(extracted, "services.yaml")
    pins = found - Counter(_split(image) for image in _images_of(catalog))
    expected = _jobspec_pins(catalog)
    assert sum(pins.values()) == len(expected), (pins, expected)
    for value, names in expected:
        assert [ref for ref in pins if ref[1] == value and ref[0] in names], f"no pin {value} for {names}: {pins}"
    deps = extracted["services.yaml"]["regex"]
    assert {dep.get("datasource") for dep in deps} == {"docker"}
    assert not [dep for dep in deps if dep.get("skipReason")]


def test_the_hcl2_variable_pin_of_elk_is_extracted(catalog, extracted) -> None:
    version = catalog.nomad.jobs["elk"].vars["elastic_version"]
    images = {"docker.elastic.co/elasticsearch/elasticsearch", "docker.elastic.co/kibana/kibana"}
    assert (version, images) in _jobspec_pins(catalog)
    assert _regex_refs(extracted, "services.yaml")[("docker.elastic.co/elasticsearch/elasticsearch", version)] == 1


@pytest.mark.parametrize("jobspec", sorted(p.name for p in (PROJECT_ROOT / "jobspecs").glob("*.nomad.hcl")))
def test_every_literal_image_of_a_jobspec_is_extracted(jobspec: str, extracted) -> None:
    images = _jobspec_images(PROJECT_ROOT / "jobspecs" / jobspec)
    assert images, f"{jobspec} has no image?"
    literal = Counter(_split(image) for image in images if "${" not in image)
    assert _regex_refs(extracted, f"jobspecs/{jobspec}") == literal


def test_every_image_and_tool_version_of_the_pipeline_is_extracted(extracted) -> None:
    pipeline = _gitlab_ci()
    variables = {k: str(v) for k, v in pipeline.get("variables", {}).items()}
    found = extracted.get(".gitlab-ci.yml", {})
    literal, pinned = _refs(found.get("gitlabci", [])), _regex_refs(extracted, ".gitlab-ci.yml")
    images = _pipeline_images(pipeline)
    assert images, "the pipeline has no image?"
    for image in images:
        name, tag = _split(re.sub(r"\$\{?(\w+)\}?", lambda m: variables[m[1]], image))
        # A tag written as a variable is updated where the variable is pinned.
        where = pinned if "$" in image else literal
        assert where[(name, tag)], f"{image} ({name}:{tag}) is not extracted: images {literal}, pins {pinned}"
    # Every pinned download: <TOOL>_VERSION beside <TOOL>_SHA256.
    tools = {name.removesuffix("_SHA256") for name in variables if name.endswith("_SHA256")}
    assert {"NODE", "TERRAFORM"} <= tools
    for tool in tools:
        value = variables[f"{tool}_VERSION"]
        assert [ref for ref in pinned if ref[1] == value], f"{tool}_VERSION={value} is not pinned: {pinned}"


def test_every_package_of_package_json_and_of_the_pipfile_is_extracted(extracted) -> None:
    """The npm and Python pins reach Renovate too (what would go unseen if `enabledManagers` lost
    `npm` or `pipenv`)."""
    package_json = json.loads((PROJECT_ROOT / "package.json").read_text())
    pipfile = tomllib.loads((PROJECT_ROOT / "Pipfile").read_text())
    declared = {
        ("package.json", "npm"): {*package_json.get("dependencies", {}), *package_json.get("devDependencies", {})},
        ("Pipfile", "pipenv"): {*pipfile.get("packages", {}), *pipfile.get("dev-packages", {})},
    }
    for (file, manager), names in declared.items():
        assert names, f"{file} declares no package?"
        found = {dep.get("depName") for dep in extracted.get(file, {}).get(manager, [])}
        assert found == names, f"{file}: Renovate's {manager} manager extracts {found}, the file declares {names}"


def test_the_renovate_dev_dependency_is_at_the_major_the_cluster_runs(catalog) -> None:
    [image] = [image for image in _images_of(catalog) if _split(image)[0] == CLUSTER_RENOVATE_IMAGE]
    major = _split(image)[1].split(".")[0]
    pin = json.loads((PROJECT_ROOT / "package.json").read_text())["devDependencies"]["renovate"]
    assert pin.split(".")[0] == major, f"package.json pins renovate {pin}, the cluster runs {image}"
