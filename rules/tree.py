"""The rules that need the synthesized tree: what code can change behind the catalog's back.

A resource's lifecycle and escape-hatch overrides, the stack's backend settings and the texts
that only the constructs make exist only once the constructs are built, so these rules run when
the app synthesizes: :class:`CheckedApp` checks its stacks first and raises :class:`TreeFindings`,
a :class:`~catalog.CatalogError` whose lines have the engine's format. (They are not an Aspect:
an exception raised in an Aspect crosses the jsii kernel and comes back as text.) Waivers
apply through the engine's :func:`~rules.engine.unwaived`, like every other rule's.

``no-literal-secrets`` here scans, line by line with the detectors of the output scan (the
detect-secrets plugins, through the cache of validation/scan_cache.py), the texts the catalog
does not hold: the scripts that builders of ``configs/`` write for a container's ``script:`` or
for litestream (its restore script and config), every ``kubectl_manifest`` body and every Nomad
jobspec. What the catalog holds (env, commands, ConfigMap data and the ``files/`` they name,
the ConfigMaps a suite generates, Nomad variables) was scanned when it loaded
(rules/literal_secrets.py) and is not scanned again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from cdktf import App, TerraformBackend, TerraformResource, TerraformStack
from constructs import Construct

from catalog import Catalog, CatalogError
from catalog.model import Cluster
from catalog.source import Location
from constructs_lib.app import App as ServiceApp
from constructs_lib.jsii_speed import resources_of, service_of
from constructs_lib.manifest import Manifest
from constructs_lib.nomad_csi_volume import NomadCsiVolume
from constructs_lib.nomad_job import NomadJobSpec
from rules.engine import Finding, located, unwaived
from validation.scan_cache import secret_kinds

BACKEND_SECRETS = ("conn_str", "password", "token", "access_key", "secret_key")

RULES = ("no-ignore-changes", "no-literal-secrets", "csi-volume-protected")  # ids of the rules this module checks


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
    texts: list[tuple[Location, str, str]] = []
    apps: dict[int, ServiceApp] = {}
    for address, (owner, resource) in resources_of(stack).items():
        app = service_of(owner, ServiceApp)
        if app is not None:
            apps.setdefault(id(app), app)
        loc = ("services", app.name) if app is not None else stack_loc
        if isinstance(owner, NomadCsiVolume):
            loc = ("nomad", "csi_volumes", owner.key)
            for problem in csi_volume_protected(_lifecycle(resource), owner.acknowledged):
                yield Finding("csi-volume-protected", loc, f"{address}: {problem}")
        for problem in no_ignore_changes(_lifecycle(resource)):
            yield Finding("no-ignore-changes", loc, f"{address}: {problem}")
        texts += [(where_loc or loc, where, text) for where_loc, where, text in _texts(address, owner)]
    for app in apps.values():
        texts += [(("services", app.name, *loc), where, text) for loc, where, text in app.built_texts]
    for loc, problem in literal_secrets_in_texts(texts):
        yield Finding("no-literal-secrets", loc, problem)


def no_ignore_changes(lifecycle: Mapping[str, Any]) -> list[str]:
    if lifecycle.get("ignore_changes"):
        return [f"lifecycle.ignore_changes {lifecycle['ignore_changes']!r} hides drift; fix the cause instead"]
    return []


def csi_volume_protected(lifecycle: Mapping[str, Any], acknowledged: bool) -> list[str]:
    """A CSI volume keeps ``prevent_destroy`` (constructs_lib/nomad_csi_volume.py) unless the
    catalog acknowledges losing its data: no override may drop it behind the catalog's back."""
    if not acknowledged and lifecycle.get("prevent_destroy") is not True:
        return [
            "lifecycle.prevent_destroy is not true: destroying a CSI volume deletes its data; "
            "acknowledge it in services.yaml (acknowledgments) instead"
        ]
    return []


def literal_secrets_in_texts(texts: list[tuple[Location, str, str]]) -> Iterator[tuple[Location, str]]:
    """One finding per text of ``(location, what it is, text)`` with a line detect-secrets flags."""
    lines = [(i, number, line) for i, (_loc, _where, text) in enumerate(texts) for number, line in _lines(text)]
    first: dict[int, int] = {}
    kinds: dict[int, list[str]] = {}
    for (i, number, _line), found in zip(lines, secret_kinds([line for _i, _n, line in lines])):
        if found:
            first.setdefault(i, number)
            kinds.setdefault(i, [])
            kinds[i] += [kind for kind in found if kind not in kinds[i]]
    for i in sorted(first):
        loc, where, _text = texts[i]
        yield (
            loc,
            (
                f"{where}, line {first[i]}: holds a literal secret ({', '.join(kinds[i])}); put it in Vault and "
                "read it through the service's secrets, or waive 'no-literal-secrets' with a reason"
            ),
        )


def _lines(text: str) -> Iterator[tuple[int, str]]:
    return enumerate(text.splitlines(), start=1)


def literal_secrets_in_backend(backend: Mapping[str, Any]) -> list[str]:
    problems = []
    for kind, settings in backend.items():
        for key in BACKEND_SECRETS:
            if isinstance(settings, Mapping) and settings.get(key):
                problems.append(f"backend {kind} has a literal {key}; pass it through the environment (PG_CONN_STR)")
    return problems


def _lifecycle(resource: TerraformResource) -> dict[str, Any]:
    """The resource's lifecycle, as set in its config or through an escape-hatch override."""
    lifecycle: dict[str, Any] = {}
    if resource.lifecycle is not None:
        if resource.lifecycle.ignore_changes:
            lifecycle["ignore_changes"] = resource.lifecycle.ignore_changes
        if resource.lifecycle.prevent_destroy is not None:
            lifecycle["prevent_destroy"] = resource.lifecycle.prevent_destroy
    overridden = (resource._raw_overrides or {}).get("lifecycle") or {}
    lifecycle.update({k: v for k, v in overridden.items() if v is not None})
    return lifecycle


def _texts(address: str, owner: Construct) -> Iterable[tuple[Location | None, str, str]]:
    """The texts a resource ships that the catalog does not hold: a manifest body (located at its
    service), a jobspec (located at its job's ``jobspec``)."""
    if isinstance(owner, Manifest):
        yield None, f"{address} yaml_body", owner.yaml
    elif isinstance(owner, NomadJobSpec):
        yield ("nomad", "jobs", owner.key, "jobspec"), f"{address} jobspec", owner.jobspec


def _backend(stack: TerraformStack) -> Mapping[str, Any]:
    """The settings of the stack's backend construct (``stacks/backend.py`` is the only place
    that configures one; a literal slipped into a stack-level override is not seen here)."""
    backend: dict[str, Any] = {}
    for child in stack.node.children:
        if isinstance(child, TerraformBackend):
            backend.update((child.to_terraform().get("terraform") or {}).get("backend") or {})
    return backend
