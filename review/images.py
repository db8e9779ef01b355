"""Image bumps, told apart from every other change.

Most merge requests will be Renovate's, moving one tag. Such a change is one line per image
(``overseerr: sctx/overseerr 1.2.3 -> 1.2.4``) instead of a YAML diff of the whole workload.
"""

from __future__ import annotations

import re
from typing import Any

_JOBSPEC_IMAGE = re.compile(r'(\bimage\s*=\s*")([^"]+)(")')
_JOBSPEC_VARIABLE = re.compile(r"\$\{var\.([A-Za-z_][\w-]*)\}")


def _resolved(body: Any) -> Any:
    """A Nomad job with its HCL2 variables filled in: ``elastic_version`` moving both Elastic
    images is an image bump; the same variable used anywhere else makes it more than one."""
    if not (isinstance(body, dict) and isinstance(body.get("jobspec"), str) and body.get("variables")):
        return body
    values = {str(k): str(v) for k, v in body["variables"].items()}
    jobspec = _JOBSPEC_VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), body["jobspec"])
    return {k: v for k, v in {**body, "jobspec": jobspec}.items() if k != "variables"}


def split(image: str) -> tuple[str, str]:
    """``repo:tag`` -> (repo, tag); a digest stays with its tag; no tag is ``latest``."""
    name, _, digest = image.partition("@")
    head, sep, tag = name.rpartition(":")
    if not sep or "/" in tag:
        head, tag = name, "latest"
    return head, tag + (f"@{digest}" if digest else "")


def images(body: Any) -> list[str]:
    """Every image reference of an object, in document order."""
    found: list[str] = []

    def walk(value: Any, key: str | None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str):
            if key == "image":
                found.append(value)
            elif key == "jobspec":
                found.extend(m.group(2) for m in _JOBSPEC_IMAGE.finditer(value))

    walk(body, None)
    return found


def _untagged(body: Any, key: str | None = None) -> Any:
    if isinstance(body, dict):
        return {k: _untagged(v, k) for k, v in body.items()}
    if isinstance(body, list):
        return [_untagged(v, key) for v in body]
    if isinstance(body, str) and key == "image":
        return split(body)[0]
    if isinstance(body, str) and key == "jobspec":
        return _JOBSPEC_IMAGE.sub(lambda m: m.group(1) + split(m.group(2))[0] + m.group(3), body)
    return body


def image_moves(old: Any, new: Any) -> list[tuple[str, str, str]] | None:
    """``[(repo, old tag, new tag)]`` if the two objects differ only in image tags, else None."""
    old, new = _resolved(old), _resolved(new)
    if old == new or _untagged(old) != _untagged(new):
        return None
    moves = []
    for before, after in zip(images(old), images(new), strict=True):
        if before != after:
            move = (split(before)[0], split(before)[1], split(after)[1])
            if move not in moves:
                moves.append(move)
    return moves
