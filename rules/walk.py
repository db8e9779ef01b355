"""The catalog's pods, walked once for the rules that look inside them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from catalog.model import Catalog, Service
from catalog.model.pod import Container, Placement, Volume
from catalog.source import Location


@dataclass(frozen=True)
class Pod:
    """One pod template of a service: a workload or a cron job."""

    service: str
    spec: Service
    location: Location  # ("services", <service>, "workloads" | "cron_jobs", <name>)
    name: str
    containers: dict[Location, Container]  # init containers first, under "init_containers"
    volumes: dict[str, Volume | None]  # None: a volume claim template
    placement: Placement

    @property
    def litestream(self) -> bool:
        """Whether the service's litestream restore and sidecar containers join this pod."""
        ls = self.spec.litestream
        return ls is not None and self.location[2] == "workloads" and ls.workload == self.name


def pods(catalog: Catalog) -> Iterator[Pod]:
    for name, service in catalog.services.items():
        for wl_name, wl in service.workloads.items():
            where = ("services", name, "workloads", wl_name)
            containers = {where + ("init_containers", n): c for n, c in wl.init_containers.items()}
            containers.update({where + ("containers", n): c for n, c in wl.containers.items()})
            volumes = {**wl.volumes, **dict.fromkeys(wl.volume_claim_templates)}
            yield Pod(name, service, where, wl_name, containers, volumes, wl.placement)
        for cj_name, cj in service.cron_jobs.items():
            where = ("services", name, "cron_jobs", cj_name)
            containers = {where + ("containers", n): c for n, c in cj.containers.items()}
            yield Pod(name, service, where, cj_name, containers, dict(cj.volumes), cj.placement)


def containers(catalog: Catalog) -> Iterator[tuple[Location, Container]]:
    """Every container of every pod, with its full YAML path."""
    for pod in pods(catalog):
        yield from pod.containers.items()
