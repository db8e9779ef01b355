"""Pod volumes as small value objects (``Volume.glusterfs(...)``, ``Volume.empty_dir(...)``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.model.pod import glusterfs_path

GLUSTERFS_ROOT = "/storage/v"


@dataclass(frozen=True)
class Volume:
    """One pod volume; build it with the class methods, one per source."""

    name: str
    source: str
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def host_path(cls, name: str, path: str, type: str | None = "Directory") -> Volume:
        return cls(name, "host_path", {"path": path, "type": type})

    @classmethod
    def glusterfs(
        cls,
        name: str,
        service: str,
        kind: str,
        *,
        root: str = GLUSTERFS_ROOT,
        path: str | None = None,
        type: str = "Directory",
    ) -> Volume:
        """A GlusterFS directory on the storage node; ``path`` overrides the naming convention."""
        return cls.host_path(name, path or glusterfs_path(service, kind, root), type)

    @classmethod
    def empty_dir(cls, name: str, *, medium: str | None = None, size_limit: str | None = None) -> Volume:
        return cls(name, "empty_dir", {"medium": medium, "size_limit": size_limit})

    @classmethod
    def from_config_map(cls, name: str, config_map: str, *, default_mode: str | None = None) -> Volume:
        return cls(name, "config_map", {"name": config_map, "default_mode": default_mode})

    @classmethod
    def from_secret(
        cls, name: str, secret: str, *, default_mode: str | None = None, items: dict[str, str] | None = None
    ) -> Volume:
        return cls(name, "secret", {"secret_name": secret, "default_mode": default_mode, "items": dict(items or {})})

    @classmethod
    def nfs(cls, name: str, server: str, path: str) -> Volume:
        return cls(name, "nfs", {"server": server, "path": path})

    @property
    def host_path_value(self) -> str | None:
        return self.settings["path"] if self.source == "host_path" else None
