"""Runs the rules during synthesis, as a cdktf Aspect.

Problems become cdktf error annotations, so ``app.synth()`` stops with every violation listed,
each naming the service and the rule. (In Python, errors of Aspects do not fail
``Testing.synth``: test the rules through ``app.synth()``.)

The Aspect sits on a leaf construct of each stack, so cdktf calls back into Python once per
stack rather than once per construct (thousands of jsii round trips for a large catalog). From
there it reads the stack's Terraform config once, and the domain objects (pod props) that each
catalog :class:`App` keeps on the Python side.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jsii
from cdktf import Annotations, Aspects, IAspect, TerraformStack
from constructs import Construct, IConstruct

from constructs_lib.app import App
from constructs_lib.k8s.pod import PodProps
from constructs_lib.terraform_text import unescape
from rules import checks


@jsii.implements(IAspect)
class ClusterRules:
    def __init__(self, stack: TerraformStack):
        self.stack = stack

    def visit(self, node: IConstruct) -> None:
        config = self.stack.to_terraform()
        apps: dict[str, App] = dict(getattr(self.stack, "apps", {}))
        backend = (config.get("terraform") or {}).get("backend") or {}
        self._report(self.stack, None, "no-literal-secrets", checks.literal_secrets_in_backend(backend))
        found: dict[tuple[str | None, str], list[str]] = {}
        for address, body in _resources(config):
            owner = _service_of(body, apps)
            found.setdefault((owner, "no-ignore-changes"), []).extend(
                f"{address}: {p}" for p in checks.no_ignore_changes(body)
            )
            for where, text in _texts(address, body):
                found.setdefault((owner, "no-literal-secrets"), []).extend(checks.literal_secrets_in_text(where, text))
        for name, app in apps.items():
            for rule, problems in _pod_rules(app):
                found.setdefault((name, rule), []).extend(problems)
        for (owner, rule), problems in found.items():
            app = apps.get(owner) if owner else None
            if app is not None and app.service.waived(rule):
                continue
            self._report(app or self.stack, owner, rule, problems)

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


def _resources(config: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    for rtype, group in (config.get("resource") or {}).items():
        for name, body in group.items():
            yield f"{rtype}.{name}", body


def _service_of(body: dict[str, Any], apps: dict[str, App]) -> str | None:
    parts = str(body.get("//", {}).get("metadata", {}).get("path", "")).split("/")
    return parts[1] if len(parts) > 1 and parts[1] in apps else None


def _texts(address: str, body: dict[str, Any]) -> Iterable[tuple[str, str]]:
    """Literal text a resource ships to a program: ConfigMap files, manifest bodies, jobspecs."""
    for key, text in (body.get("data") or {}).items():
        yield f"{address} data[{key}]", unescape(str(text))
    for attribute in ("yaml_body", "jobspec"):
        if isinstance(body.get(attribute), str):
            yield f"{address} {attribute}", unescape(body[attribute])


def apply_rules(stack: TerraformStack) -> None:
    checkpoint = Construct(stack, "cluster-rules")
    Aspects.of(checkpoint).add(ClusterRules(stack))
