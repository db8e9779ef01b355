"""Rendered objects as YAML files a reviewer can read: ``<out>/<stack>/<kind>-<namespace>-<name>.yaml``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from validation.render import Rendered


class _ReadableDumper(yaml.SafeDumper):
    """Multi-line strings (scripts, config files) as ``|`` blocks instead of one escaped line."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ReadableDumper.add_representer(str, _represent_str)


def to_yaml(body: Any) -> str:
    return yaml.dump(body, Dumper=_ReadableDumper, sort_keys=False, allow_unicode=True, width=120)


def file_name(item: Rendered) -> str:
    parts = [item.kind, item.namespace, item.name] if item.namespace else [item.kind, item.name]
    return "-".join(re.sub(r"[^a-z0-9.-]+", "_", part.lower()) for part in parts) + ".yaml"


def write_manifests(items: Iterable[Rendered], out_dir: Path) -> list[Path]:
    """Write every rendered object; a stack's old ``*.yaml`` files are removed first, so the
    folder always shows exactly what the stack holds now."""
    written: list[Path] = []
    cleaned: set[str] = set()
    for item in items:
        if item.body is None:
            continue
        folder = out_dir / item.stack
        if item.stack not in cleaned:
            cleaned.add(item.stack)
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob("*.yaml"):
                old.unlink()
        path = folder / file_name(item)
        if path in written:  # two resources create the same object: keep both, name them apart
            path = path.with_name(f"{path.stem}-{item.address.rsplit('.', 1)[-1]}.yaml")
        path.write_text(f"# {item.address} (stack {item.stack})\n{to_yaml(item.body)}")
        written.append(path)
    return written
