"""The schemas objects are validated against, loaded once per process.

Built-in kinds: the Kubernetes 1.33 "strict" JSON Schemas shipped by ``kubernetes-validate``
(unknown fields rejected). Custom resources: the CRD schemas in ``validation/crds``,
closed at load time (``additionalProperties: false`` on every object that lists its properties,
except the root ``metadata``, ``x-kubernetes-preserve-unknown-fields`` objects and anything
inside ``anyOf``/``oneOf``/``allOf``/``not``, as that folder's README prescribes), so a typo in a
custom resource is caught as it would be by ``kubectl apply``'s strict field validation.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

KUBERNETES_VERSION = "1.33"
DEFAULT_CRD_DIR = Path(__file__).resolve().parent / "crds"

_K8S_DIR = files("kubernetes_validate") / "kubernetes-json-schema" / f"v{KUBERNETES_VERSION}.0-local-strict"
_OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


def split_api_version(api_version: str) -> tuple[str, str]:
    """``apps/v1`` -> (``apps``, ``v1``); the core group is ``""``."""
    group, _, version = api_version.rpartition("/")
    return group, version


@lru_cache(maxsize=1)
def _k8s_definitions() -> tuple[dict[str, Any], Registry]:
    definitions = json.loads((_K8S_DIR / "_definitions.json").read_text())
    return definitions, Registry().with_resource(definitions["$id"], Resource.from_contents(definitions))


def _k8s_file_name(group: str, version: str, kind: str) -> str:
    # kubernetes-validate's naming: deployment-apps-v1.json, ingress-networking-v1.json, service-v1.json
    prefix = f"{group.split('.')[0]}-" if group else ""
    return f"{kind.lower()}-{prefix}{version}.json"


@cache
def kubernetes_validator(api_version: str, kind: str) -> jsonschema.protocols.Validator | None:
    """The strict validator of a built-in kind, or None when 1.33 has no such apiVersion/kind."""
    group, version = split_api_version(api_version)
    path = _K8S_DIR / _k8s_file_name(group, version, kind)
    if not path.is_file():
        return None
    schema = json.loads(path.read_text())
    # The file name drops the group's domain; the schema's own GVK says which group it really is.
    if {"group": group, "version": version, "kind": kind} not in schema.get("x-kubernetes-group-version-kind", []):
        return None
    _, registry = _k8s_definitions()
    return jsonschema.Draft202012Validator(schema, registry=registry)


@lru_cache(maxsize=1)
def object_meta_validator() -> jsonschema.protocols.Validator:
    """Strict ObjectMeta: CRD schemas leave ``metadata`` open, the API server does not."""
    definitions, registry = _k8s_definitions()
    schema = {"$ref": f"{definitions['$id']}#/$defs/{_OBJECT_META}"}
    return jsonschema.Draft202012Validator(schema, registry=registry)


def crd_file(crd_dir: Path, api_version: str, kind: str) -> Path:
    group, version = split_api_version(api_version)
    return crd_dir / f"{group}_{version}_{kind.lower()}.json"


@cache
def crd_validator(crd_dir: Path, api_version: str, kind: str) -> jsonschema.protocols.Validator | None:
    path = crd_file(crd_dir, api_version, kind)
    if not split_api_version(api_version)[0] or not path.is_file():
        return None
    schema = close_objects(json.loads(path.read_text()))
    return jsonschema.validators.validator_for(schema)(schema)


def crd_schemas_for_kind(crd_dir: Path, kind: str) -> list[str]:
    """The apiVersions that do have a schema for ``kind`` (for a helpful error message)."""
    versions = []
    for path in sorted(crd_dir.glob(f"*_{kind.lower()}.json")):
        group, version, _ = path.stem.rsplit("_", 2)
        versions.append(f"{group}/{version}")
    return versions


def close_objects(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with unknown fields rejected; changes ``schema`` in place and returns it."""

    def close(node: Any, exempt: bool) -> None:
        if not isinstance(node, dict):
            return
        preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
        if "properties" in node and "additionalProperties" not in node and not (exempt or preserve):
            node["additionalProperties"] = False
        for name, child in (node.get("properties") or {}).items():
            close(child, exempt=node is schema and name == "metadata")
        for key in ("items", "additionalProperties"):
            close(node.get(key), exempt=False)
        # anyOf/oneOf/allOf/not members only add constraints to their parent's fields: left alone.

    close(schema, exempt=False)
    return schema


def has_crd_dir(crd_dir: Path) -> bool:
    return crd_dir.is_dir() and any(crd_dir.glob("*.json"))
