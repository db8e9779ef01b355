"""Every name the catalog uses resolves to something it declares: Services and ports behind
Ingresses and IngressRoutes, containers of a VPA's target, keys of a Secret, and the project
files that ConfigMaps and Nomad jobs read.

An unresolved reference synthesizes fine and fails on the cluster (a 503, a VPA that never
recommends, a pod stuck in ContainerCreating) or deep inside synthesis (a traceback): here it
is the line of services.yaml that names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from catalog.model import Catalog
from catalog.model.pod import SecretVolume
from rules.engine import Located
from rules.walk import pods

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The containers the litestream pattern adds to its workload (constructs_lib/app.py).
LITESTREAM_CONTAINERS = ["litestream-restore", "litestream"]
CONFIG_MAP_MAX_BYTES = 1024 * 1024  # the API server's limit on a ConfigMap's data


def vpa_containers(catalog: Catalog) -> Iterator[Located]:
    for name, service in catalog.services.items():
        for vpa_name, vpa in service.vpas.items():
            wl = service.workloads.get(vpa.workload)
            if wl is None:
                continue  # reported by the workload reference check
            present = [*wl.init_containers, *wl.containers]
            if service.litestream is not None and service.litestream.workload == vpa.workload:
                present += LITESTREAM_CONTAINERS
            for container in vpa.containers:
                if container not in present:
                    yield (
                        ("services", name, "vpas", vpa_name, "containers", container),
                        f"container {container!r} is not a container of workload {vpa.workload!r} "
                        f"({', '.join(present)})",
                    )


def secret_volume_items(catalog: Catalog) -> Iterator[Located]:
    """Items of a volume of the service's own Secret name keys it declares."""
    for pod in pods(catalog):
        declared = set(pod.spec.secrets.keys) if pod.spec.secrets else set()
        for v_name, volume in pod.volumes.items():
            if not isinstance(volume, SecretVolume) or volume.secret.secret is not None:
                continue
            where = pod.location + ("volumes", v_name, "secret")
            if pod.spec.secrets is None:
                yield where, "a secret volume needs a 'secrets' section"
                continue
            for key in volume.secret.items:
                if key not in declared:
                    yield (
                        where + ("items", key),
                        f"secret key {key!r} is not declared under secrets.keys ({', '.join(sorted(declared))})",
                    )


def project_file_problem(relative: str, folder: str) -> str | None:
    """Why ``relative`` is not a regular, readable UTF-8 file under ``<project>/<folder>/``."""
    path = PurePosixPath(relative)
    if path.is_absolute() or "\\" in relative:
        return f"{relative!r} must be a path relative to the project, under {folder}/"
    if ".." in path.parts:
        return f"{relative!r} must not contain '..'; files live under {folder}/"
    if not path.parts or path.parts[0] != folder:
        return f"{relative!r} must be under {folder}/"
    full = PROJECT_ROOT / path
    try:
        resolved = full.resolve(strict=True)
    except (OSError, RuntimeError):
        return f"file {relative!r} does not exist"
    if not resolved.is_relative_to((PROJECT_ROOT / folder).resolve()):
        return f"{relative!r} leads outside {folder}/ (a symbolic link)"
    if not resolved.is_file():
        return f"{relative!r} is not a regular file"
    try:
        resolved.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return f"file {relative!r} is not UTF-8 text"
    except OSError as exc:
        return f"file {relative!r} cannot be read: {exc.strerror}"
    return None


def config_map_files(catalog: Catalog) -> Iterator[Located]:
    """ConfigMap files exist under files/, and a ConfigMap holds at most 1 MiB."""
    for name, service in catalog.services.items():
        for cm_name, cm in service.config_maps.items():
            where = ("services", name, "config_maps", cm_name)
            size = sum(len(v.encode()) for v in cm.data.values())
            for key, relative in cm.files.items():
                problem = project_file_problem(relative, "files")
                if problem:
                    yield where + ("files", key), problem
                else:
                    size += (PROJECT_ROOT / relative).stat().st_size
            if size > CONFIG_MAP_MAX_BYTES:
                yield where, f"ConfigMap holds {size} bytes; the API server refuses more than {CONFIG_MAP_MAX_BYTES}"


RULES = {
    "vpa-container-references": vpa_containers,
    "secret-volume-items": secret_volume_items,
    "config-map-files": config_map_files,
}
