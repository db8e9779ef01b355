"""Synthesized Terraform resources -> the Kubernetes API objects they create.

Validation has to see what the API server will receive, not the provider's own dialect, so each
``kubernetes_*`` resource is translated the way the hashicorp/kubernetes provider translates it
(names and shapes in ``provider_names``), sibling references such as
``${kubernetes_config_map.x.metadata[0].name}`` are resolved from the same stack, Terraform
escapes are undone, and every ``kubectl_manifest`` body is parsed. Two input shapes are accepted:
``cdk.tf.json`` (a one-item block may be an object or a list) and the oracle's evaluated
attributes (every block a list of objects, no Terraform syntax left in strings).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from validation.provider_names import (
    INT_FIELDS,
    INT_OR_STRING_FIELDS,
    LIST_BLOCKS,
    MAP_FIELDS,
    OCTAL_FIELDS,
    PROVIDER_DEFAULTS,
    RESOURCE_KINDS,
    TERRAFORM_ONLY,
    camel,
    lookup,
)

Resources = dict[str, dict[str, dict[str, Any]]]  # type -> logical name -> attributes

# `$${` and `%%{` are escaped literals; `${...}` an interpolation, `%{...}` a template directive.
_TOKEN = re.compile(r"\$\$\{|%%\{|\$\{([^}]*)\}|%\{[^}]*\}")
_TRAVERSAL = re.compile(r"\s*([A-Za-z][\w-]*)\.([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[\d+\])*)\s*")
_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]")
_INTEGER = re.compile(r"-?\d+")
_OCTAL = re.compile(r"[0-7]+")
_MAX_REFERENCE_DEPTH = 10


@dataclass(frozen=True)
class Problem:
    """Something the renderer could not translate faithfully; validation reports it as a finding."""

    path: str
    message: str


@dataclass
class Rendered:
    stack: str
    address: str  # Terraform address, e.g. kubernetes_deployment.searxng
    body: Any  # the API object (a dict unless the input was broken)
    problems: list[Problem] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", "?")) if isinstance(self.body, dict) else "?"

    @property
    def name(self) -> str:
        meta = self.body.get("metadata") if isinstance(self.body, dict) else None
        return str(meta.get("name", "?")) if isinstance(meta, dict) else "?"

    @property
    def namespace(self) -> str | None:
        meta = self.body.get("metadata") if isinstance(self.body, dict) else None
        namespace = meta.get("namespace") if isinstance(meta, dict) else None
        return str(namespace) if namespace else None

    @property
    def label(self) -> str:
        """``Kind namespace/name``, or ``Kind name`` for cluster-scoped objects."""
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {where}"


def json_path(parts: tuple[str | int, ...] | list[str | int]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][\w-]*", part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part)}]"
    return out


class _Unresolved(Exception):
    pass


class _Translator:
    """One resource's translation; collects the problems it meets on the way."""

    def __init__(self, resources: Resources, terraform_syntax: bool) -> None:
        self.resources = resources
        self.terraform_syntax = terraform_syntax
        self.problems: list[Problem] = []

    # -- strings -------------------------------------------------------------------------------
    def expand(self, text: str, where: tuple[str | int, ...], depth: int = 0) -> Any:
        if not self.terraform_syntax or ("{" not in text):
            return text
        pieces: list[str] = []
        position = 0
        for match in _TOKEN.finditer(text):
            pieces.append(text[position : match.start()])
            position = match.end()
            token = match.group(0)
            if token == "$${":
                pieces.append("${")
            elif token == "%%{":
                pieces.append("%{")
            elif token.startswith("%{"):
                self._problem(where, f"Terraform template directive {token} is not evaluated here")
                pieces.append(token)
            else:
                try:
                    value = self._resolve(match.group(1), where, depth)
                except _Unresolved as reason:
                    self._problem(where, f"unresolved Terraform reference {token}: {reason}")
                    pieces.append(token)
                    continue
                if match.span() == (0, len(text)):
                    return value  # a whole-string reference keeps the referenced value's type
                pieces.append(_terraform_string(value))
        pieces.append(text[position:])
        return "".join(pieces)

    def _resolve(self, expression: str, where: tuple[str | int, ...], depth: int) -> Any:
        match = _TRAVERSAL.fullmatch(expression)
        if not match:
            raise _Unresolved("only references to sibling resources are understood")
        rtype, name, rest = match.groups()
        if rtype not in self.resources or name not in self.resources[rtype]:
            raise _Unresolved(f"no resource {rtype}.{name} in this stack")
        if depth >= _MAX_REFERENCE_DEPTH:
            raise _Unresolved("references nest too deep (a cycle?)")
        value: Any = self.resources[rtype][name]
        for attribute, index in _STEP.findall(rest):
            value = _step(value, attribute or None, int(index) if index else None)
        if isinstance(value, str):
            return self.expand(value, where, depth + 1)
        if isinstance(value, (dict, list)):
            raise _Unresolved("it names a block, not a value")
        return value

    def _problem(self, where: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(json_path(where), message))

    # -- provider blocks -----------------------------------------------------------------------
    def block(self, block: dict[str, Any], ppath: tuple[str, ...], where: tuple[str | int, ...]) -> dict[str, Any]:
        defaults = lookup(PROVIDER_DEFAULTS, ppath)
        if defaults:
            block = {**defaults, **block}
        out: dict[str, Any] = {}
        for key, value in block.items():
            if value is None:
                continue
            kpath = ppath + (key,)
            if lookup(MAP_FIELDS, kpath):
                name = camel(key)
                out[name] = self._map(value, where + (name,))
            elif _is_block(value):
                items = value if isinstance(value, list) else [value]
                list_name = lookup(LIST_BLOCKS, kpath)
                name = list_name or camel(key)
                if list_name or len(items) != 1:
                    # A one-object field given several items stays a list: the schema then rejects it.
                    out[name] = [self.block(item, kpath, where + (name, i)) for i, item in enumerate(items)]
                else:
                    out[name] = self.block(items[0], kpath, where + (name,))
            elif isinstance(value, list):
                if value:
                    name = camel(key)
                    out[name] = [self.scalar(key, item, where + (name, i)) for i, item in enumerate(value)]
            else:
                name = camel(key)
                out[name] = self.scalar(key, value, where + (name,))
        return out

    def _map(self, value: Any, where: tuple[str | int, ...]) -> Any:
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
            value = value[0]
        if isinstance(value, str):
            value = self.expand(value, where)
        if not isinstance(value, dict):
            return value
        return {key: self.expand(v, where + (key,)) if isinstance(v, str) else v for key, v in value.items()}

    def scalar(self, key: str, value: Any, where: tuple[str | int, ...]) -> Any:
        if isinstance(value, str):
            value = self.expand(value, where)
        if key in OCTAL_FIELDS and isinstance(value, (str, int)) and not isinstance(value, bool):
            text = str(value)
            return int(text, 8) if _OCTAL.fullmatch(text) else value
        if key in INT_FIELDS | INT_OR_STRING_FIELDS and isinstance(value, str) and _INTEGER.fullmatch(value):
            return int(value)
        return value

    def generic(self, value: Any, where: tuple[str | int, ...]) -> Any:
        """A value that already is in API shape (``kubernetes_manifest``): only strings change."""
        if isinstance(value, dict):
            return {k: self.generic(v, where + (k,)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.generic(v, where + (i,)) for i, v in enumerate(value)]
        return self.expand(value, where) if isinstance(value, str) else value


def _step(value: Any, attribute: str | None, index: int | None) -> Any:
    """One traversal step; tolerant of the two shapes (``metadata[0].name`` == ``metadata.name``)."""
    if attribute is not None:
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if not isinstance(value, dict) or attribute not in value:
            raise _Unresolved(f"'{attribute}' is not set in the configuration (computed by the provider?)")
        return value[attribute]
    if isinstance(value, list):
        if index is None or index >= len(value):
            raise _Unresolved(f"index [{index}] is out of range")
        return value[index]
    if isinstance(value, dict) and index == 0:
        return value
    raise _Unresolved(f"index [{index}] on a value that is not a list")


def _terraform_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_block(value: Any) -> bool:
    if isinstance(value, dict):
        return True
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def render_resource(
    stack: str,
    rtype: str,
    name: str,
    attributes: dict[str, Any],
    resources: Resources,
    *,
    terraform_syntax: bool = True,
) -> Rendered:
    """One resource as the object it creates; ``resources`` are its siblings, for references."""
    address = f"{rtype}.{name}"
    translator = _Translator(resources, terraform_syntax)
    if rtype == "kubectl_manifest":
        body = _parse_manifest(attributes.get("yaml_body"), translator)
    elif rtype == "kubernetes_manifest":
        body = translator.generic(attributes.get("manifest"), ())
    elif rtype in RESOURCE_KINDS:
        kind = RESOURCE_KINDS[rtype]
        fields = {key: value for key, value in attributes.items() if key not in TERRAFORM_ONLY}
        body = {"apiVersion": kind.api_version, "kind": kind.kind, **translator.block(fields, (kind.kind,), ())}
    else:
        body = None
        translator.problems.append(Problem("", f"no renderer for resource type {rtype}; add it to provider_names"))
    return Rendered(stack, address, body, translator.problems)


def _parse_manifest(yaml_body: Any, translator: _Translator) -> Any:
    if not isinstance(yaml_body, str):
        translator.problems.append(Problem("", "kubectl_manifest without a yaml_body string"))
        return None
    text = translator.expand(yaml_body, ())
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        translator.problems.append(Problem("", f"yaml_body is not one YAML document: {error}".replace("\n", " ")))
        return None


def is_kubernetes(rtype: str) -> bool:
    return rtype.startswith("kubernetes_") or rtype == "kubectl_manifest"


def render_stack(stack: str, tf_json: dict[str, Any]) -> list[Rendered]:
    """Every Kubernetes object of one synthesized stack, in a stable order."""
    resources: Resources = tf_json.get("resource") or {}
    return [
        render_resource(stack, rtype, name, attributes, resources)
        for rtype in sorted(resources)
        if is_kubernetes(rtype)
        for name, attributes in sorted(resources[rtype].items())
    ]


def load_stacks(out_dir: Path) -> dict[str, dict[str, Any]]:
    """``cdktf.out/stacks/<stack>/cdk.tf.json`` by stack name."""
    return {
        path.parent.name: json.loads(path.read_text()) for path in sorted((out_dir / "stacks").glob("*/cdk.tf.json"))
    }


def render_out_dir(out_dir: Path) -> list[Rendered]:
    return [item for stack, tf_json in load_stacks(out_dir).items() for item in render_stack(stack, tf_json)]


def render_oracle(facts: list[dict[str, Any]]) -> list[Rendered]:
    """The reference's resources (``oracle-facts.json``), one "stack" per original module.

    Its values are already evaluated, so strings are taken literally; its ``yaml_body`` texts are
    elided, so a ``kubectl_manifest`` uses the parsed ``manifest`` recorded next to it.
    """
    by_module: dict[str, Resources] = {}
    for fact in facts:
        by_module.setdefault(fact["module"], {}).setdefault(fact["type"], {})[fact["name"]] = fact["attributes"]
    rendered = []
    for fact in facts:
        rtype, module = fact["type"], fact["module"]
        if not is_kubernetes(rtype):
            continue
        if rtype == "kubectl_manifest" and "manifest" in fact:
            rendered.append(Rendered(module, f"{rtype}.{fact['name']}", fact["manifest"]))
            continue
        resources = by_module[module]
        rendered.append(
            render_resource(module, rtype, fact["name"], fact["attributes"], resources, terraform_syntax=False)
        )
    return rendered
