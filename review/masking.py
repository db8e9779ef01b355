"""No credential reaches the report: Secret values and whatever the secret scan flags are masked.

The report is published as a merge-request note and a CI artifact, readable by anyone with
access to the project. Detection is ``validation.secrets_scan`` (the one definition of what looks
like a credential): each object is written as JSON, scanned like synthesized output, and every
finding is mapped back to the value it sits in, or to the line of the config file it sits on.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from validation.secrets_scan import scan_tree

MASK = "***"
_SECRET_KINDS = {"Secret"}
_ASSIGNMENT = re.compile(r"^(\s*[^:=]*?[:=]\s*)\S.*$")


def mask_all(bodies: Iterable[Any]) -> list[Any]:
    """The bodies with secrets masked (one scan for all of them: detect-secrets is set up once)."""
    bodies = list(bodies)
    flagged: dict[int, dict[str, set[int | None]]] = {}
    with tempfile.TemporaryDirectory(prefix="review-mask.") as folder:
        line_paths: list[list[str | None]] = []
        texts: dict[str, tuple[int, str]] = {}  # file stem -> (body, path of the multi-line string)
        for index, body in enumerate(bodies):
            json_text, paths, multiline = _json_lines(body)
            (Path(folder) / f"{index}.json").write_text(json_text)
            line_paths.append(paths)
            for number, (where, text) in enumerate(multiline):
                # scanned as the config file it is, so a finding names its line
                (Path(folder) / f"{index}-{number}.conf").write_text(text)
                texts[f"{index}-{number}"] = (index, where)
        for finding in scan_tree(Path(folder)):
            stem = Path(finding.file).stem
            if stem in texts:
                index, where = texts[stem]
                line: int | None = finding.line
            elif finding.where:
                index, where, line = int(stem), finding.where, None  # a {"name": ..., "value": ...} pair
            else:
                index, line = int(stem), None
                where = line_paths[index][finding.line - 1]  # type: ignore[assignment]
            if where is not None:
                flagged.setdefault(index, {}).setdefault(where, set()).add(line)
    return [_masked(body, flagged.get(i, {}), "") for i, body in enumerate(bodies)]


def _masked(value: Any, flagged: dict[str, set[int | None]], where: str, secret: bool = False) -> Any:
    if isinstance(value, dict):
        secret_object = value.get("kind") in _SECRET_KINDS and not where
        return {
            k: _masked(
                v, flagged, f"{where}.{k}" if where else k, secret or (secret_object and k in ("data", "stringData"))
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_masked(v, flagged, f"{where}[{i}]", secret) for i, v in enumerate(value)]
    if secret and value is not None:
        return MASK
    lines = flagged.get(where)
    if not lines:
        return value
    if None in lines or not isinstance(value, str):
        return MASK
    out = re.split(r"\r\n|\r|\n", value)
    for number in lines:
        if number and number <= len(out):
            out[number - 1] = _mask_line(out[number - 1])
    return "\n".join(out)


def _mask_line(line: str) -> str:
    """``  password: hunter2`` -> ``  password: ***``: the setting stays readable, the value does not."""
    match = _ASSIGNMENT.match(line)
    return f"{match.group(1)}{MASK}" if match else MASK


def _json_lines(body: Any) -> tuple[str, list[str | None], list[tuple[str, str]]]:
    """Pretty JSON with one scalar per line, the path (as the scan spells it) of each line, and
    the multi-line strings, taken out to be scanned on their own."""
    lines: list[str] = []
    paths: list[str | None] = []
    multiline: list[tuple[str, str]] = []

    def emit(value: Any, where: str, prefix: str, comma: str) -> None:
        if isinstance(value, dict) and value:
            lines.append(prefix + "{")
            paths.append(None)
            items = list(value.items())
            for i, (k, v) in enumerate(items):
                emit(v, f"{where}.{k}" if where else k, "  " + json.dumps(k) + ": ", "," if i < len(items) - 1 else "")
            lines.append("}" + comma)
            paths.append(None)
        elif isinstance(value, list) and value:
            lines.append(prefix + "[")
            paths.append(None)
            for i, v in enumerate(value):
                emit(v, f"{where}[{i}]", "  ", "," if i < len(value) - 1 else "")
            lines.append("]" + comma)
            paths.append(None)
        elif isinstance(value, str) and "\n" in value:
            multiline.append((where, value))
            lines.append(prefix + json.dumps(f"<text {len(multiline)}>") + comma)
            paths.append(None)
        else:
            lines.append(prefix + json.dumps(value) + comma)
            paths.append(where)

    emit(body, "", "", "")
    return "\n".join(lines) + "\n", paths, multiline
