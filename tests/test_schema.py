"""The JSON Schema that editors check services.yaml with is the catalog's own shape: generated
from the models, checked in, named at the top of services.yaml, and current."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from tests.catalog_source import services_data, services_text
from tools.schema import SCHEMA_PATH, catalog_schema

CATALOG = services_data()


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))


def test_the_checked_in_schema_is_the_one_the_models_generate():
    assert SCHEMA_PATH.read_text() == catalog_schema(), "run `make schema` and commit services.schema.json"


def test_services_yaml_names_the_schema_on_its_first_line():
    first = services_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema=./{SCHEMA_PATH.name}"


def test_the_catalog_is_valid_against_its_schema(validator):
    assert [e.message for e in validator.iter_errors(CATALOG)] == []


@pytest.mark.parametrize(
    "edit",
    [
        lambda c: c["services"]["overseerr"]["workloads"]["overseerr"].update(replica=1),  # a typo of a key
        lambda c: c["services"]["overseerr"]["workloads"]["overseerr"].update(replicas="one"),
        lambda c: c["services"]["overseerr"]["ingresses"]["overseerr"].update(backend="overseerr"),
        lambda c: c["services"]["matrix"]["params"].update(synapse_hostnme="x.example.org"),
        lambda c: c["services"]["gitlab"]["params"]["database"].update(port="5433"),
        lambda c: c["services"]["gitlab"]["params"]["database"].pop("host"),
        lambda c: c["services"]["gitlab"].pop("params"),
        lambda c: c["services"]["gitlab"].update(suite="gitlab-ce"),
        lambda c: c["defaults"]["liveness"].update(perod=30),
        lambda c: c["defaults"].update(placement={"node": "hestia"}),
    ],
    ids=[
        "unknown key",
        "wrong type",
        "backend without port",
        "unknown param",
        "param of the wrong type",
        "nested param missing",
        "suite without params",
        "unknown suite",
        "unknown timing",
        "unknown default",
    ],
)
def test_the_schema_refuses_what_the_models_refuse(validator, edit):
    catalog = copy.deepcopy(CATALOG)
    edit(catalog)
    assert not validator.is_valid(catalog)
