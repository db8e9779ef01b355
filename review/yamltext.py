"""Objects as YAML a reviewer can read: multi-line strings as block text, keys in their order.

A config file embedded in an object is a multi-line string; JSON (and PyYAML's default) write
it as one escaped line, so a changed setting is invisible in a diff. Written as a ``|`` block,
each line of the file is a line of the YAML, and a diff shows the changed line. Used by the
report and by the per-service snapshots.
"""

from __future__ import annotations

from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    pass


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _string)


def to_yaml(value: Any) -> str:
    """Block scalars for multi-line strings (PyYAML falls back to quoting only where a block
    cannot hold the text exactly, e.g. trailing spaces on a line); loads back to ``value``."""
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False)
