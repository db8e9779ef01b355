"""Runs the rules over a construct tree during synthesis.

Problems become cdktf error annotations, so ``app.synth()`` stops with every violation listed,
each naming the service and the rule. (In Python, errors of Aspects do not fail
``Testing.synth``: test the rules through ``app.synth()``.)
"""

from __future__ import annotations

from typing import Any

import jsii
from cdktf import Annotations, Aspects, IAspect, TerraformResource, TerraformStack
from constructs import IConstruct

from constructs_lib.app import App
from constructs_lib.k8s.config_map import ConfigMap
from constructs_lib.k8s.cron_job import CronJob
from constructs_lib.k8s.workload import Workload
from constructs_lib.manifest import Manifest
from rules import checks


@jsii.implements(IAspect)
class ClusterRules:
    """Visits every construct; service-level rules run on each catalog :class:`App`."""

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, App):
            self._service(node)
        elif isinstance(node, TerraformStack):
            backend = (node.to_terraform().get("terraform") or {}).get("backend") or {}
            self._report(node, None, "no-literal-secrets", checks.literal_secrets_in_backend(backend))
        elif isinstance(node, TerraformResource):
            body = _resource_body(node)
            owner = _owning_app(node)
            if owner is None or not owner.service.waived("no-ignore-changes"):
                self._report(node, owner.name if owner else None, "no-ignore-changes", checks.no_ignore_changes(body))

    def _service(self, app: App) -> None:
        service = app.service
        pods = [(c, c.props.pod) for c in app.node.find_all() if isinstance(c, (Workload, CronJob))]
        texts = {
            f"ConfigMap {c.node.id}": "\n".join(c.props.data.values()) for c in app.node.find_all() if isinstance(c, ConfigMap)
        }
        texts.update({f"manifest {m.node.path}": str(m.object) for m in app.node.find_all() if isinstance(m, Manifest)})
        found: dict[str, list[str]] = {}
        for construct, pod in pods:
            label = f"{construct.props.name}: "
            problems = {
                "litestream-same-image": checks.litestream_same_image(pod),
                "storage-path": checks.storage_path(pod, app.name, app.cluster.storage_root),
                "resources-required": checks.resources_required(pod),
                "image-tag-required": checks.image_tag_required(pod),
                "no-literal-secrets": checks.literal_secrets_in_env(pod),
            }
            if service.litestream is not None and construct.props.name == service.litestream.workload:
                problems["sqlite-on-network-storage"] = checks.sqlite_on_network_storage(pod, service.litestream.volume)
            for rule, items in problems.items():
                found.setdefault(rule, []).extend(label + p for p in items)
        for where, text in texts.items():
            found.setdefault("no-literal-secrets", []).extend(checks.literal_secrets_in_text(where, text))
        for rule, items in found.items():
            if not service.waived(rule):
                self._report(app, app.name, rule, items)

    @staticmethod
    def _report(node: IConstruct, service: str | None, rule: str, problems: list[str]) -> None:
        subject = f"service {service}" if service else f"stack {TerraformStack.of(node).node.id}"
        for problem in problems:
            Annotations.of(node).add_error(f"{subject}: rule {rule}: {problem}")


def _resource_body(resource: TerraformResource) -> dict[str, Any]:
    config = resource.to_terraform()
    for group in (config.get("resource") or {}).values():
        for body in group.values():
            return body
    return {}


def _owning_app(node: IConstruct) -> App | None:
    for scope in reversed(node.node.scopes):
        if isinstance(scope, App):
            return scope
    return None


def apply_rules(stack: TerraformStack) -> None:
    Aspects.of(stack).add(ClusterRules())
