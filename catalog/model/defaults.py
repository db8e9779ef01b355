"""The ``defaults:`` section of services.yaml: what an entry gets where it writes nothing, so a
convention of the cluster is written once instead of in every entry that follows it.

Like bjw-s app-template's ``defaultPodOptions``, but in the catalog's terms, and applied to the
plain data of the file before the entries are validated (:func:`inherit`), so an inherited value
is checked like one the entry wrote. Each key of :class:`Defaults` names where it applies
(:data:`TARGETS`); adding one is a field and a line there. What an entry inherits remembers the
``defaults.`` path it came from (:class:`Inheritance`): a finding about it names that line, and
an entry value equal to what it would inherit is reported by the rule ``default-restated``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from catalog.model.base import Model
from catalog.model.pod import ProbeTimings

Location = tuple[str | int, ...]
ANY = "*"  # any key of a mapping of names (services, workloads, containers, ...)
_CONTAINERS = ("services", ANY, ("workloads", "cron_jobs"), ANY, ("init_containers", "containers"), ANY)


class Defaults(Model):
    """What every entry inherits where it writes nothing.

    ``liveness`` / ``readiness``: timings of every liveness / readiness probe a container of a
    workload or cron job declares (a default never adds a probe). They merge key by key: each
    timing the probe leaves out is the default's, a timing the probe writes replaces the
    default's, and ``null`` keeps Kubernetes' own default for that probe. Writing a value equal
    to the one inherited is refused (``default-restated``): leave it out.
    """

    liveness: ProbeTimings = ProbeTimings()
    readiness: ProbeTimings = ProbeTimings()


# defaults key -> the pattern of the mappings of an entry that inherit its keys
TARGETS: dict[str, Location] = {
    "liveness": (*_CONTAINERS, "liveness"),
    "readiness": (*_CONTAINERS, "readiness"),
}


@dataclass(frozen=True)
class Inheritance:
    """Where the values of the entries came from: ``inherited`` maps a value the entry did not
    write to the ``defaults.`` path it was taken from; ``restated`` a value the entry wrote to
    the ``defaults.`` path that gives the same one."""

    inherited: dict[Location, Location] = field(default_factory=dict)
    restated: dict[Location, Location] = field(default_factory=dict)


def inherit(data: Any) -> tuple[Any, Inheritance]:
    """``data`` (the whole catalog as plain data, as read from YAML) with each entry's defaults
    filled in; ``data`` itself is left as it was. A ``defaults:`` section that is not valid is
    not applied: its problems are reported once, on its own lines, and not again at every entry
    that would inherit them."""
    inheritance = Inheritance()
    section = data.get("defaults") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        return data, inheritance
    try:
        Defaults.model_validate(section)
    except ValidationError:
        return data, inheritance
    for key, pattern in TARGETS.items():
        given = section.get(key)
        if isinstance(given, dict) and given:  # a model object (a catalog built in code) is not plain data
            data = _fill(data, pattern, (), given, ("defaults", key), inheritance)
    return data, inheritance


def _fill(node: Any, pattern: Location, loc: Location, given: dict, source: Location, out: Inheritance) -> Any:
    """``node`` with ``given`` merged into every mapping ``pattern`` reaches; copied only along
    the paths that change."""
    if not isinstance(node, dict):
        return node
    if not pattern:
        merged = dict(node)
        for key, value in given.items():
            if key not in node:
                merged[key] = value
                out.inherited[loc + (key,)] = source + (key,)
            elif node[key] == value and type(node[key]) is type(value):
                out.restated[loc + (key,)] = source + (key,)
        return merged
    step, rest = pattern[0], pattern[1:]
    keys = list(node) if step == ANY else [k for k in ((step,) if isinstance(step, str) else step) if k in node]
    changed = {}
    for key in keys:
        child = _fill(node[key], rest, loc + (key,), given, source, out)
        if child is not node[key]:
            changed[key] = child
    return {**node, **changed} if changed else node
