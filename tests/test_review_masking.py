"""review.masking and review.yamltext without synthesis: what the report never shows, and how
it shows config files."""

from __future__ import annotations

import pytest
import yaml

from catalog import CatalogError
from review.masking import MASK, mask_all
from review.yamltext import to_yaml
from rules import load_catalog
from tests.conftest import PROJECT_ROOT

CONFIG = "listen: 8080\npassword: hunter2-but-longer\naws_access_key_id = AKIAIOSFODNN7EXAMPLF\nworkers: 4\n"


def test_secret_values_and_flagged_config_lines_are_masked_and_the_rest_is_kept():
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"token": "c2VjcmV0"}}
    config = {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"app.conf": CONFIG, "mode": "fast"}}
    env = {
        "kind": "Deployment",
        "spec": {"env": [{"name": "API_TOKEN", "value": "9f8e7d6c5b4a39281706f5e4d3c2b1a0ff"}]},
    }
    masked_secret, masked_config, masked_env = mask_all([secret, config, env])
    assert masked_secret["data"] == {"token": MASK} and masked_secret["metadata"] == {"name": "s"}
    assert masked_config["data"]["app.conf"].splitlines() == [
        "listen: 8080",
        f"password: {MASK}",
        f"aws_access_key_id = {MASK}",
        "workers: 4",
    ]
    assert masked_config["data"]["mode"] == "fast"
    assert masked_env["spec"]["env"] == [{"name": "API_TOKEN", "value": MASK}]
    assert config["data"]["app.conf"] == CONFIG  # the input is not modified


def test_nothing_is_masked_where_nothing_is_secret():
    body = {"kind": "ConfigMap", "data": {"nginx.conf": "events {\n    worker_connections 1024;\n}\n"}}
    assert mask_all([body]) == [body]


def test_multi_line_strings_are_block_text_and_load_back_unchanged():
    body = {"data": {"app.conf": CONFIG, "one": "line", "trailing": "a  \nb\n"}}
    text = to_yaml(body)
    assert "  app.conf: |\n    listen: 8080\n    password: hunter2-but-longer\n" in text
    assert yaml.safe_load(text) == body


def test_an_acknowledgment_needs_an_address_and_a_reason(tmp_path):
    """The one catalog field review/ adds: a bad entry is one located line, like any catalog error."""
    good = (PROJECT_ROOT / "services.yaml").read_text()
    path = PROJECT_ROOT / "services.yaml"
    catalog = load_catalog(path)
    assert catalog.acknowledgments == []
    broken = tmp_path / "services.yaml"
    entries = "  - {address: kubernetes_stateful_set.plex}\n  - {address: not an address, reason: fine}\n"
    broken.write_text(good + "\nacknowledgments:\n" + entries)
    with pytest.raises(CatalogError) as error:
        load_catalog(broken)
    text = str(error.value)
    lines = good.count("\n") + 2
    assert f"services.yaml:{lines + 1}" in text and "acknowledgments[0].reason" in text
    assert "acknowledgments[1].address" in text
