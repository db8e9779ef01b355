"""The operators' warnings on the Nomad side: each jobspec the catalog submits is parsed (with
python-hcl2) when the catalog is loaded, and holds exactly the job it is declared as, with the
HCL2 variables passed declared (and the required ones passed); a Consul Connect sidecar has the
memory Envoy needs; every image carries an explicit tag.

Nomad's 128 MB default for the Envoy sidecar OOM-kills it under load, and the mesh cascades:
``sidecar_task`` needs ``memory >= 256`` and ``memory_max >= 512``.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from catalog.errors import excerpt
from catalog.model import Catalog
from rules.engine import Located
from rules.references import PROJECT_ROOT, project_file_problem
from validation.cache_files import CACHE_ROOT, read_json, write_json_atomically

SIDECAR_MEMORY_MIN = 256
SIDECAR_MEMORY_MAX_MIN = 512

JOBSPEC_CACHE = CACHE_ROOT / "jobspecs"
JOBSPEC_CACHE_FORMAT = 1


@functools.lru_cache(maxsize=64)
def _parse(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    """The jobspec as python-hcl2 reads it (cached in the process by path and stat)."""
    return parsed_text(path.read_text(encoding="utf-8"))


@functools.cache
def _parser_key() -> str:
    """The parser's identity: another python-hcl2 or lark may read a jobspec differently, so the
    cache of one never serves another (their versions name the cache's folder)."""
    versions = [f"{name}=={metadata.version(name)}" for name in ("python-hcl2", "lark")]
    return hashlib.sha256(repr((JOBSPEC_CACHE_FORMAT, versions)).encode()).hexdigest()[:32]


def parsed_text(text: str, cache: Path | None = JOBSPEC_CACHE) -> dict[str, Any]:
    """``text`` parsed by python-hcl2, from the project's disk cache when this very text was
    parsed before by the same parser. Importing python-hcl2 and parsing the six jobspecs costs
    ~0.27 s of CPU, a tenth of a synthesis, paid by every process that loads the catalog; the
    cache is keyed by the text's digest, so an edited jobspec is always parsed again. An entry
    that does not hold its own digest and a mapping is ignored (the cache only saves time)."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    path = None if cache is None else cache / _parser_key() / f"{digest}.json"
    entry = None if path is None else read_json(path)
    if isinstance(entry, dict) and entry.get("digest") == digest and isinstance(entry.get("spec"), dict):
        return entry["spec"]
    import hcl2  # imported on a miss only: python-hcl2 and lark cost ~0.1 s to import

    spec = hcl2.loads(text)
    if path is not None:
        write_json_atomically(path, {"digest": digest, "spec": spec})
    return spec


def parsed_jobspec(relative: str) -> dict[str, Any]:
    path = PROJECT_ROOT / relative
    stat = path.stat()
    return _parse(path, stat.st_mtime_ns, stat.st_size)


def _unquote(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def _blocks(body: dict[str, Any], kind: str) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """``(label, body)`` of each ``kind`` block in ``body`` (label None for an unlabelled block)."""
    for block in body.get(kind, []) or []:
        if not isinstance(block, dict):
            continue
        if block.get("__is_block__"):
            yield None, block
        else:
            for label, inner in block.items():
                if isinstance(inner, dict):
                    yield _unquote(label), inner


def _first(body: dict[str, Any], kind: str) -> dict[str, Any] | None:
    return next((b for _label, b in _blocks(body, kind)), None)


def _has_explicit_tag(image: str) -> bool:
    last = image.rsplit("/", 1)[-1]
    return "@" in last or (":" in last and not last.endswith(":"))


def jobspec_problems(spec: dict[str, Any], job_name: str, passed: set[str]) -> Iterator[str]:
    jobs = list(_blocks(spec, "job"))
    names = [label for label, _body in jobs]
    if names != [job_name]:
        yield f"the jobspec must hold exactly one job {job_name!r}, found {names}"
    declared = {label: body for label, body in _blocks(spec, "variable")}
    undeclared = sorted(passed - set(declared))
    if undeclared:
        yield f"variables passed but not declared in the jobspec: {', '.join(undeclared)}"
    missing = sorted(n for n, body in declared.items() if "default" not in body and n not in passed)
    if missing:
        yield f"the jobspec's required variables are not passed under vars: {', '.join(missing)}"
    for _job, job in jobs:
        for group_name, group in _blocks(job, "group"):
            yield from _group_problems(group_name, group)


def _group_problems(group_name: str | None, group: dict[str, Any]) -> Iterator[str]:
    services = list(_blocks(group, "service"))
    for _task, task_body in _blocks(group, "task"):
        services += list(_blocks(task_body, "service"))
    for _service, service in services:
        connect = _first(service, "connect")
        if connect is None or _first(connect, "sidecar_service") is None:
            continue
        resources = _first(_first(connect, "sidecar_task") or {}, "resources") or {}
        memory, memory_max = resources.get("memory"), resources.get("memory_max")
        if not isinstance(memory, int) or memory < SIDECAR_MEMORY_MIN:
            yield (
                f"group {group_name!r}: the Connect sidecar_task needs resources.memory >= {SIDECAR_MEMORY_MIN} "
                f"(has {memory}); Nomad's 128 MB default OOM-kills Envoy"
            )
        if not isinstance(memory_max, int) or memory_max < SIDECAR_MEMORY_MAX_MIN:
            yield (
                f"group {group_name!r}: the Connect sidecar_task needs resources.memory_max >= "
                f"{SIDECAR_MEMORY_MAX_MIN} (has {memory_max})"
            )
    for task_name, task in _blocks(group, "task"):
        config = _first(task, "config") or {}
        image = _unquote(config.get("image"))
        if isinstance(image, str) and not _has_explicit_tag(image):
            yield f"task {task_name!r}: image {image!r} has no tag; pin one"


def jobspecs(catalog: Catalog) -> Iterator[Located]:
    if catalog.nomad is None:
        return
    for name, job in catalog.nomad.jobs.items():
        where = ("nomad", "jobs", name)
        problem = project_file_problem(job.jobspec, "jobspecs")
        if problem:
            yield where + ("jobspec",), problem
            continue
        try:
            spec = parsed_jobspec(job.jobspec)
        except Exception as exc:  # noqa: BLE001 - python-hcl2 raises lark's many exception types
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            yield where + ("jobspec",), f"{job.jobspec} is not valid HCL: {excerpt(first, 120)}"
            continue
        for problem in jobspec_problems(spec, job.job, set(job.vars)):
            yield where, f"{job.jobspec}: {problem}"


RULES = {"nomad-jobspecs": jobspecs}
