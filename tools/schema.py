"""The JSON Schema of services.yaml, generated from the catalog's models.

``services.yaml`` names it on its first line (``# yaml-language-server: $schema=...``), so an
editor with yaml-language-server completes and checks keys as they are typed. It states the
shape only (what pydantic checks); the rules of ``rules/`` still run at synthesis. A suite
entry's ``params`` are the shape of its suite's own model (``suites/<suite>/params.py``): the
catalog's models leave them open, so the schema adds each suite's model under
``if suite == <name> then params: <its model>``.
``make schema`` rewrites it; ``tests/test_schema.py`` fails when it is out of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from catalog.model import Catalog
from suites import SUITES

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "services.schema.json"


def _with_suite_params(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` whose service entries name the known suites and check each one's params."""
    defs = schema["$defs"]
    branches = []
    for name, suite in SUITES.items():
        model = suite.params.model_json_schema(mode="validation", ref_template="#/$defs/{model}")
        for def_name, definition in {**model.pop("$defs", {}), suite.params.__name__: model}.items():
            if defs.setdefault(def_name, definition) != definition:
                raise ValueError(f"two models of the schema are named {def_name}")
        params = {"$ref": f"#/$defs/{suite.params.__name__}"}
        branches.append(
            {
                "if": {"properties": {"suite": {"const": name}}, "required": ["suite"]},
                "then": {"properties": {"params": params}, "required": ["params"]},
            }
        )
    service = defs["Service"]
    service["properties"]["suite"]["anyOf"] = [{"enum": list(SUITES), "type": "string"}, {"type": "null"}]
    service["allOf"] = branches
    schema["$defs"] = dict(sorted(defs.items()))
    return schema


def catalog_schema() -> str:
    schema = _with_suite_params(Catalog.model_json_schema(mode="validation"))
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "services.schema.json",
        **schema,
        "title": "services.yaml: the catalog of cluster-state",
    }
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"


def main() -> int:
    SCHEMA_PATH.write_text(catalog_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
