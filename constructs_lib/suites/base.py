"""What every suite construct shares: complete the catalog entry, then render it as any service.

Completing is pure data work on the (frozen) catalog models: the generated texts are added to
the ConfigMaps and env the entry declares, and the result is an ordinary entry. The load-time
checks of ``catalog/model/suites.py`` guarantee that the declared objects exist and that no
generated key is also written by hand, so completing never fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from constructs import Construct

from catalog.model import Cluster, Service
from constructs_lib.app import App

P = TypeVar("P")


class Suite(App):
    """A service entry with generated parts. Subclasses override :meth:`complete`."""

    def __init__(self, scope: Construct, id: str, *, name: str, service: Service, cluster: Cluster):
        super().__init__(scope, id, name=name, service=self.complete(name, service, cluster), cluster=cluster)

    @classmethod
    def complete(cls, name: str, service: Service, cluster: Cluster) -> Service:
        """``service`` with the suite's generated configuration added; the default adds nothing."""
        return service


def suite_params(service: Service, expected: type[P]) -> P:
    """The entry's params as the suite's model (the catalog guarantees it; checked, not asserted,
    so that it also holds under ``python -O``)."""
    if not isinstance(service.params, expected):
        raise TypeError(f"{expected.__name__} expected, got {type(service.params).__name__}")
    return service.params


def with_config_map_data(service: Service, generated: Mapping[str, Mapping[str, str]]) -> Service:
    """Adds ``{config map: {key: text}}`` to the data of the ConfigMaps the entry declares."""
    config_maps = dict(service.config_maps)
    for cm_name, data in generated.items():
        cm = config_maps[cm_name]
        config_maps[cm_name] = cm.model_copy(update={"data": {**cm.data, **data}})
    return service.model_copy(update={"config_maps": config_maps})


def with_env_first(service: Service, workload: str, container: str, var: str, value: str) -> Service:
    """Puts ``var: value`` first in the env of ``container`` of ``workload`` (nothing before it
    can refer to it, and it refers to nothing)."""
    wl = service.workloads[workload]
    c = wl.containers[container]
    containers = {**wl.containers, container: c.model_copy(update={"env": [{var: value}, *c.env]})}
    workloads = {**service.workloads, workload: wl.model_copy(update={"containers": containers})}
    return service.model_copy(update={"workloads": workloads})
