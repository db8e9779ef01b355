"""CronJob time zones as the API server checks them: an explicit IANA name (not ``Local``), each
``/``-separated part of 1-14 safe characters, that the time zone database knows (Python's
zoneinfo, backed by the ``tzdata`` package where the system has no database)."""

from __future__ import annotations

import re
import zoneinfo

_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}")


def time_zone(name: str) -> str | None:
    if not name:
        return "must be a time zone name or unset"
    if name.lower() == "local":
        return "must be an explicit time zone such as 'Europe/London', not Local"
    for part in name.split("/"):
        if part in (".", "..") or part.startswith("-") or not _PART.fullmatch(part):
            return "is not a time zone name (parts of letters, digits, '.', '-', '_', '+')"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return "is not a time zone of the IANA database (e.g. 'Europe/London', 'UTC')"
    return None
