"""Runs the rules during synthesis, as a cdktf Aspect.

Problems become cdktf error annotations, so ``app.synth()`` stops with every violation listed,
each naming the service and the rule. (In Python, errors of Aspects do not fail
``Testing.synth``: test the rules through ``app.synth()``.)

The Aspect sits on a leaf construct of each stack, so cdktf calls back into Python once per
stack rather than once per construct, and it reads the domain objects our constructs keep on
the Python side (pod props, ConfigMap files, manifest objects, jobspecs) rather than the
stack's Terraform config, whose transfer from node costs most of a second for a large catalog.
Only what code can change behind the catalog's back is asked of jsii: each resource's
lifecycle and escape-hatch overrides, and the backend construct.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import jsii
from cdktf import Annotations, Aspects, IAspect, TerraformBackend, TerraformResource, TerraformStack
from constructs import Construct, IConstruct

from constructs_lib.app import App
from constructs_lib.k8s.config_map import ConfigMap
from constructs_lib.k8s.pod import PodProps
from constructs_lib.manifest import Manifest
from constructs_lib.naming import named_resources
from constructs_lib.nomad_job import NomadJobSpec
from rules import checks


@jsii.implements(IAspect)
class ClusterRules:
    def __init__(self, stack: TerraformStack):
        self.stack = stack

    def visit(self, node: IConstruct) -> None:
        apps: dict[str, App] = dict(getattr(self.stack, "apps", {}))
        self._report(self.stack, None, "no-literal-secrets", checks.literal_secrets_in_backend(_backend(self.stack)))
        found: dict[tuple[str | None, str], list[str]] = {}
        for address, (owner, resource) in named_resources(self.stack).items():
            service = _service_of(owner)
            found.setdefault((service, "no-ignore-changes"), []).extend(
                f"{address}: {p}" for p in checks.no_ignore_changes(_lifecycle(resource))
            )
            for where, text in _texts(address, owner):
                secrets = checks.literal_secrets_in_text(where, text)
                found.setdefault((service, "no-literal-secrets"), []).extend(secrets)
        for name, app in apps.items():
            for rule, problems in _pod_rules(app):
                found.setdefault((name, rule), []).extend(problems)
        for (service, rule), problems in found.items():
            app = apps.get(service) if service else None
            if app is not None and app.service.waived(rule):
                continue
            self._report(app or self.stack, service, rule, problems)

    def _report(self, node: IConstruct, service: str | None, rule: str, problems: Iterable[str]) -> None:
        subject = f"service {service}" if service else f"stack {self.stack.node.id}"
        for problem in problems:
            Annotations.of(node).add_error(f"{subject}: rule {rule}: {problem}")


def _pods(app: App) -> Iterable[tuple[str, PodProps]]:
    for name, workload in app.workloads.items():
        yield name, workload.props.pod
    for name, cron_job in app.cron_jobs.items():
        yield name, cron_job.props.pod


def _pod_rules(app: App) -> Iterable[tuple[str, list[str]]]:
    litestream = app.service.litestream
    for name, pod in _pods(app):
        label = f"{name}: "
        problems = {
            "litestream-same-image": checks.litestream_same_image(pod),
            "storage-path": checks.storage_path(pod, app.name, app.cluster.storage_root),
            "resources-required": checks.resources_required(pod),
            "image-tag-required": checks.image_tag_required(pod),
            "no-literal-secrets": checks.literal_secrets_in_env(pod),
        }
        if litestream is not None and name == litestream.workload:
            problems["sqlite-on-network-storage"] = checks.sqlite_on_network_storage(pod, litestream.volume)
        for rule, items in problems.items():
            yield rule, [label + p for p in items]


def _service_of(owner: Construct) -> str | None:
    node: Any = owner
    while node is not None and not isinstance(node, TerraformStack):
        if isinstance(node, App):
            return node.name
        node = getattr(node, "parent_scope", None)
    return None


def _lifecycle(resource: TerraformResource) -> dict[str, Any]:
    """The resource's lifecycle, as set in its config or through an escape-hatch override."""
    lifecycle: dict[str, Any] = {}
    if resource.lifecycle is not None and resource.lifecycle.ignore_changes:
        lifecycle["ignore_changes"] = resource.lifecycle.ignore_changes
    overridden = (resource._raw_overrides or {}).get("lifecycle") or {}
    lifecycle.update({k: v for k, v in overridden.items() if v is not None})
    return {"lifecycle": lifecycle}


def _texts(address: str, owner: Construct) -> Iterable[tuple[str, str]]:
    """Literal text a resource ships to a program: ConfigMap files, manifest bodies, jobspecs."""
    if isinstance(owner, ConfigMap):
        for key, text in owner.props.data.items():
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


def apply_rules(stack: TerraformStack) -> None:
    checkpoint = Construct(stack, "cluster-rules")
    Aspects.of(checkpoint).add(ClusterRules(stack))
