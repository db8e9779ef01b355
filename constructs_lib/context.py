"""What every construct needs besides the catalog model it renders: which service it belongs to,
where (namespace, cluster) and how its objects are labelled and find their Secret.

This is the only place that knows the catalog's labelling conventions: ``app: <service>,
environment, managed-by: terraform`` unless the entry replaces them with ``labels``, a
``component`` label per component, and Services selecting by ``app`` (+ ``component``)
unless the entry says ``selector: all-labels``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from catalog.model import Cluster, Service


@dataclass(frozen=True)
class Context:
    service: str  # the catalog key of the entry
    namespace: str
    cluster: Cluster
    labels: Mapping[str, str]
    secret_name: str | None  # the Secret of the entry's ExternalSecret, read by {secret: KEY} env values
    selector_mode: str = "app"

    @classmethod
    def of(cls, name: str, service: Service, cluster: Cluster) -> Context:
        labels = (
            dict(service.labels)
            if service.labels is not None
            else {"app": name, "environment": service.environment, "managed-by": "terraform"}
        )
        secret_name = None if service.secrets is None else service.secrets.name or f"{name}-secrets"
        return cls(name, service.namespace, cluster, labels, secret_name, service.selector)

    def component_labels(self, component: str | None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        labels = dict(self.labels)
        if component is not None:
            labels["component"] = component
        labels.update(extra or {})
        return labels

    def selector(self, labels: Mapping[str, str]) -> dict[str, str]:
        if self.selector_mode == "all-labels":
            return dict(labels)
        return {k: labels[k] for k in ("app", "component") if k in labels}
