"""Reads a YAML file into plain data while remembering the line of every value.

Pydantic reports errors by location (``("services", "overseerr", "image")``); an operator
needs ``services.yaml:42``. Composing the YAML node graph ourselves gives both the data and a
location -> line map, and lets us refuse duplicate keys, which PyYAML silently merges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from catalog.errors import CatalogError, Problem

Location = tuple[str | int, ...]

# libyaml's composer where available (the pure-Python one costs a tenth of a second per load).
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


@dataclass
class SourceDocument:
    """The parsed data of one YAML file and the line (1-based) of each location in it."""

    path: Path
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)

    def line_of(self, loc: Location) -> int | None:
        """Line of ``loc`` or of its nearest ancestor that has one (a missing key has no line)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None


def load_yaml(path: Path) -> SourceDocument:
    """Parses ``path``; every syntax or structure problem becomes a :class:`CatalogError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError([Problem(str(path), None, "", f"cannot read file: {exc.strerror}")]) from None
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise CatalogError([Problem(str(path), line, "", f"yaml syntax error: {reason}")]) from None
    if node is None:
        raise CatalogError([Problem(str(path), 1, "", "file is empty; expected a mapping with 'services'")])
    doc = SourceDocument(path=path, data=None)
    problems: list[Problem] = []
    doc.data = _construct(node, (), doc, problems)
    if problems:
        raise CatalogError(problems)
    return doc


def _construct(
    node: yaml.Node, loc: Location, doc: SourceDocument, problems: list[Problem], line: int | None = None
) -> Any:
    """``line`` is the line of the key that holds ``node``: a missing field of a mapping is
    reported on its parent key's line, not on the line of the mapping's first child."""
    doc.lines[loc] = line or node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if key == "<<":
                problems.append(
                    _problem(doc, key_node, loc, "yaml merge keys ('<<') are not supported; write the keys out")
                )
                continue
            if not isinstance(key, str):
                problems.append(_problem(doc, key_node, loc, f"key {key!r} must be a string"))
                continue
            if key in result:
                first = doc.lines.get(loc + (key,))
                problems.append(
                    _problem(doc, key_node, loc + (key,), f"duplicate key {key!r} (first defined on line {first})")
                )
                continue
            result[key] = _construct(value_node, loc + (key,), doc, problems, key_node.start_mark.line + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, loc + (i,), doc, problems) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    """A scalar (or a complex key, which is then refused) with YAML's safe typing rules."""
    return _CONSTRUCTOR.construct_object(node, deep=True)


def _problem(doc: SourceDocument, node: yaml.Node, loc: Location, message: str) -> Problem:
    return Problem(str(doc.path), node.start_mark.line + 1, dotted(loc), message)


def dotted(loc: Location) -> str:
    """``("services", "plex", "ports", 0)`` -> ``services.plex.ports[0]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
