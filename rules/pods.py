"""The cluster's hard-won rules about what runs in a pod and where its data lives."""

from __future__ import annotations

from collections.abc import Iterator

from catalog.errors import excerpt
from catalog.model import Catalog
from catalog.model.pod import (
    GlusterfsVolume,
    HostPathVolume,
    NfsVolume,
    follows_glusterfs_convention,
    glusterfs_path,
)
from rules.engine import Located
from rules.walk import pods

LITESTREAM_REPOSITORY = "litestream/litestream"


def _gpu_nodes(catalog: Catalog) -> Iterator[Located]:
    nodes = catalog.cluster.nodes
    gpu_nodes = ", ".join(n for n, spec in nodes.items() if spec.gpu) or "none"
    for pod in pods(catalog):
        node = pod.placement.node
        if node is not None and node not in nodes:
            continue  # node-declared says so
        for c_loc, container in pod.containers.items():
            if "nvidia.com/gpu" not in {**container.resources.requests, **container.resources.limits}:
                continue
            if node is None or not nodes[node].gpu:
                yield (
                    c_loc + ("resources",),
                    f"requests a GPU but is not pinned to a GPU node (placement.node: {node!r}); "
                    f"GPU nodes: {gpu_nodes}",
                )


def _resources(catalog: Catalog) -> Iterator[Located]:
    for pod in pods(catalog):
        resources = {c_loc: c.resources for c_loc, c in pod.containers.items()}
        if pod.litestream:
            ls_loc = pod.location[:2] + ("litestream",)
            resources[ls_loc + ("restore_resources",)] = pod.spec.litestream.restore_resources
            resources[ls_loc + ("sidecar_resources",)] = pod.spec.litestream.sidecar_resources
        for loc, res in resources.items():
            missing = [k for k in ("requests", "limits") if not getattr(res, k)]
            if missing:
                yield loc, f"no resource {' or '.join(missing)}; set both (the scheduler and the OOM killer need them)"


def untagged(image: str) -> bool:
    last = image.rsplit("/", 1)[-1]
    return "@" not in last and (":" not in last or last.endswith(":"))


def _image_tags(catalog: Catalog) -> Iterator[Located]:
    if untagged(catalog.cluster.litestream_image):
        image = excerpt(catalog.cluster.litestream_image)
        yield ("cluster", "litestream_image"), f"image {image!r} has no tag; pin one, e.g. '{image}:1.2.3'"
    for pod in pods(catalog):
        for c_loc, container in pod.containers.items():
            if untagged(container.image):
                image = excerpt(container.image)
                yield c_loc + ("image",), f"image {image!r} has no tag; pin one, e.g. '{image}:1.2.3'"


def _litestream_same_image(catalog: Catalog) -> Iterator[Located]:
    """Restore and replicate run one litestream version: 0.3.x and 0.5.x formats differ."""
    for pod in pods(catalog):
        images = {c.image for c in pod.containers.values() if c.image.split(":")[0].endswith(LITESTREAM_REPOSITORY)}
        if pod.litestream:
            images.add(catalog.cluster.litestream_image)
        if len(images) > 1:
            yield pod.location, f"litestream containers run different images: {', '.join(sorted(images))}"


def _sqlite_on_network_storage(catalog: Catalog) -> Iterator[Located]:
    """The litestream-managed SQLite database must live on pod-local storage."""
    for pod in pods(catalog):
        if not pod.litestream:
            continue
        name = pod.spec.litestream.volume
        volume = pod.volumes.get(name)
        if volume is None:
            continue
        match volume:
            case GlusterfsVolume():
                where = f"glusterfs {volume.node_path(pod.service, catalog.cluster.storage_root)!r}"
            case HostPathVolume(host_path=path):
                where = f"host_path {path!r}"
            case NfsVolume(nfs=nfs):
                where = f"nfs {nfs.server!r}"
            case _:
                where = None
        if where is not None:
            yield (
                pod.location + ("volumes", name),
                f"the SQLite database volume {name!r} is {where}; use an emptyDir or a local volume claim",
            )


def _storage_paths(catalog: Catalog) -> Iterator[Located]:
    """hostPath volumes live on GlusterFS under ``storage_root`` and follow glusterfs_<service>_<type>."""
    root = catalog.cluster.storage_root.rstrip("/") + "/"
    for pod in pods(catalog):
        for v_name, volume in pod.volumes.items():
            match volume:
                case GlusterfsVolume(path=str() as path) | HostPathVolume(host_path=path):
                    pass
                case _:
                    continue  # the convention's own path, or no node path at all
            if not path.startswith(root):
                yield (
                    pod.location + ("volumes", v_name),
                    f"hostPath {path!r} is outside {root}; move it there or waive 'storage-path' with a reason",
                )
            elif isinstance(volume, GlusterfsVolume) and path != glusterfs_path(pod.service, volume.glusterfs, root):
                yield (
                    pod.location + ("volumes", v_name, "path"),
                    f"hostPath {path!r} breaks the glusterfs_<service>_<type> naming; "
                    "waive 'storage-path' with a reason",
                )
            elif isinstance(volume, HostPathVolume) and not follows_glusterfs_convention(path, pod.service, root):
                yield (
                    pod.location + ("volumes", v_name, "host_path"),
                    f"hostPath {path!r} is not named glusterfs_{pod.service.replace('-', '_')}_<type>; "
                    "use {glusterfs: <type>} or waive 'storage-path' with a reason",
                )


RULES = {
    "gpu-node": _gpu_nodes,
    "resources-required": _resources,
    "image-tag-required": _image_tags,
    "litestream-same-image": _litestream_same_image,
    "sqlite-on-network-storage": _sqlite_on_network_storage,
    "storage-path": _storage_paths,
}
