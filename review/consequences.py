"""What each change does to the running resource, and which changes lose data.

A changed resource is updated in place unless one of its ForceNew attributes changed
(``review.forcenew``): then Terraform destroys it and creates it again. A removed resource is
destroyed. Either is refused for an object that holds data unless the catalog acknowledges it,
because neither a plan summary nor a text diff says "this deletes the database".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from review import forcenew
from review.objects import Item

ADDED, IN_PLACE, REPLACEMENT, DESTROY = "added", "in-place", "replacement", "destroy"

_JOB_ID = re.compile(r'^\s*job\s+"([^"]+)"', re.MULTILINE)
_JOB_NAMESPACE = re.compile(r'^\s*namespace\s*=\s*"([^"]+)"', re.MULTILINE)
_GLUSTERFS = re.compile(r"/glusterfs_[\w-]+")
LITESTREAM_IMAGE = "litestream/litestream"
# In a jobspec: a Docker bind of a GlusterFS directory, and a CSI volume the job claims.
_JOBSPEC_GLUSTERFS = re.compile(r'"(/[^":]*/glusterfs_[\w-]+)[^"]*:[^"]*"')
_JOBSPEC_CSI = re.compile(r'volume\s+"[^"]+"\s*\{[^}]*?type\s*=\s*"csi"[^}]*?source\s*=\s*"([^"]+)"', re.DOTALL)


@dataclass(frozen=True)
class Change:
    key: tuple[str, str]
    action: str  # ADDED, IN_PLACE, REPLACEMENT, DESTROY
    base: Item | None
    head: Item | None
    forced_by: tuple[forcenew.ForceNew, ...] = ()

    @property
    def item(self) -> Item:
        return self.head or self.base  # type: ignore[return-value]


@dataclass(frozen=True)
class DataLoss:
    change: Change
    why: str  # why the object holds data
    acknowledged: str | None = None  # the recorded reason, if any

    def message(self) -> str:
        item = self.change.item
        stack, address = self.change.key
        return (
            f"{stack}/{address} ({item.label}, service {item.service}): {self.change.action} of an object that "
            f"holds data: {self.why}. If intended, acknowledge it in services.yaml:\n"
            f'  acknowledgments:\n    - {{address: {address}, reason: "<why losing this data is fine>"}}'
        )


@dataclass
class Verdict:
    changes: list[Change] = field(default_factory=list)
    data_loss: list[DataLoss] = field(default_factory=list)

    @property
    def blocking(self) -> list[DataLoss]:
        return [loss for loss in self.data_loss if loss.acknowledged is None]


def classify(base: Mapping[tuple[str, str], Item], head: Mapping[tuple[str, str], Item]) -> list[Change]:
    """Every resource that differs between the two sides, in a stable order."""
    changes = []
    for key in sorted(set(base) | set(head)):
        old, new = base.get(key), head.get(key)
        if old is None:
            changes.append(Change(key, ADDED, None, new))
        elif new is None:
            changes.append(Change(key, DESTROY, old, None))
        elif _normal(old.attributes) != _normal(new.attributes):
            forced = forced_by(old, new)
            changes.append(Change(key, REPLACEMENT if forced else IN_PLACE, old, new, forced))
    return changes


def forced_by(old: Item, new: Item) -> tuple[forcenew.ForceNew, ...]:
    """The ForceNew attributes that differ between two versions of one resource."""
    if old.rtype == "kubectl_manifest":
        if new.attributes.get("force_new") and old.attributes.get("yaml_body") != new.attributes.get("yaml_body"):
            return (forcenew.KUBECTL_FORCE_NEW,)
        return tuple(r for r in forcenew.KUBECTL_MANIFEST if _get(old.body, r.path) != _get(new.body, r.path))
    if old.rtype == "nomad_job":
        identity = {"id": _job_id, "namespace": _job_namespace}
        return tuple(r for r in forcenew.NOMAD_JOB if identity[r.path](old) != identity[r.path](new))
    if old.rtype.startswith("kubernetes_"):
        rules = forcenew.kubernetes_rules(old.rtype)
        return tuple(r for r in rules if _get(old.attributes, r.path) != _get(new.attributes, r.path))
    return ()


def data_loss(
    changes: Iterable[Change], head: Mapping[tuple[str, str], Item], acknowledgments: Mapping[str, str]
) -> list[DataLoss]:
    """The destroys and replacements that lose data, with the acknowledgment recorded for each."""
    still_mounted = {mount for item in head.values() for mount in storage_mounts(item)}
    losses = []
    for change in changes:
        if change.action not in (DESTROY, REPLACEMENT) or change.base is None:
            continue
        why = holds_data(change.base, still_mounted)
        if why:
            stack, address = change.key
            ack = acknowledgments.get(f"{stack}/{address}", acknowledgments.get(address))
            losses.append(DataLoss(change, why, ack))
    return losses


def holds_data(item: Item, still_mounted: set[tuple[str, str]] = frozenset()) -> str | None:  # type: ignore[assignment]
    """Why destroying ``item`` loses data, or None. ``still_mounted``: the storage the other side
    still mounts (a GlusterFS directory mounted elsewhere, or by the replacement, is not lost)."""
    rtype = item.rtype.removesuffix("_v1")
    reasons = []
    if rtype == "kubernetes_stateful_set":
        claims = _get(item.attributes, "spec.volume_claim_template")
        if claims:
            names = sorted({str(_get(c, "metadata.name")) for c in _as_list(claims)})
            reasons.append(
                f"its volume claim templates ({', '.join(names)}) are the PersistentVolumeClaims of its pods"
            )
    if rtype == "kubernetes_persistent_volume_claim":
        reasons.append("a PersistentVolumeClaim is the volume itself")
    if rtype.startswith("nomad_csi_volume"):
        reasons.append("destroying a CSI volume deletes its data")
    for kind, where in sorted(mount for mount in storage_mounts(item) if mount not in still_mounted):
        if kind == "glusterfs":
            reasons.append(f"it is the last workload mounting the GlusterFS directory {where}")
        elif kind == "csi":
            reasons.append(f"it is the last job claiming the CSI volume {where}")
        else:
            reasons.append(f"its litestream sidecar replicates {where}, and no workload will after this change")
    return "; ".join(reasons) or None


def storage_mounts(item: Item) -> set[tuple[str, str]]:
    """The lasting storage a workload mounts: GlusterFS directories, litestream-replicated
    databases and (Nomad) CSI volumes."""
    if item.rtype == "nomad_job":
        jobspec = str(item.attributes.get("jobspec", ""))
        found = {("glusterfs", path) for path in _JOBSPEC_GLUSTERFS.findall(jobspec)}
        return found | {("csi", source) for source in _JOBSPEC_CSI.findall(jobspec)}
    pod = _pod_spec(item.body)
    if not pod:
        return set()
    mounts = set()
    for volume in pod.get("volumes") or []:
        path = str((volume.get("hostPath") or {}).get("path", ""))
        if _GLUSTERFS.search(path):
            mounts.add(("glusterfs", path))
    for container in pod.get("containers") or []:
        if str(container.get("image", "")).startswith(LITESTREAM_IMAGE):
            meta = item.body.get("metadata") or {}
            mounts.add(("litestream", f"the databases of {meta.get('namespace', 'default')}/{meta.get('name')}"))
    return mounts


def _pod_spec(body: Any) -> dict[str, Any] | None:
    if not isinstance(body, dict):
        return None
    kind = body.get("kind")
    spec = body.get("spec") or {}
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        return (spec.get("template") or {}).get("spec")
    if kind == "CronJob":
        return ((((spec.get("jobTemplate") or {}).get("spec") or {}).get("template")) or {}).get("spec")
    if kind == "Pod":
        return spec
    return None


def _job_id(item: Item) -> str | None:
    match = _JOB_ID.search(str(item.attributes.get("jobspec", "")))
    return match.group(1) if match else None


def _job_namespace(item: Item) -> str:
    match = _JOB_NAMESPACE.search(str(item.attributes.get("jobspec", "")))
    return match.group(1) if match else str(item.attributes.get("namespace") or "default")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _get(value: Any, path: str) -> Any:
    """The normalized value at a dotted path; a one-item list of a block is the block (both
    spellings occur in cdk.tf.json), and a path through a many-item list collects each item's."""
    for step in path.split("."):
        value = _normal(value)
        if isinstance(value, list):
            value = [_get(item, step) for item in value]
        elif isinstance(value, dict):
            value = value.get(step)
        else:
            return None
    return _normal(value)


def _normal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        items = [_normal(v) for v in value]
        return items[0] if len(items) == 1 and isinstance(items[0], dict) else items
    return value
