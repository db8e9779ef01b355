"""What keeps a load of the catalog cheap changes none of its results: the collector paused
during a load is running again after it, and the matrix suite's documents, made once per
distinct params, are those the params give."""

from __future__ import annotations

import gc

import pytest

import catalog.loader
import rules
from catalog import read_catalog
from rules import load_catalog
from suites import matrix, validated_params


@pytest.fixture
def collector_seen(monkeypatch) -> list[bool]:
    """Whether the cyclic collector ran while the YAML was read and while the rules ran."""
    seen: list[bool] = []
    load_yaml, expand_catalog = catalog.loader.load_yaml, rules.expand_catalog

    def reading(*args):
        seen.append(gc.isenabled())
        return load_yaml(*args)

    def expanding(*args):
        seen.append(gc.isenabled())
        return expand_catalog(*args)

    monkeypatch.setattr(catalog.loader, "load_yaml", reading)
    monkeypatch.setattr(rules, "expand_catalog", expanding)
    return seen


def test_a_load_pauses_the_cyclic_collector_and_runs_it_again_afterwards(collector_seen):
    assert gc.isenabled()
    load_catalog()
    assert collector_seen == [False, False]
    assert gc.isenabled()


def test_a_refused_catalog_runs_the_collector_again_too(collector_seen, tmp_path):
    path = tmp_path / "services.yaml"
    path.write_text("cluster: {}\nservices: {a: 1}\n")
    with pytest.raises(catalog.CatalogError):
        read_catalog(path)
    assert collector_seen == [False]
    assert gc.isenabled()


def test_a_load_leaves_a_paused_collector_paused(collector_seen):
    gc.disable()
    try:
        load_catalog()
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert collector_seen == [False, False]


def test_the_matrix_documents_are_those_their_params_give_and_each_call_gets_its_own():
    params = validated_params(read_catalog())["matrix"]
    derived = {"synapse_hostname": "matrix.example.org", "mas_hostname": "auth.example.org"}
    other = params.model_copy(update={"server_name": "example.net"})
    for p, hosts in [(params, derived), (other, derived), (params, {**derived, "mas_hostname": "sso.example.org"})]:
        made = matrix.matrix_documents(p, hosts)
        assert made == matrix._documents.__wrapped__(p, hosts["synapse_hostname"], hosts["mas_hostname"])
    first = matrix.matrix_documents(params, derived)
    first["synapse-config"].clear()
    assert matrix.matrix_documents(params, derived)["synapse-config"]
    assert "example.net" in matrix.matrix_documents(other, derived)["cinny-config"]["config.json"]
