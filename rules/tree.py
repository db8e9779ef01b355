"""The rules that need the synthesized tree: what code can change behind the catalog's back.

A resource's lifecycle and escape-hatch overrides, the stack's backend settings and the texts
that the constructs ship (ConfigMap files, including the ones a suite generates; manifest
bodies; Nomad jobspecs) exist only once the constructs are built, so these rules run when the
app synthesizes: :class:`CheckedApp` checks its stacks first and raises :class:`TreeFindings`,
a :class:`~catalog.CatalogError` whose lines have the engine's format. (They are not an Aspect:
an exception raised in an Aspect crosses the jsii kernel and comes back as text.) Waivers
apply through the engine's :func:`~rules.engine.unwaived`, like every other rule's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from cdktf import App, TerraformBackend, TerraformResource, TerraformStack
from constructs import Construct

from catalog import Catalog, CatalogError
from catalog.model import Cluster
from constructs_lib.app import App as ServiceApp
from constructs_lib.jsii_speed import resources_of, service_of
from constructs_lib.k8s.config_map import ConfigMap
from constructs_lib.manifest import Manifest
from constructs_lib.nomad_job import NomadJobSpec
from rules.engine import Finding, located, unwaived

# `password: hunter2`-style assignments in config text; placeholders and references are fine.
SECRET_ASSIGNMENT = re.compile(
    r"""(?ix)\b(password|passwd|secret|token|api[_-]?key)\b["']?\s*[:=]\s*["']?(?P<value>[^\s"',}]+)"""
)
NOT_A_VALUE = re.compile(r"(?i)^(\$|%|<|\{|ENV\[|[A-Z0-9_]*PLACEHOLDER|true|false|null|none|''|\"\"|file|env|~)")
SECRET_SHAPES = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b"),
]
BACKEND_SECRETS = ("conn_str", "password", "token", "access_key", "secret_key")

RULES = ("no-ignore-changes", "no-literal-secrets")  # ids of the rules this module checks


class TreeFindings(CatalogError):
    """Rules broken by the built tree; reported like the catalog's findings."""


class CheckedApp(App):
    """The cdktf App whose ``synth()`` refuses a tree that breaks a rule."""

    def __init__(self, catalog: Catalog | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.catalog = catalog

    def synth(self) -> None:
        stacks = [c for c in self.node.children if isinstance(c, TerraformStack)]
        catalog = self.catalog or Catalog(cluster=Cluster.model_construct())
        found = unwaived(catalog, (f for stack in stacks for f in tree_findings(stack)))
        if found:
            raise TreeFindings(located(catalog, found))
        super().synth()


def tree_findings(stack: TerraformStack) -> Iterator[Finding]:
    stack_loc = ("stacks", stack.node.id)
    for problem in literal_secrets_in_backend(_backend(stack)):
        yield Finding("no-literal-secrets", stack_loc, problem)
    for address, (owner, resource) in resources_of(stack).items():
        loc = _service_location(owner) or stack_loc
        for problem in no_ignore_changes(_lifecycle(resource)):
            yield Finding("no-ignore-changes", loc, f"{address}: {problem}")
        for where, text in _texts(address, owner):
            for problem in literal_secrets_in_text(where, text):
                yield Finding("no-literal-secrets", loc, problem)


def no_ignore_changes(lifecycle: Mapping[str, Any]) -> list[str]:
    if lifecycle.get("ignore_changes"):
        return [f"lifecycle.ignore_changes {lifecycle['ignore_changes']!r} hides drift; fix the cause instead"]
    return []


def literal_secrets_in_text(where: str, text: str) -> list[str]:
    problems = []
    for shape in SECRET_SHAPES:
        if shape.search(text):
            problems.append(f"{where} contains what looks like a credential ({shape.pattern[:24]}...)")
    for match in SECRET_ASSIGNMENT.finditer(text):
        value = match.group("value")
        if not NOT_A_VALUE.match(value) and len(value) >= 8:
            problems.append(f"{where} assigns a literal {match.group(1)!r}; use a placeholder filled from a Secret")
    return problems


def literal_secrets_in_backend(backend: Mapping[str, Any]) -> list[str]:
    problems = []
    for kind, settings in backend.items():
        for key in BACKEND_SECRETS:
            if isinstance(settings, Mapping) and settings.get(key):
                problems.append(f"backend {kind} has a literal {key}; pass it through the environment (PG_CONN_STR)")
    return problems


def _service_location(owner: Construct) -> tuple[str, str] | None:
    app = service_of(owner, ServiceApp)
    return ("services", app.name) if app is not None else None


def _lifecycle(resource: TerraformResource) -> dict[str, Any]:
    """The resource's lifecycle, as set in its config or through an escape-hatch override."""
    lifecycle: dict[str, Any] = {}
    if resource.lifecycle is not None and resource.lifecycle.ignore_changes:
        lifecycle["ignore_changes"] = resource.lifecycle.ignore_changes
    overridden = (resource._raw_overrides or {}).get("lifecycle") or {}
    lifecycle.update({k: v for k, v in overridden.items() if v is not None})
    return lifecycle


def _texts(address: str, owner: Construct) -> Iterable[tuple[str, str]]:
    """Literal text a resource ships to a program: ConfigMap files, manifest bodies, jobspecs."""
    if isinstance(owner, ConfigMap):
        for key, text in owner.texts.items():
            yield f"{address} data[{key}]", text
    elif isinstance(owner, Manifest):
        yield f"{address} yaml_body", owner.yaml
    elif isinstance(owner, NomadJobSpec):
        yield f"{address} jobspec", owner.jobspec


def _backend(stack: TerraformStack) -> Mapping[str, Any]:
    """The settings of the stack's backend construct (``stacks/backend.py`` is the only place
    that configures one; a literal slipped into a stack-level override is not seen here)."""
    backend: dict[str, Any] = {}
    for child in stack.node.children:
        if isinstance(child, TerraformBackend):
            backend.update((child.to_terraform().get("terraform") or {}).get("backend") or {})
    return backend
