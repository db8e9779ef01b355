"""Would the API server accept each rendered object? One finding per reason it would not.

Built-in kinds are checked against the Kubernetes 1.33 strict schemas, custom resources against
the closed CRD schemas (see ``schemas``); an apiVersion/kind with no schema at all is a finding,
because the API server would refuse it too (e.g. ``external-secrets.io/v1beta1``, no longer
served). What the renderer could not translate (an unresolved reference, a broken
``yaml_body``) is reported the same way, so nothing is silently skipped.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from validation.render import Rendered, json_path, render_out_dir
from validation.schemas import (
    DEFAULT_CRD_DIR,
    KUBERNETES_VERSION,
    crd_schemas_for_kind,
    crd_validator,
    has_crd_dir,
    kubernetes_validator,
    object_meta_validator,
)

_MAX_MESSAGE = 240


@dataclass(frozen=True)
class Finding:
    stack: str
    address: str  # Terraform address of the resource
    object: str  # "Kind namespace/name"
    path: str  # JSON path inside the object, "" for the object itself
    message: str

    def __str__(self) -> str:
        return f"{self.stack}: {self.address} ({self.object}) at {self.path or '<object>'}: {self.message}"


def check_object(body: Any, crd_dir: Path = DEFAULT_CRD_DIR) -> list[tuple[str, str]]:
    """(JSON path, message) for each way ``body`` breaks its schema; empty when it is valid."""
    if not isinstance(body, dict):
        return [("", f"the object is not a mapping but {type(body).__name__}")]
    api_version, kind = body.get("apiVersion"), body.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return [("", "apiVersion and kind must both be set (strings)")]
    problems: list[tuple[str, str]] = []
    validator = crd_validator(crd_dir, api_version, kind)
    if validator is not None:
        problems += _errors(validator, body)
        metadata = body.get("metadata")
        if isinstance(metadata, dict):
            problems += _errors(object_meta_validator(), metadata, ("metadata",))
    else:
        validator = kubernetes_validator(api_version, kind)
        if validator is None:
            return [("", _no_schema(api_version, kind, crd_dir))]
        problems += _errors(validator, body)
    metadata = body.get("metadata")
    if not isinstance(metadata, dict) or not (metadata.get("name") or metadata.get("generateName")):
        problems.append(("metadata", "metadata.name is required"))
    return problems


def _no_schema(api_version: str, kind: str, crd_dir: Path) -> str:
    message = f"no schema for apiVersion {api_version} kind {kind}: the API server would reject it"
    if not has_crd_dir(crd_dir):
        return f"{message} (CRD schema folder {crd_dir} is missing)"
    served = crd_schemas_for_kind(crd_dir, kind)
    if served:
        return f"{message}; {kind} has schemas for: {', '.join(served)}"
    return f"{message} (not a Kubernetes {KUBERNETES_VERSION} kind, no CRD schema in {crd_dir})"


def _errors(
    validator: jsonschema.protocols.Validator, instance: Any, prefix: tuple[str | int, ...] = ()
) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for error in validator.iter_errors(instance):
        path = prefix + tuple(error.absolute_path)
        found += _describe(error, path)
    return sorted(found)


def _describe(error: jsonschema.ValidationError, path: tuple[str | int, ...]) -> Iterator[tuple[str, str]]:
    if (
        error.validator == "additionalProperties"
        and error.validator_value is False
        and isinstance(error.instance, dict)
    ):
        known = list(error.schema.get("properties") or {})
        patterns = list(error.schema.get("patternProperties") or {})
        for name in error.instance:
            if name in known or any(re.search(pattern, name) for pattern in patterns):
                continue
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            yield json_path(path + (name,)), f"unknown field {name!r}{hint}"
        return
    message = error.message
    if len(message) > _MAX_MESSAGE:
        message = message[:_MAX_MESSAGE] + "..."
    yield json_path(path), message


def validate_rendered(items: Iterable[Rendered], crd_dir: Path = DEFAULT_CRD_DIR) -> list[Finding]:
    findings = []
    for item in items:
        for problem in item.problems:
            findings.append(Finding(item.stack, item.address, item.label, problem.path, problem.message))
        if item.body is None and item.problems:
            continue  # nothing rendered; the problem above says why
        for path, message in check_object(item.body, crd_dir):
            findings.append(Finding(item.stack, item.address, item.label, path, message))
    return findings


def validate_out_dir(out_dir: Path, crd_dir: Path = DEFAULT_CRD_DIR) -> list[Finding]:
    """Every Kubernetes object of every stack under ``out_dir/stacks``."""
    return validate_rendered(render_out_dir(out_dir), crd_dir)
