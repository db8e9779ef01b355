"""yamlencode/jsonencode: same bytes as Terraform's functions, and valid YAML/JSON for any catalog value."""

from __future__ import annotations

import hashlib
import json

import pytest
import yaml

from configs.tfencode import jsonencode, yamlencode


def sha256_prefix(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_yamlencode_reproduces_terraform_bytes_for_a_manifest():
    # The overseerr ExternalSecret; its yaml_body digest is recorded in oracle-facts.json.
    manifest = {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": {
            "name": "overseerr-secrets",
            "namespace": "default",
            "labels": {"app": "overseerr", "environment": "prod", "managed-by": "terraform"},
        },
        "spec": {
            "refreshInterval": "1h",
            "secretStoreRef": {"name": "vault-backend", "kind": "ClusterSecretStore"},
            "target": {"name": "overseerr-secrets", "creationPolicy": "Owner"},
            "data": [
                {"secretKey": key, "remoteRef": {"key": "default/overseerr", "property": key}}
                for key in ("MINIO_ACCESS_KEY", "MINIO_SECRET_KEY")
            ],
        },
    }
    text = yamlencode(manifest)
    assert (len(text), sha256_prefix(text)) == (667, "03d7ed8abf875dfb")


def test_yamlencode_sorts_and_quotes_keys_and_strings():
    assert yamlencode({"b": "x", "a": [1, True, None]}) == '"a":\n- 1\n- true\n- null\n"b": "x"\n'


@pytest.mark.parametrize(
    "value",
    [
        {"empty_map": {}, "empty_list": [], "nested": [[1, 2], [{"a": "b"}], []]},
        {"looks_special": ["yes", "no", "1", "1.5", "null", "~", "::1/128", "a: b", "#x", "'q'", '"dq"', "\\"]},
        {"deep": {"er": {"est": [{"k": {"v": [True, False]}}]}}},
        [{"a": 1}, {"b": [{"c": "d"}]}],
        {"unicode": "café ✓", "number": 1000000000, "float": 0.5},
    ],
)
def test_yamlencode_round_trips_through_a_yaml_parser(value):
    assert yaml.safe_load(yamlencode(value)) == value


def test_yamlencode_refuses_multiline_strings_rather_than_guessing_terraform_block_style():
    with pytest.raises(ValueError):
        yamlencode({"script": "a\nb"})


def test_jsonencode_is_compact_sorted_and_escapes_html_characters_like_go():
    text = jsonencode({"b": "<a & b>", "a": [1, {"d": None, "c": False}]})
    assert text == '{"a":[1,{"c":false,"d":null}],"b":"\\u003ca \\u0026 b\\u003e"}'
    assert json.loads(text) == {"a": [1, {"c": False, "d": None}], "b": "<a & b>"}
