"""What every suite shares: the contract between its ``params`` and the entry, the values it
reads from the entry's generic data, and the pure-data edits with which it expands the entry
into an ordinary one.

A fact that the entry's Kubernetes/Traefik data states already (a public hostname is the host
of an IngressRoute, the SSH port the node binds is a container port's ``host_port``) is not
repeated in ``params``: operators edit routes and ports as routes and ports, so those stay the
one place, and the suite reads the value from there when it expands the entry (``derived``, by
a :class:`RouteHost` or :class:`HostPort` that names where). An entry that lacks what its suite
reads is one ``suite-fits`` finding naming what is missing; a hostname that nothing generated
reads (Element's, Cinny's) is simply the route's."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from catalog.errors import excerpt
from catalog.model import Service
from catalog.model.base import Hostname
from catalog.model.objects import ExternalSecret
from catalog.model.pod import Container
from catalog.source import Location
from suites.params import SuiteParams

_HOST_RULE = re.compile(r"Host\(`([^`]+)`\)")
_HOSTNAME = TypeAdapter(Hostname)

Finding = tuple[Location, str]  # location relative to the entry


@dataclass(frozen=True)
class Missing:
    """What the entry lacks for one value its suite reads: where (relative to the entry) and what."""

    where: Location
    what: str
    hint: str = ""  # how to give it


@dataclass(frozen=True)
class RouteHost:
    """The hostname of the entry's IngressRoute ``ingress_route``: its first route's ``host:``, or
    the first ``Host(`...`)`` of that route's ``match:`` (a raw rule may route more than its own
    host, as mas's also takes the homeserver's login paths)."""

    ingress_route: str

    def read(self, service: Service) -> str | Missing:
        ir = service.ingress_routes.get(self.ingress_route)
        if ir is None:
            return Missing(("ingress_routes",), f"no IngressRoute {self.ingress_route!r}")
        where: Location = ("ingress_routes", self.ingress_route, "routes", 0)
        route = ir.routes[0]
        if route.host is not None:
            return route.host
        hosts = _HOST_RULE.findall(route.match or "")
        if not hosts:
            return Missing(where, "routes no host", "give it host:, or Host(`...`) in its match:")
        try:
            return _HOSTNAME.validate_python(hosts[0])
        except ValidationError:
            return Missing(where + ("match",), f"Host({excerpt(repr(hosts[0]))}) is not a valid hostname")


@dataclass(frozen=True)
class HostPort:
    """The ``host_port`` of the port named ``port`` of container ``container`` of workload ``workload``."""

    workload: str
    container: str
    port: str

    def read(self, service: Service) -> int | Missing:
        wl = service.workloads.get(self.workload)
        container = wl.containers.get(self.container) if wl is not None else None
        if container is None:
            where: Location = ("workloads",) if wl is None else ("workloads", self.workload, "containers")
            declared = f"workloads.{self.workload}.containers.{self.container} must be declared with its port"
            return Missing(where, f"{declared} {self.port!r}")
        where = ("workloads", self.workload, "containers", self.container, "ports")
        for i, port in enumerate(container.ports):
            if port.name == self.port:
                if port.host_port is None:
                    return Missing(where + (i,), f"port {self.port!r} has no host_port")
                return port.host_port
        return Missing(where, f"no port named {self.port!r}")


Source = RouteHost | HostPort


@dataclass(frozen=True)
class Suite:
    """One suite: ``params`` validates the entry's ``params:`` (its shape is the suite's);
    ``derived``: ``{name: where in the entry}`` of the values the suite reads from the entry's
    generic data instead of ``params``; ``expand(service, params, derived values)`` returns the
    entry with what the suite generates added (an ordinary entry); ``findings(service, params)``
    are its own disagreements with the entry. ``generated_config_maps``: ``{ConfigMap: keys the
    suite writes}``, each declared by the entry and not written by hand there. ``secret_keys``:
    the keys of the entry's Secret that the suite's expansion declares (first, in this order),
    not listed by hand. ``scripts``: the ``script:`` builders that only this suite's expansion
    writes out, so only its entries may use them."""

    params: type[SuiteParams]
    expand: Callable[[Service, Any, Mapping[str, Any]], Service]
    findings: Callable[[Service, Any], Iterator[Finding]] = lambda service, params: iter(())
    derived: Mapping[str, Source] = field(default_factory=dict)
    generated_config_maps: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    secret_keys: tuple[str, ...] = ()
    scripts: frozenset[str] = frozenset()

    def read(self, name: str, service: Service) -> tuple[dict[str, Any], list[Finding]]:
        """The ``derived`` values of the entry, and a finding for each that it lacks."""
        values: dict[str, Any] = {}
        missing: list[Finding] = []
        for value, source in self.derived.items():
            got = source.read(service)
            if isinstance(got, Missing):
                hint = f"; {got.hint}" if got.hint else ""
                missing.append((got.where, f"{got.what}: the {name} suite reads {value} from it{hint}"))
            else:
                values[value] = got
        return values, missing

    def expanded(self, name: str, service: Service, params: SuiteParams) -> Service:
        """The entry expanded; only for an entry that the ``suite-fits`` rule has passed."""
        values, missing = self.read(name, service)
        if missing:
            raise ValueError(f"the {name} entry is expanded before the suite-fits rule passed it: {missing[0][1]}")
        return self.expand(service, params, values)

    def contract_findings(self, name: str, service: Service, params: SuiteParams) -> Iterator[Finding]:
        yield from self.read(name, service)[1]
        for cm_name, keys in self.generated_config_maps.items():
            cm = service.config_maps.get(cm_name)
            if cm is None:
                yield ("config_maps",), f"{cm_name} must be declared: the {name} suite writes {', '.join(keys)} into it"
                continue
            clash = sorted((set(cm.files) | set(cm.data)) & set(keys))
            if clash:
                yield ("config_maps", cm_name), f"{', '.join(clash)} is generated by the {name} suite; remove it"
        listed = service.secrets.keys if service.secrets is not None else []
        for i, key in enumerate(listed):
            if key in self.secret_keys:
                yield ("secrets", "keys", i), f"{key} is declared by the {name} suite; remove it"
        yield from self.findings(service, params)


_POD_SECTIONS = {"workloads": ("init_containers", "containers"), "cron_jobs": ("containers",)}


def containers(service: Service) -> Iterator[tuple[Location, Container]]:
    """Every container of the entry's workloads and cron jobs, with its path in the entry."""
    for kind, sections in _POD_SECTIONS.items():
        for pod_name, pod in getattr(service, kind).items():
            for section in sections:
                for c_name, container in getattr(pod, section).items():
                    yield (kind, pod_name, section, c_name), container


def with_containers(service: Service, edit: Callable[[Container], Container]) -> Service:
    """The entry with ``edit`` applied to every container of its workloads and cron jobs."""
    update: dict[str, Any] = {}
    for kind, sections in _POD_SECTIONS.items():
        update[kind] = {
            pod_name: pod.model_copy(update={s: {n: edit(c) for n, c in getattr(pod, s).items()} for s in sections})
            for pod_name, pod in getattr(service, kind).items()
        }
    return service.model_copy(update=update)


def env_names(container: Container) -> set[str]:
    return {var for item in container.env for var in item}


def with_config_map_data(service: Service, generated: Mapping[str, Mapping[str, str]]) -> Service:
    """Adds ``{config map: {key: text}}`` to the data of the ConfigMaps the entry declares."""
    config_maps = dict(service.config_maps)
    for cm_name, data in generated.items():
        cm = config_maps[cm_name]
        config_maps[cm_name] = cm.model_copy(update={"data": {**cm.data, **data}})
    return service.model_copy(update={"config_maps": config_maps})


def with_secret_keys_first(service: Service, keys: tuple[str, ...]) -> Service:
    """The entry whose Secret lists ``keys`` first (an ExternalSecret of the defaults if the
    entry declares none)."""
    if not keys:
        return service
    if service.secrets is None:
        return service.model_copy(update={"secrets": ExternalSecret(keys=list(keys))})
    secrets = service.secrets.model_copy(update={"keys": [*keys, *service.secrets.keys]})
    return service.model_copy(update={"secrets": secrets})


def with_env_first(service: Service, workload: str, container: str, var: str, value: str) -> Service:
    """Puts ``var: value`` first in the env of ``container`` of ``workload`` (nothing before it
    can refer to it, and it refers to nothing)."""
    wl = service.workloads[workload]
    c = wl.containers[container]
    containers = {**wl.containers, container: c.model_copy(update={"env": [{var: value}, *c.env]})}
    workloads = {**service.workloads, workload: wl.model_copy(update={"containers": containers})}
    return service.model_copy(update={"workloads": workloads})
