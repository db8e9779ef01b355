"""CronJob schedules as the CronJob controller parses them: robfig/cron v3's standard parser
(``cron.ParseStandard``), which the API server also calls to validate ``spec.schedule``.

Five fields (minute hour day-of-month month day-of-week), each a comma list of ``*``, ``?``,
``N``, ``N-M``, with an optional ``/step`` (``N/step`` means ``N-max/step``); month and weekday
names (``jan``, ``mon``); weekdays 0-6 (robfig refuses 7); or a descriptor (``@hourly`` ...,
``@every <Go duration>``). The API server refuses ``TZ=``/``CRON_TZ=`` in a new schedule: the
time zone belongs in ``timeZone``.
"""

from __future__ import annotations

import re

_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_DAYS = "sun mon tue wed thu fri sat".split()
_FIELDS = [
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {n: i + 1 for i, n in enumerate(_MONTHS)}),
    ("day of week", 0, 6, {n: i for i, n in enumerate(_DAYS)}),
]
DESCRIPTORS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_GO_DURATION = re.compile(r"[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)")
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
_MAX_DURATION_S = (2**63 - 1) / 1e9


def schedule(spec: str) -> str | None:
    """Why the CronJob controller would refuse ``spec``, or None."""
    if "TZ" in spec:
        return "cannot use TZ or CRON_TZ in schedule, use timezone instead"
    if not spec.strip():
        return "empty schedule"
    if spec.startswith("@"):
        return _descriptor(spec)
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields (minute hour day-of-month month day-of-week), found {len(fields)}"
    for text, (what, low, high, names) in zip(fields, _FIELDS):
        for part in text.split(","):
            problem = _range(part, low, high, names)
            if problem:
                return f"{what} {problem}"
    return None


def go_duration(text: str) -> str | None:
    """Why Go's ``time.ParseDuration`` refuses ``text``, or None."""
    if not _GO_DURATION.fullmatch(text):
        return f"{text!r} is not a duration such as '90s', '2h' or '1h30m'"
    seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in _DURATION_PART.findall(text))
    if seconds > _MAX_DURATION_S:
        return f"{text!r} is longer than the longest duration (about 292 years)"
    return None


def _descriptor(spec: str) -> str | None:
    if spec in DESCRIPTORS:
        return None
    if spec.startswith("@every "):
        return go_duration(spec.removeprefix("@every "))
    return f"unrecognized descriptor {spec.split()[0]!r}; known: {', '.join(sorted(DESCRIPTORS))}, @every <duration>"


def _range(expr: str, low: int, high: int, names: dict[str, int]) -> str | None:
    range_and_step = expr.split("/")
    if len(range_and_step) > 2:
        return f"has too many slashes: {expr!r}"
    bounds = range_and_step[0].split("-")
    if bounds[0] in ("*", "?"):
        start, end = low, high
    else:
        if len(bounds) > 2:
            return f"has too many hyphens: {expr!r}"
        values = []
        for bound in bounds:
            value = names.get(bound.lower())
            if value is None:
                if not re.fullmatch(r"[+]?\d{1,18}", bound):
                    return f"{bound!r} is not a number{' or name' if names else ''} in {expr!r}"
                value = int(bound)
            values.append(value)
        start, end = values[0], values[-1]
    if len(range_and_step) == 2:
        step_text = range_and_step[1]
        if not re.fullmatch(r"[+]?\d{1,18}", step_text):
            return f"step {step_text!r} is not a number in {expr!r}"
        if len(bounds) == 1:
            end = high
        if int(step_text) == 0:
            return f"step must be a positive number: {expr!r}"
    if start < low:
        return f"starts below {low}: {expr!r}"
    if end > high:
        return f"goes above {high}: {expr!r}"
    if start > end:
        return f"range starts after it ends: {expr!r}"
    return None
