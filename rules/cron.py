"""Cron schedules: five fields (minute hour day month weekday) or a macro, each in range."""

from __future__ import annotations

from collections.abc import Iterator

from catalog.model import Catalog
from catalog.source import Location

_CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
_CRON_NAMES = {3: "jan feb mar apr may jun jul aug sep oct nov dec".split(), 4: "sun mon tue wed thu fri sat".split()}
_MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}


def _schedules(catalog: Catalog) -> Iterator[tuple[Location, str]]:
    for name, service in catalog.services.items():
        for cj_name, cj in service.cron_jobs.items():
            problem = cron_problem(cj.schedule)
            if problem:
                yield (
                    ("services", name, "cron_jobs", cj_name, "schedule"),
                    f"invalid cron schedule {cj.schedule!r}: {problem}",
                )


def cron_problem(schedule: str) -> str | None:
    """Why ``schedule`` is not a valid 5-field cron expression, or None."""
    if schedule in _MACROS:
        return None
    fields = schedule.split()
    if len(fields) != 5:
        return f"expected 5 fields (minute hour day month weekday), got {len(fields)}"
    for index, (field, (low, high)) in enumerate(zip(fields, _CRON_RANGES)):
        for part in field.split(","):
            base, _, step = part.partition("/")
            if step and not (step.isdigit() and int(step) > 0):
                return f"bad step {step!r} in {field!r}"
            if base == "*":
                continue
            for bound in base.split("-", 1):
                value = (
                    _CRON_NAMES.get(index, []).index(bound.lower()) + (1 if index == 3 else 0)
                    if bound.lower() in _CRON_NAMES.get(index, [])
                    else bound
                )
                if not str(value).isdigit() or not low <= int(value) <= high:
                    return f"{bound!r} is out of range {low}-{high} in {field!r}"
    return None


RULES = {"cron-schedule": _schedules}
