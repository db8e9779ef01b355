"""Terraform's ``yamlencode()`` and ``jsonencode()``, reproduced byte for byte.

The original configuration produced its litestream configs, Matrix documents and manifest
bodies with these two functions. Emitting the same bytes keeps the generated ConfigMaps and
``yaml_body`` values identical to what the cluster already runs, so that switching to the
generated Terraform plans no change for them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any


def jsonencode(value: Any) -> str:
    """Compact JSON with sorted keys; ``<``, ``>`` and ``&`` escaped as Go's encoder does."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def yamlencode(value: Any) -> str:
    """Block-style YAML: keys sorted and double-quoted, strings double-quoted, 2-space indent,
    sequence items flush with their parent key."""
    return "\n".join(_lines(value, 0)) + "\n"


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        if "\n" in value:
            # Terraform switches to literal block style here; nothing in this cluster needs it.
            raise ValueError("yamlencode: multi-line strings are not supported")
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"yamlencode: unsupported value {value!r}")


def _is_collection(value: Any) -> bool:
    return isinstance(value, Mapping) or (isinstance(value, Sequence) and not isinstance(value, str))


def _inline(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{}"
    if _is_collection(value):
        return "[]"
    return _scalar(value)


def _lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, Mapping):
        if not value:
            return [pad + "{}"]
        for key in sorted(value):
            item = value[key]
            head = f"{pad}{json.dumps(str(key), ensure_ascii=False)}:"
            if _is_collection(item) and item:
                lines.append(head)
                lines.extend(_lines(item, indent + 2 if isinstance(item, Mapping) else indent))
            else:
                lines.append(f"{head} {_inline(item)}")
        return lines
    if _is_collection(value):
        if not value:
            return [pad + "[]"]
        for item in value:
            if _is_collection(item) and item:
                nested = _lines(item, indent + 2)
                lines.append(f"{pad}- {nested[0][indent + 2 :]}")
                lines.extend(nested[1:])
            else:
                lines.append(f"{pad}- {_inline(item)}")
        return lines
    return [pad + _scalar(value)]
