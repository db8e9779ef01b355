"""The JSON Schema of services.yaml, generated from the catalog's models.

``services.yaml`` names it on its first line (``# yaml-language-server: $schema=...``), so an
editor with yaml-language-server completes and checks keys as they are typed. It states the
shape only (what pydantic checks); the rules of ``rules/`` still run at synthesis.
``make schema`` rewrites it; ``tests/test_schema.py`` fails when it is out of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from catalog.model import Catalog

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "services.schema.json"


def catalog_schema() -> str:
    schema = Catalog.model_json_schema(mode="validation")
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
