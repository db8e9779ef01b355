"""Parity of a synthesized stack with the reference cluster (``tests/reference/oracle-facts.json``).

The reference holds Terraform's evaluated attributes of the original hand-written configuration; the
stack holds what we generate. Both describe the same Kubernetes objects in different shapes, so objects
are matched by identity and their facts compared after the shapes are made alike:

- identity: ``kubernetes_*`` resources by type family (``kubernetes_x`` and ``kubernetes_x_v1`` are one),
  namespace and name; ``kubectl_manifest`` by apiVersion group, kind, namespace and name.
- blocks: the reference writes every nested block as a list of objects, cdk.tf.json writes a block with
  at most one item as an object; an object facing a list of objects is compared as a one-item list.
- lists of objects with a unique ``name`` (containers, ports, volumes, ...), volume mounts (by name and
  mount path), ExternalSecret data (by ``secretKey``) and VPA policies (by ``containerName``) compare
  order-free; ``env`` stays ordered because ``$(VAR)`` expansion depends on it; other lists are ordered,
  except Terraform sets (``values``, ``access_modes``, ``supplemental_groups``).
- scalars are equal when their string forms are: the provider takes ``"5055"`` where Terraform
  evaluated ``5055``.
- an elided long string of the reference only requires a non-empty string on our side: the bodies are
  written afresh, so only their presence is a fact.
- our Terraform references (``${kubernetes_config_map.x.metadata[0].name}``) are resolved within the
  stack and Terraform's escapes (``$${``, ``%%{``) undone before comparing.

Only Kubernetes objects are compared (the Nomad jobs have tests of their own). Pure Python: no cdktf.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ORACLE_PATH = PROJECT_ROOT / "tests" / "reference" / "oracle-facts.json"
SYNTH_DIR = PROJECT_ROOT / "cdktf.out"

MANIFEST = "kubectl_manifest"
ELIDED = re.compile(r"<elided code or config body: \d+ chars, sha256 [0-9a-f]+>\s*")
# One pass over a cdk.tf.json string: Terraform escapes first, so that `$${x}` stays literal text.
TEMPLATE = re.compile(r"\$\$\{|%%\{|\$\{([^{}]*)\}")
ADDRESS = re.compile(r"\s*([a-z][\w]*)\.([\w-]+)((?:\.[\w-]+|\[\d+\])*)\s*")
STEP = re.compile(r"\.([\w-]+)|\[(\d+)\]")
META_ARGUMENTS = frozenset({"//", "depends_on", "lifecycle", "provider", "count", "for_each"})
ORDERED_LISTS = frozenset({"env"})
SET_LISTS = frozenset({"values", "access_modes", "supplemental_groups"})
# Attributes the catalog leaves unset where the value is the provider's own default, so an absent
# value is the same fact (hashicorp/terraform-provider-kubernetes, kubernetes/schema_service_spec.go:
# ``type`` Default "ClusterIP", the port's ``protocol`` Default "TCP"). Paths with list indexes as [].
# The same for a CRD's own schema default (validation/crds: ExternalSecret's target.creationPolicy).
PROVIDER_DEFAULTS = {"spec.type": "ClusterIP", "spec.port[].protocol": "TCP", "spec.target.creationPolicy": "Owner"}
MOUNT_LISTS = frozenset({"volume_mount", "volumeMounts"})
ITEM_KEYS = ("name", "secretKey", "containerName")
SHOW_LIMIT = 160


def module_of_service(service: str) -> str:
    """The reference module of a catalog service: ``media-centre`` -> ``k8s_media_centre``."""
    return "k8s_" + service.replace("-", "_")


def service_of_module(module: str) -> str:
    """The catalog service of a reference module: ``k8s_media_centre`` -> ``media-centre``."""
    return module.removeprefix("k8s_").replace("_", "-")


@dataclass(frozen=True, order=True)
class Identity:
    """What makes two objects the same object, whatever their shape."""

    family: str
    group: str
    kind: str
    namespace: str
    name: str


@dataclass(frozen=True)
class Obj:
    """One Kubernetes object of either side, its facts still in that side's shape."""

    identity: Identity
    type: str
    address: str
    module: str
    facts: Any
    attributes: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        ident = self.identity
        where = f"{ident.namespace}/{ident.name}" if ident.namespace else ident.name
        if ident.family == MANIFEST:
            kind = f"{ident.kind}.{ident.group}" if ident.group else ident.kind
            return f"{MANIFEST} {kind} {where}"
        return f"{self.type} {where}"


@dataclass(frozen=True)
class Difference:
    """A missing, extra or differing fact of a matched object."""

    obj: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.obj}: {self.path}: {self.message}"


@dataclass
class Report:
    matched: int = 0
    missing: list[Obj] = field(default_factory=list)
    extra: list[Obj] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.differences or self.errors)

    def summary(self) -> str:
        return (
            f"{self.matched} matched, {len(self.missing)} missing, {len(self.extra)} extra, "
            f"{len(self.differences)} differing facts"
        )

    def lines(self) -> list[str]:
        return [
            *self.errors,
            *(f"missing object: {o} ({o.address})" for o in self.missing),
            *(f"extra object: {o} ({o.address})" for o in self.extra),
            *(str(d) for d in self.differences),
        ]

    def __str__(self) -> str:
        return "\n".join([self.summary(), *self.lines()])


# --- loading both sides ---------------------------------------------------------------------------


def load_oracle(path: Path = ORACLE_PATH) -> list[dict[str, Any]]:
    return json.loads(Path(path).read_text())


def load_stack(stack: str = "kubernetes", synth_dir: Path = SYNTH_DIR) -> dict[str, Any]:
    return json.loads((Path(synth_dir) / "stacks" / stack / "cdk.tf.json").read_text())


def is_compared(resource_type: str) -> bool:
    return resource_type == MANIFEST or resource_type.startswith("kubernetes_")


def _single(block: Any) -> dict[str, Any]:
    if isinstance(block, list):
        block = block[0] if block else {}
    return block if isinstance(block, dict) else {}


def _identity(resource_type: str, facts: Any) -> Identity:
    if resource_type == MANIFEST:
        manifest = facts if isinstance(facts, dict) else {}
        meta = _single(manifest.get("metadata"))
        api_version = str(manifest.get("apiVersion", ""))
        group = api_version.rpartition("/")[0]
        return Identity(
            MANIFEST, group, str(manifest.get("kind", "")), meta.get("namespace") or "", meta.get("name", "")
        )
    meta = _single(facts.get("metadata"))
    family = re.sub(r"_v\d+$", "", resource_type)
    # Both sides default alike, so an omitted namespace still matches and shows up as a missing fact.
    return Identity(family, "", "", meta.get("namespace") or "default", meta.get("name", ""))


def oracle_objects(entries: Iterable[dict[str, Any]]) -> list[Obj]:
    objects = []
    for entry in entries:
        rtype = entry["type"]
        if not is_compared(rtype):
            continue
        address = f"module.{entry['module']}.{rtype}.{entry['name']}"
        attributes = entry.get("attributes", {})
        if rtype == MANIFEST:
            facts = entry.get("manifest", {})
            rest = {k: v for k, v in attributes.items() if k != "yaml_body"}
            objects.append(Obj(_identity(rtype, facts), rtype, address, entry["module"], facts, rest))
        else:
            objects.append(Obj(_identity(rtype, attributes), rtype, address, entry["module"], attributes))
    return objects


class _Resolver:
    """Evaluates what Terraform would: references to other resources of the stack, and escapes."""

    def __init__(self, resources: dict[str, dict[str, Any]]):
        self.resources = resources

    def value(self, value: Any, depth: int = 0) -> Any:
        if isinstance(value, str):
            return self.string(value, depth)
        if isinstance(value, dict):
            return {k: self.value(v, depth) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, depth) for v in value]
        return value

    def string(self, text: str, depth: int = 0) -> str:
        def replace(match: re.Match[str]) -> str:
            if match.group(0) in ("$${", "%%{"):
                return match.group(0)[1:]
            target = self.lookup(match.group(1), depth)
            # What cannot be evaluated here must not pass for the reference's literal text.
            return f"<unresolved {match.group(0)}>" if target is None else _text(target)

        return TEMPLATE.sub(replace, text)

    def lookup(self, expression: str, depth: int) -> Any:
        """The value of a plain reference ``type.name.attr[0].attr``; None when it is anything else."""
        match = ADDRESS.fullmatch(expression)
        if depth > 8 or not match:
            return None
        rtype, name, steps = match.groups()
        node: Any = self.resources.get(rtype, {}).get(name)
        if node is None:
            return None
        if rtype == MANIFEST:
            node = self.manifest_attributes(node, depth)
        for attr, index in STEP.findall(steps):
            if attr:
                node = node.get(attr) if isinstance(node, dict) else None
            elif isinstance(node, list):
                node = node[int(index)] if int(index) < len(node) else None
            elif not (isinstance(node, dict) and index == "0"):  # a one-item block is an object here
                node = None
            if node is None:
                return None
        if isinstance(node, str):
            return self.string(node, depth + 1)
        return node if _is_scalar(node) else None

    def manifest_attributes(self, body: dict[str, Any], depth: int) -> dict[str, Any]:
        """kubectl_manifest's computed attributes, which other resources may reference."""
        try:
            manifest = yaml.safe_load(self.string(body.get("yaml_body", ""), depth + 1)) or {}
        except yaml.YAMLError:
            return dict(body)
        meta = _single(manifest.get("metadata"))
        return {
            **body,
            "api_version": manifest.get("apiVersion"),
            "kind": manifest.get("kind"),
            "name": meta.get("name"),
            "namespace": meta.get("namespace"),
        }


def service_of_resource(body: dict[str, Any]) -> str:
    """The catalog service of a synthesized resource: its construct path is ``<stack>/<service>/...``."""
    parts = str(body.get("//", {}).get("metadata", {}).get("path", "")).split("/")
    return parts[1] if len(parts) > 1 else ""


def stack_objects(stack: dict[str, Any], errors: list[str] | None = None) -> list[Obj]:
    resources = stack.get("resource", {})
    resolver = _Resolver(resources)
    objects = []
    for rtype, group in resources.items():
        if not is_compared(rtype):
            continue
        for name, body in group.items():
            address = f"{rtype}.{name}"
            module = module_of_service(service_of_resource(body))
            config = resolver.value({k: v for k, v in body.items() if k not in META_ARGUMENTS})
            if rtype != MANIFEST:
                objects.append(Obj(_identity(rtype, config), rtype, address, module, config))
                continue
            try:
                manifest = yaml.safe_load(config.pop("yaml_body", "") or "")
            except yaml.YAMLError as error:
                if errors is not None:
                    errors.append(f"unreadable object: {address}: yaml_body is not YAML: {error}")
                continue
            objects.append(Obj(_identity(rtype, manifest), rtype, address, module, manifest, config))
    return objects


# --- comparing facts ------------------------------------------------------------------------------


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _text(value: Any) -> str:
    """The string form Terraform gives a scalar: 5055 and "5055" are one value to the provider."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _same_scalar(expected: str, actual: str) -> bool:
    """Items of a list of strings: an elided body in there (a script argument) needs only to be present."""
    return bool(actual.strip()) if ELIDED.fullmatch(expected) else expected == actual


def _show(value: Any) -> str:
    text = repr(value) if _is_scalar(value) else json.dumps(value, sort_keys=True)
    return text if len(text) <= SHOW_LIMIT else text[: SHOW_LIMIT - 3] + "..."


def _join(path: str, key: str) -> str:
    step = key if re.fullmatch(r"[\w-]+", key) else json.dumps(key)
    if step != key:
        return f"{path}[{step}]"
    return f"{path}.{step}" if path else step


def _is_blocks(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _as_blocks(value: Any) -> list[dict[str, Any]]:
    return [value] if isinstance(value, dict) else list(value)


def compare_facts(expected: Any, actual: Any, path: str = "", attr: str = "") -> list[tuple[str, str]]:
    """Every missing, extra or differing fact of ``actual`` against ``expected``, as (path, message)."""
    out: list[tuple[str, str]] = []
    _compare(expected, actual, path, attr, out)
    return out


def _compare(expected: Any, actual: Any, path: str, attr: str, out: list[tuple[str, str]]) -> None:
    if isinstance(expected, str) and ELIDED.fullmatch(expected):
        if not (isinstance(actual, str) and actual.strip()):
            out.append((path, f"expected a non-empty body, got {_show(actual)}"))
        return
    if isinstance(actual, dict) and _is_blocks(expected) and len(expected) == 1:
        _compare(expected[0], actual, path, attr, out)  # a block of at most one item: an object in cdk.tf.json
        return
    blocklike = (dict, list)
    if (_is_blocks(expected) and isinstance(actual, blocklike)) or (
        _is_blocks(actual) and isinstance(expected, blocklike)
    ):
        _compare_blocks(_as_blocks(expected), _as_blocks(actual), path, attr, out)
    elif isinstance(expected, dict) and isinstance(actual, dict):
        _compare_maps(expected, actual, path, out)
    elif isinstance(expected, list) and isinstance(actual, list):
        _compare_lists(expected, actual, path, attr, out)
    elif not (_is_scalar(expected) and _is_scalar(actual) and _text(expected) == _text(actual)):
        out.append((path, f"expected {_show(expected)}, got {_show(actual)}"))


def _compare_maps(expected: dict[str, Any], actual: dict[str, Any], path: str, out: list[tuple[str, str]]) -> None:
    for key, value in expected.items():
        where = _join(path, key)
        if actual.get(key) is None and value is not None:
            if PROVIDER_DEFAULTS.get(re.sub(r"\[[^]]*\]", "[]", where)) != value:
                out.append((where, f"missing (expected {_show(value)})"))
        else:
            _compare(value, actual.get(key), where, key, out)
    for key, value in actual.items():
        if key not in expected and value is not None:
            out.append((_join(path, key), f"unexpected (got {_show(value)})"))


def _compare_lists(expected: list[Any], actual: list[Any], path: str, attr: str, out: list[tuple[str, str]]) -> None:
    if all(map(_is_scalar, expected)) and all(map(_is_scalar, actual)):
        want, got = [_text(v) for v in expected], [_text(v) for v in actual]
        if attr in SET_LISTS:
            want, got = sorted(want), sorted(got)
        if len(want) == len(got) and all(_same_scalar(w, g) for w, g in zip(want, got)):
            return
        out.append((path, f"expected {_show(expected)}, got {_show(actual)}"))
        return
    _compare_by_index(expected, actual, path, attr, out)


def _compare_by_index(expected: Sequence[Any], actual: Sequence[Any], path: str, attr: str, out) -> None:
    for index in range(max(len(expected), len(actual))):
        where = f"{path}[{index}]"
        if index >= len(actual):
            out.append((where, f"missing (expected {_show(expected[index])})"))
        elif index >= len(expected):
            out.append((where, f"unexpected (got {_show(actual[index])})"))
        else:
            _compare(expected[index], actual[index], where, attr, out)


def _item_key(attr: str, expected: list[dict[str, Any]]):
    """How the items of a list of blocks are told apart, when order does not matter; None when it does."""
    if attr in MOUNT_LISTS:
        return lambda item: f"{item.get('name')}:{item.get('mount_path', item.get('mountPath'))}"
    for key in ITEM_KEYS:
        values = [item.get(key) for item in expected]
        if all(isinstance(v, str) for v in values) and len(set(values)) == len(values):
            return lambda item, key=key: item.get(key)
    return None


def _keyed(items: list[dict[str, Any]], key, path: str, out) -> dict[str, dict[str, Any]]:
    keyed: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(items):
        name = key(item)
        name = f"#{index}" if name is None else str(name)
        if name in keyed:
            out.append((f"{path}[{name}]", "duplicate item"))
        keyed.setdefault(name, item)
    return keyed


def _compare_keyed(expected, actual, key, path: str, attr: str, out) -> None:
    want, got = _keyed(expected, key, path, out), _keyed(actual, key, path, out)
    for name, item in want.items():
        if name in got:
            _compare(item, got[name], f"{path}[{name}]", attr, out)
        else:
            out.append((f"{path}[{name}]", f"missing (expected {_show(item)})"))
    for name, item in got.items():
        if name not in want:
            out.append((f"{path}[{name}]", f"unexpected (got {_show(item)})"))


def _compare_blocks(expected: list[dict[str, Any]], actual: list[dict[str, Any]], path: str, attr: str, out) -> None:
    if attr in ORDERED_LISTS:
        _compare_ordered(expected, actual, path, attr, out)
        return
    key = _item_key(attr, expected) if expected else None
    if key is None:
        _compare_by_index(expected, actual, path, attr, out)
    else:
        _compare_keyed(expected, actual, key, path, attr, out)


def _compare_ordered(expected: list[dict[str, Any]], actual: list[dict[str, Any]], path: str, attr: str, out) -> None:
    """env: the same names in the same order item by item; otherwise what is missing, extra or moved."""
    want, got = [item.get("name") for item in expected], [item.get("name") for item in actual]
    if want == got:
        for index, (exp, act) in enumerate(zip(expected, actual)):
            _compare(exp, act, f"{path}[{index}]", attr, out)
        return
    common = set(want) & set(got)
    if [n for n in want if n in common] != [n for n in got if n in common]:
        out.append((path, f"order differs: expected {want}, got {got}"))
    _compare_keyed(expected, actual, lambda item: item.get("name"), path, attr, out)


# --- comparing objects ----------------------------------------------------------------------------


def compare_objects(expected: Obj, actual: Obj) -> list[Difference]:
    where = str(expected)
    diffs = []
    if expected.type != actual.type:
        diffs.append(Difference(where, "(type)", f"expected {expected.type}, got {actual.type}"))
    for path, message in compare_facts(expected.facts, actual.facts):
        diffs.append(Difference(where, path or "(object)", message))
    for path, message in compare_facts(expected.attributes, actual.attributes, "(attributes)"):
        diffs.append(Difference(where, path, message))
    return diffs


def compare_stack(
    oracle: Iterable[dict[str, Any]], stack: dict[str, Any], modules: Iterable[str] | None = None
) -> Report:
    """Matches the reference's Kubernetes objects to the stack's; with ``modules``, reports only on those
    reference modules and on our objects of the services they map to."""
    wanted = set(modules) if modules is not None else None
    report = Report()
    ours: dict[Identity, list[Obj]] = {}
    for obj in stack_objects(stack, report.errors):
        ours.setdefault(obj.identity, []).append(obj)
    for expected in oracle_objects(oracle):
        counterpart = ours[expected.identity].pop(0) if ours.get(expected.identity) else None
        if wanted is not None and expected.module not in wanted:
            continue
        if counterpart is None:
            report.missing.append(expected)
        else:
            report.matched += 1
            report.differences.extend(compare_objects(expected, counterpart))
    report.extra = sorted(
        (obj for objs in ours.values() for obj in objs if wanted is None or obj.module in wanted),
        key=lambda obj: obj.address,
    )
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.parity",
        description="Compares a synthesized stack (run `make synth` first) with the reference cluster's facts.",
    )
    parser.add_argument("--stack", default="kubernetes", help="stack under cdktf.out/stacks (default: kubernetes)")
    parser.add_argument(
        "--module", action="append", dest="modules", help="reference module to report on, e.g. k8s_overseerr"
    )
    parser.add_argument("--synth-dir", type=Path, default=SYNTH_DIR, help="cdktf output folder")
    parser.add_argument("--oracle", type=Path, default=ORACLE_PATH, help="oracle-facts.json of the reference")
    args = parser.parse_args(argv)
    try:
        oracle = load_oracle(args.oracle)
        stack = load_stack(args.stack, args.synth_dir)
    except FileNotFoundError as error:
        print(f"parity: {error.filename} not found (did `make synth` run?)")
        return 2
    report = compare_stack(oracle, stack, args.modules)
    scope = ", ".join(args.modules) if args.modules else "all modules"
    print(f"parity of stack {args.stack!r} with {args.oracle.name} ({scope}): {report.summary()}")
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
