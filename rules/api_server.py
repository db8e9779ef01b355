"""What the Kubernetes API server would refuse, refused by the catalog first, in the API
server's own terms (k8s.io/apimachinery validation and the core, apps and batch validators).

A refusal at ``terraform apply`` comes after review, half-way through a rollout; here it is a
line of services.yaml. None of these rules is waivable: the cluster would refuse anyway.
"""

from __future__ import annotations

from collections.abc import Iterator

from catalog.model import Catalog, Service
from catalog.model.pod import Container
from catalog.source import Location
from grammar import names, quantity
from grammar.cron import schedule as cron_schedule
from grammar.image_reference import image_reference
from grammar.timezones import time_zone
from rules.engine import Located
from rules.walk import containers

INT32_MAX = 2**31 - 1
CRONJOB_NAME_MAX = 52  # the controller appends an 11-character suffix to name its Jobs
CONFIG_MAP_MAX_BYTES = 1024 * 1024


def _services(catalog: Catalog) -> Iterator[tuple[Location, Service]]:
    for name, service in catalog.services.items():
        yield ("services", name), service


def labels(catalog: Catalog) -> Iterator[Located]:
    """Label keys are qualified names, values at most 63 characters of a restricted set; the
    ``component`` settings become label values, network-policy selectors are label selectors."""
    for loc, service in _services(catalog):
        label_maps: list[tuple[Location, dict[str, str]]] = []
        if service.labels is not None:
            label_maps.append((loc + ("labels",), service.labels))
        for wl_name, wl in service.workloads.items():
            label_maps.append((loc + ("workloads", wl_name, "labels"), wl.labels))
            if wl.component is not None:
                label_maps.append((loc + ("workloads", wl_name), {"component": wl.component}))
        for section in ("config_maps", "ingress_routes"):
            for obj_name, obj in getattr(service, section).items():
                if obj.component is not None:
                    label_maps.append((loc + (section, obj_name), {"component": obj.component}))
        if service.litestream is not None and service.litestream.component is not None:
            label_maps.append((loc + ("litestream",), {"component": service.litestream.component}))
        for i, policy in enumerate(service.network_policies):
            label_maps.append((loc + ("network_policies", i, "selector"), policy.selector))
            for j, peer in enumerate(policy.allow_from):
                label_maps.append((loc + ("network_policies", i, "allow_from", j), peer))
        for where, mapping in label_maps:
            for key, value in mapping.items():
                problem = names.qualified_name(key)
                if problem:
                    yield where + (key,), f"label key {key!r} {problem}"
                problem = names.label_value(value)
                if problem:
                    yield where + (key,), f"label value {value!r} {problem}"


def object_names(catalog: Catalog) -> Iterator[Located]:
    """Services are DNS-1035 labels (a letter first: the name becomes an env variable prefix);
    a CronJob's name leaves room for the suffix of its Jobs."""
    for loc, service in _services(catalog):
        for wl_name, wl in service.workloads.items():
            for svc_name in wl.services:
                problem = names.dns1035_label(svc_name)
                if problem:
                    yield loc + ("workloads", wl_name, "services", svc_name), f"Service name {svc_name!r} {problem}"
        for cj_name in service.cron_jobs:
            if len(cj_name) > CRONJOB_NAME_MAX:
                yield (
                    loc + ("cron_jobs", cj_name),
                    f"CronJob name must be at most {CRONJOB_NAME_MAX} characters (has {len(cj_name)})",
                )


def port_names(catalog: Catalog) -> Iterator[Located]:
    """Port names are IANA service names, unique in a container; a Service of several ports
    names each of them."""
    for c_loc, container in containers(catalog):
        seen: set[str] = set()
        for i, port in enumerate(container.ports):
            if port.name is None:
                continue
            problem = names.port_name(port.name)
            if problem:
                yield c_loc + ("ports", i, "name"), f"port name {port.name!r} {problem}"
            elif port.name in seen:
                yield c_loc + ("ports", i, "name"), f"port name {port.name!r} is used twice"
            seen.add(port.name)
    for loc, service in _services(catalog):
        for wl_name, wl in service.workloads.items():
            for svc_name, svc in wl.services.items():
                where = loc + ("workloads", wl_name, "services", svc_name, "ports")
                seen = set()
                for i, port in enumerate(svc.ports):
                    if port.name is None:
                        if len(svc.ports) > 1:
                            yield where + (i,), "a Service with several ports needs a name on each"
                        continue
                    problem = names.port_name(port.name)
                    if problem:
                        yield where + (i, "name"), f"port name {port.name!r} {problem}"
                    elif port.name in seen:
                        yield where + (i, "name"), f"port name {port.name!r} is used twice"
                    seen.add(port.name)


def _int_fields(service: Service) -> Iterator[tuple[Location, str, int | None]]:
    for wl_name, wl in service.workloads.items():
        yield ("workloads", wl_name, "replicas"), "replicas", wl.replicas
        if wl.security_context is not None:
            where = ("workloads", wl_name, "security_context")
            yield where + ("fs_group",), "group id", wl.security_context.fs_group
            for i, gid in enumerate(wl.security_context.supplemental_groups or []):
                yield where + ("supplemental_groups", i), "group id", gid
    for cj_name, cj in service.cron_jobs.items():
        where = ("cron_jobs", cj_name)
        for name in ("successful_jobs_history_limit", "failed_jobs_history_limit", "backoff_limit"):
            yield where + (name,), name, getattr(cj, name)
    for ir_name, ir in service.ingress_routes.items():
        for i, route in enumerate(ir.routes):
            yield ("ingress_routes", ir_name, "routes", i, "priority"), "priority", route.priority


def _container_int_fields(container: Container) -> Iterator[tuple[Location, str, int | None]]:
    for probe_name in ("liveness", "readiness", "startup"):
        probe = getattr(container, probe_name)
        if probe is None:
            continue
        for name in ("initial_delay", "period", "timeout", "failure_threshold"):
            yield (probe_name, name), name, getattr(probe, name)
    if container.security_context is not None:
        yield ("security_context", "run_as_user"), "user id", container.security_context.run_as_user
        yield ("security_context", "run_as_group"), "group id", container.security_context.run_as_group


def int32_fields(catalog: Catalog) -> Iterator[Located]:
    """Counts, timings and ids are int32 in the API; user and group ids are not negative."""
    fields = [(loc + where, what, n) for loc, service in _services(catalog) for where, what, n in _int_fields(service)]
    fields += [(c_loc + w, what, n) for c_loc, c in containers(catalog) for w, what, n in _container_int_fields(c)]
    for where, what, number in fields:
        if number is None:
            continue
        if number > INT32_MAX or number < -INT32_MAX - 1:
            yield where, f"{what} {number} does not fit the API's 32-bit integer (at most {INT32_MAX})"
        elif what.endswith(" id") and number < 0:
            yield where, f"{what} {number} must not be negative"


def tolerations(catalog: Catalog) -> Iterator[Located]:
    for loc, service in _services(catalog):
        for wl_name, wl in service.workloads.items():
            for i, toleration in enumerate(wl.tolerations):
                where = loc + ("workloads", wl_name, "tolerations", i)
                if toleration.operator == "Exists" and toleration.value:
                    yield where + ("value",), "a toleration with operator Exists must not have a value"
                problem = names.qualified_name(toleration.key) if toleration.key else None
                if problem:
                    yield where + ("key",), f"toleration key {toleration.key!r} {problem}"


def _resource_problems(c_loc: Location, container: Container) -> Iterator[Located]:
    for resource, request in container.resources.requests.items():
        limit = container.resources.limits.get(resource)
        if limit is None:
            continue
        req_value, limit_value = quantity.value(request), quantity.value(limit)
        if req_value is not None and limit_value is not None and req_value > limit_value:
            yield (
                c_loc + ("resources", "requests", resource),
                f"request {request} is above the limit {limit}; the API server refuses it",
            )


def requests_within_limits(catalog: Catalog) -> Iterator[Located]:
    for c_loc, container in containers(catalog):
        yield from _resource_problems(c_loc, container)
    for loc, service in _services(catalog):
        if service.litestream is not None:
            for name in ("restore_resources", "sidecar_resources"):
                resources = getattr(service.litestream, name)
                for resource, request in resources.requests.items():
                    limit = resources.limits.get(resource)
                    if limit is not None and (quantity.value(request) or 0) > (quantity.value(limit) or 0):
                        yield (
                            loc + ("litestream", name, "requests", resource),
                            f"request {request} is above the limit {limit}; the API server refuses it",
                        )


def images(catalog: Catalog) -> Iterator[Located]:
    """Image references follow the distribution grammar (the kubelet cannot pull anything else)."""
    problem = image_reference(catalog.cluster.litestream_image)
    if problem:
        yield ("cluster", "litestream_image"), f"image {catalog.cluster.litestream_image!r} {problem}"
    for c_loc, container in containers(catalog):
        problem = image_reference(container.image)
        if problem:
            yield c_loc + ("image",), f"image {container.image!r}: {problem}"


def schedules(catalog: Catalog) -> Iterator[Located]:
    """Schedules as the CronJob controller parses them, time zones that exist."""
    for loc, service in _services(catalog):
        for cj_name, cj in service.cron_jobs.items():
            where = loc + ("cron_jobs", cj_name)
            problem = cron_schedule(cj.schedule)
            if problem:
                yield where + ("schedule",), f"invalid cron schedule {cj.schedule!r}: {problem}"
            if cj.timezone is not None:
                problem = time_zone(cj.timezone)
                if problem:
                    yield where + ("timezone",), f"time zone {cj.timezone!r} {problem}"


RULES = {
    "label-syntax": labels,
    "object-name-syntax": object_names,
    "port-name-syntax": port_names,
    "int32-fields": int32_fields,
    "toleration-syntax": tolerations,
    "request-within-limit": requests_within_limits,
    "image-reference-syntax": images,
    "cron-schedule": schedules,
}
