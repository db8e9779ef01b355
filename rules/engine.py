"""The one engine of findings: every check of the catalog beyond its shape is a named rule.

A rule is a plain function ``check(catalog) -> Iterable[(location, message)]`` (location: the
YAML path of what is wrong), registered under its id from a module-level dict ``RULES``. The
engine runs every rule over the loaded catalog, drops what a service waives and reports the
rest located (YAML path, file, line), all at once. Waivers apply in :func:`unwaived` only:
a service entry's ``waivers:`` (rule id + reason) for a rule the catalog lets be waived
(``catalog.model.objects.RuleName``). The few rules that need the synthesized tree
(``rules/tree.py``) go through the same function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from catalog import Catalog, CatalogError, Problem, problem_order
from catalog.source import Location, dotted

Located = tuple[Location, str]  # what a check yields: the YAML path and the message
Check = Callable[[Catalog], Iterable[Located]]


@dataclass(frozen=True)
class Finding:
    rule: str
    location: Location
    message: str

    @property
    def service(self) -> str | None:
        """The catalog service the finding is about (None: the cluster, a Nomad job, a stack)."""
        loc = self.location
        return str(loc[1]) if len(loc) >= 2 and loc[0] == "services" else None


class Registry:
    """Rules by id; registering an id twice is a programming error, caught at import."""

    def __init__(self) -> None:
        self._rules: dict[str, Check] = {}

    def register(self, rules: Mapping[str, Check]) -> None:
        for rule, check in rules.items():
            if rule in self._rules:
                raise ValueError(f"rule {rule!r} is registered twice")
            self._rules[rule] = check

    @property
    def ids(self) -> list[str]:
        return list(self._rules)

    def findings(self, catalog: Catalog) -> list[Finding]:
        return [Finding(rule, tuple(loc), msg) for rule, check in self._rules.items() for loc, msg in check(catalog)]

    def check(self, catalog: Catalog) -> None:
        """Raises one :class:`CatalogError` listing every unwaived finding."""
        found = unwaived(catalog, self.findings(catalog))
        if found:
            raise CatalogError(sorted(located(catalog, found), key=problem_order))


def unwaived(catalog: Catalog, findings: Iterable[Finding]) -> list[Finding]:
    """The findings no service waives: the one place waivers apply."""
    kept = []
    for finding in findings:
        service = catalog.services.get(finding.service) if finding.service else None
        if service is None or not service.waived(finding.rule):
            kept.append(finding)
    return list(dict.fromkeys(kept))


def located(catalog: Catalog, findings: Iterable[Finding]) -> list[Problem]:
    """A finding about a value an entry inherited is about the ``defaults:`` value it came from:
    reported there, once, however many entries inherit it."""
    problems = []
    for f in findings:
        loc = catalog.inheritance.inherited.get(f.location, f.location)
        file, line = catalog.locate(loc)
        problems.append(Problem(file, line, dotted(loc), f.message, rule=f.rule))
    return list(dict.fromkeys(problems))
