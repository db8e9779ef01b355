"""The pods of a catalog service, as the catalog's rules visit them."""

from __future__ import annotations

from collections.abc import Iterator

from catalog.model import Service
from catalog.model.pod import Container, Volume
from catalog.source import Location


def pods(service: Service) -> Iterator[tuple[Location, dict[Location, Container], dict[str, Volume | None], object]]:
    """Each pod of the service: its location, ``{container location: container}`` (init
    containers under ``init_containers``), its volumes and its placement."""
    for wl_name, wl in service.workloads.items():
        where = ("workloads", wl_name)
        containers = {where + ("init_containers", n): c for n, c in wl.init_containers.items()}
        containers.update({where + ("containers", n): c for n, c in wl.containers.items()})
        yield where, containers, {**wl.volumes, **dict.fromkeys(wl.volume_claim_templates)}, wl.placement
    for cj_name, cj in service.cron_jobs.items():
        where = ("cron_jobs", cj_name)
        yield where, {where + ("containers", n): c for n, c in cj.containers.items()}, dict(cj.volumes), cj.placement
