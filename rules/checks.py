"""The rules, one function each. A check returns human-readable problems (empty: compliant)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from catalog.model.pod import Container
from constructs_lib.k8s.pod import PodProps

LITESTREAM_REPOSITORY = "litestream/litestream"
NETWORK_SOURCES = {"host_path", "nfs"}

# Env names that hold credentials. ACCESS_KEY / CLIENT_ID are identifiers, not secrets.
SECRET_ENV = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|_PASS$)", re.IGNORECASE)
# `password: hunter2`-style assignments in config text; placeholders and references are fine.
SECRET_ASSIGNMENT = re.compile(
    r"""(?ix)\b(password|passwd|secret|token|api[_-]?key)\b["']?\s*[:=]\s*["']?(?P<value>[^\s"',}]+)"""
)
NOT_A_VALUE = re.compile(r"(?i)^(\$|%|<|\{|ENV\[|[A-Z0-9_]*PLACEHOLDER|true|false|null|none|''|\"\"|file|env|~)")
SECRET_SHAPES = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b"),
]


def _containers(pod: PodProps) -> Iterable[tuple[str, Container]]:
    yield from pod.init_containers.items()
    yield from pod.containers.items()


def sqlite_on_network_storage(pod: PodProps, database_volume: str) -> list[str]:
    """The litestream-managed SQLite database must live on pod-local storage."""
    for volume in pod.volumes:
        if volume.name == database_volume and volume.source in NETWORK_SOURCES:
            where = volume.settings.get("path") or volume.settings.get("server")
            return [
                f"the SQLite database volume {database_volume!r} is {volume.source} {where!r}; "
                "use an emptyDir or a local volume claim"
            ]
    return []


def litestream_same_image(pod: PodProps) -> list[str]:
    """Restore and replicate run one litestream version: 0.3.x and 0.5.x formats differ."""
    images = {c.image for _, c in _containers(pod) if c.image.split(":")[0].endswith(LITESTREAM_REPOSITORY)}
    if len(images) > 1:
        return [f"litestream containers run different images: {', '.join(sorted(images))}"]
    return []


def storage_path(pod: PodProps, service: str, root: str) -> list[str]:
    """hostPath volumes live on GlusterFS under ``root`` and follow glusterfs_<service>_<type>."""
    problems = []
    prefix = root.rstrip("/") + "/"
    pattern = re.compile(re.escape(prefix) + r"glusterfs_" + re.escape(service.replace("-", "_")) + r"_[a-z0-9_]+$")
    for volume in pod.volumes:
        path = volume.host_path_value
        if path is None:
            continue
        if not path.startswith(prefix):
            problems.append(f"volume {volume.name!r}: hostPath {path!r} is outside {prefix}")
        elif not pattern.match(path):
            problems.append(
                f"volume {volume.name!r}: hostPath {path!r} is not named glusterfs_{service.replace('-', '_')}_<type>"
            )
    return problems


def resources_required(pod: PodProps) -> list[str]:
    problems = []
    for name, c in _containers(pod):
        missing = [k for k in ("requests", "limits") if not getattr(c.resources, k)]
        if missing:
            problems.append(f"container {name!r} has no resource {' or '.join(missing)}")
    return problems


def image_tag_required(pod: PodProps) -> list[str]:
    problems = []
    for name, c in _containers(pod):
        last = c.image.rsplit("/", 1)[-1]
        if "@" not in last and (":" not in last or last.endswith(":")):
            problems.append(f"container {name!r} image {c.image!r} has no tag")
    return problems


def no_ignore_changes(config: Mapping[str, Any]) -> list[str]:
    """``config`` is a resource's Terraform config (``to_terraform()`` body)."""
    lifecycle = config.get("lifecycle") or {}
    if lifecycle.get("ignore_changes"):
        return [f"lifecycle.ignore_changes {lifecycle['ignore_changes']!r} hides drift; fix the cause instead"]
    return []


def literal_secrets_in_env(pod: PodProps) -> list[str]:
    problems = []
    for name, c in _containers(pod):
        for item in c.env:
            for var, value in item.items():
                if isinstance(value, str) and SECRET_ENV.search(var) and value:
                    problems.append(f"container {name!r} env {var} is a literal; read it from the ExternalSecret")
    return problems


def literal_secrets_in_text(where: str, text: str) -> list[str]:
    problems = []
    for shape in SECRET_SHAPES:
        if shape.search(text):
            problems.append(f"{where} contains what looks like a credential ({shape.pattern[:24]}...)")
    for match in SECRET_ASSIGNMENT.finditer(text):
        value = match.group("value")
        if not NOT_A_VALUE.match(value) and len(value) >= 8:
            problems.append(f"{where} assigns a literal {match.group(1)!r}; use a placeholder filled from a Secret")
    return problems


def literal_secrets_in_backend(backend: Mapping[str, Any]) -> list[str]:
    problems = []
    for kind, settings in backend.items():
        for key in ("conn_str", "password", "token", "access_key", "secret_key"):
            if isinstance(settings, Mapping) and settings.get(key):
                problems.append(f"backend {kind} has a literal {key}; pass it through the environment (PG_CONN_STR)")
    return problems
