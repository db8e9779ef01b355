"""The ``defaults:`` section of services.yaml: entries inherit it where they write nothing and
override it where they do; an inherited value keeps the line it came from; a value equal to the
inherited one is refused like a restated model default; a bad ``defaults:`` is one located line."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from catalog import CatalogError
from catalog.model import Catalog
from catalog.model.defaults import inherit
from rules import load_catalog
from tests.catalog_source import services_data
from tests.conftest import PROJECT_ROOT

RESOURCES = "resources: {requests: {cpu: 1m}, limits: {cpu: 1m}}"

SMALL = f"""\
cluster:
  domain: example.org
  nodes: {{hestia: {{arch: amd64}}}}
  minio_endpoint: http://minio:9000
  litestream_image: litestream/litestream:0.5
defaults:
  liveness: {{period: 30, timeout: 5}}
  readiness: {{period: 10}}
services:
  web:
    workloads:
      web:
        init_containers:
          init:
            image: busybox:1.36
            {RESOURCES}
        containers:
          web:
            image: nginx:1.27
            ports: [{{port: 80}}]
            {RESOURCES}
            liveness: {{http: /, initial_delay: 5}}
            readiness: {{http: /, period: 5}}
          sidecar:
            image: busybox:1.36
            {RESOURCES}
            liveness: {{exec: [/bin/true], timeout: null}}
    cron_jobs:
      nightly:
        schedule: "0 3 * * *"
        containers:
          job:
            image: busybox:1.36
            {RESOURCES}
            liveness: {{tcp: 80}}
"""
DEFAULTS_LINE = {"liveness": 7, "readiness": 8}  # the lines of SMALL's defaults
WEB = ("services", "web", "workloads", "web", "containers", "web")
WEB_LIVENESS_LINE = SMALL.splitlines().index("            liveness: {http: /, initial_delay: 5}") + 1


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # problems name the file as the operator typed it


def _load(tmp_path, text: str = SMALL) -> Catalog:
    path = tmp_path / "services.yaml"
    path.write_text(text)
    return load_catalog(path)


def _problems(tmp_path, text: str) -> list[str]:
    with pytest.raises(CatalogError) as exc:
        _load(tmp_path, text)
    return [str(p) for p in exc.value.problems]


def test_a_probe_inherits_every_timing_it_leaves_out(tmp_path):
    catalog = _load(tmp_path)
    web = catalog.services["web"].workloads["web"]
    liveness = web.containers["web"].liveness
    assert (liveness.initial_delay, liveness.period, liveness.timeout) == (5, 30, 5)
    assert catalog.services["web"].cron_jobs["nightly"].containers["job"].liveness.period == 30


def test_a_timing_the_probe_writes_replaces_the_default_and_null_keeps_the_kubernetes_one(tmp_path):
    web = _load(tmp_path).services["web"].workloads["web"]
    assert web.containers["web"].readiness.period == 5
    sidecar = web.containers["sidecar"].liveness
    assert (sidecar.period, sidecar.timeout) == (30, None)


def test_a_default_never_adds_a_probe(tmp_path):
    web = _load(tmp_path).services["web"].workloads["web"]
    assert web.containers["sidecar"].readiness is None
    assert web.init_containers["init"].liveness is None


def test_an_inherited_value_is_located_on_its_defaults_line(tmp_path):
    catalog = _load(tmp_path)
    assert catalog.inheritance.inherited[WEB + ("liveness", "period")] == ("defaults", "liveness", "period")
    assert catalog.locate(WEB + ("liveness", "period")) == ("services.yaml", DEFAULTS_LINE["liveness"])
    assert catalog.locate(WEB + ("liveness", "initial_delay"))[1] == WEB_LIVENESS_LINE  # written by the entry


def test_a_finding_about_an_inherited_value_is_reported_once_at_the_defaults_line(tmp_path):
    text = SMALL.replace("liveness: {period: 30, timeout: 5}", "liveness: {period: 3000000000, timeout: 5}")
    assert _problems(tmp_path, text) == [
        "defaults.liveness.period: rule int32-fields: period 3000000000 does not fit the API's 32-bit "
        f"integer (at most 2147483647) (services.yaml:{DEFAULTS_LINE['liveness']})"
    ]


def test_restating_an_inherited_value_is_a_default_restated_finding_naming_the_defaults_line(tmp_path):
    text = SMALL.replace("liveness: {http: /, initial_delay: 5}", "liveness: {http: /, initial_delay: 5, period: 30}")
    assert _problems(tmp_path, text) == [
        "services.web.workloads.web.containers.web.liveness.period: rule default-restated: "
        f"defaults.liveness.period (services.yaml:{DEFAULTS_LINE['liveness']}) gives this value already; "
        f"leave it out (services.yaml:{WEB_LIVENESS_LINE})"
    ]


def test_restating_a_model_default_is_still_refused(tmp_path):
    text = SMALL.replace("image: nginx:1.27", "image: nginx:1.27\n            env_from_secret: false")
    assert [p.split(": rule ")[0] for p in _problems(tmp_path, text)] == [
        "services.web.workloads.web.containers.web.env_from_secret"
    ]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("liveness: {period: 30, timeout: 5}", "liveness: {perod: 30, timeout: 5}"),
            "defaults.liveness.perod: unknown key 'perod'; allowed: initial_delay, period, timeout, "
            "failure_threshold (services.yaml:7)",
        ),
        (
            ("  readiness: {period: 10}\n", "  readiness: {period: 10}\n  placement: {node: hestia}\n"),
            "defaults.placement: unknown key 'placement'; allowed: liveness, readiness (services.yaml:9)",
        ),
        (
            ("liveness: {period: 30, timeout: 5}", "liveness: {period: -1, timeout: 5}"),
            "defaults.liveness.period: input should be greater than or equal to 0, got -1 (services.yaml:7)",
        ),
        (
            ("liveness: {period: 30, timeout: 5}", "liveness: {period: '30', timeout: 5}"),
            "defaults.liveness.period: expected an integer, got a string '30' (services.yaml:7)",
        ),
    ],
    ids=["unknown timing", "unknown section", "negative", "string"],
)
def test_a_bad_defaults_section_is_one_located_line_and_no_entry_inherits_it(tmp_path, edit, expected):
    assert _problems(tmp_path, SMALL.replace(*edit)) == [expected]


def test_inheriting_leaves_the_data_it_was_given_as_it_was():
    data = yaml.safe_load(SMALL)
    before = copy.deepcopy(data)
    merged, inheritance = inherit(data)
    assert data == before
    assert merged["services"]["web"]["workloads"]["web"]["containers"]["web"]["liveness"]["period"] == 30
    assert len(inheritance.inherited) == 5  # web's liveness: 2, the sidecar's: 1, the cron job's: 2


def test_the_readme_shows_the_defaults_of_services_yaml_and_an_entry_as_written_there():
    blocks = re.findall(r"```yaml\n(defaults:\n.*?)```", (PROJECT_ROOT / "README.md").read_text(), re.DOTALL)
    assert len(blocks) == 1, "the README's example of the defaults: section"
    example = yaml.safe_load(blocks[0])
    real = services_data()
    assert example["defaults"] == real["defaults"]
    for name, entry in example["services"].items():
        for wl_name, wl in entry["workloads"].items():
            for c_name, container in wl["containers"].items():
                written = real["services"][name]["workloads"][wl_name]["containers"][c_name]
                assert {k: written[k] for k in container} == container
