"""Reads a YAML file into plain data while remembering the line of every value.

Pydantic reports errors by location (``("services", "overseerr", "image")``); an operator
needs ``services.yaml:42``. Composing the YAML node graph ourselves gives both the data and a
location -> line map, and lets us refuse duplicate keys, which PyYAML silently merges.

The file may come from anyone, so constructing it is bounded: an alias is expanded only while
the whole document stays under :data:`MAX_NODES` values (a "billion laughs" document is
refused as soon as it passes the bound, not after eating the machine's memory), nesting is
capped, and every tag, key and scalar the catalog's schema cannot mean is one located problem
rather than an exception from inside PyYAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from catalog.errors import CatalogError, Problem, excerpt

Location = tuple[str | int, ...]

# libyaml's composer where available (the pure-Python one costs a tenth of a second per load).
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()

MAX_BYTES = 8 * 1024 * 1024  # services.yaml is ~50 kB; a catalog a hundred times larger is a mistake
MAX_NODES = 100_000  # values after alias expansion (services.yaml has ~4,700)
MAX_DEPTH = 64  # the catalog's schema nests about 12 deep
MAX_INT = 2**63 - 1  # no Kubernetes or Nomad field holds more than an int64

_YAML = "tag:yaml.org,2002:"
# The tags a catalog value can have: the implicit ones of YAML 1.1's core schema. An explicit
# ``!!str`` etc. resolves to these too; anything else (``!vault``, ``!!binary``, ``!!python/...``)
# has no meaning in the catalog.
_SCALAR_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_STR_TAG, _INT_TAG = _YAML + "str", _YAML + "int"
_MAPPING_TAG = _YAML + "map"
_SEQUENCE_TAG = _YAML + "seq"
# C0 controls except tab, LF, CR; DEL; C1 controls except NEL (which YAML treats as a line break).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")


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
    text = _read_text(path)
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.YAMLError as exc:
        raise CatalogError([_syntax_problem(path, exc)]) from None
    except RecursionError:
        raise CatalogError([Problem(display(path), None, "", f"yaml nests deeper than {MAX_DEPTH} levels")]) from None
    if node is None:
        raise CatalogError([Problem(display(path), 1, "", "file is empty; expected a mapping with 'services'")])
    doc = SourceDocument(path=path, data=None)
    builder = _Builder(doc)
    if builder.measure(node, ()) <= MAX_NODES:
        doc.data = builder.construct(node, ())
    if builder.problems:
        raise CatalogError(builder.problems)
    return doc


def _read_text(path: Path) -> str:
    """The file as text; a file that is not UTF-8 or holds control characters is refused with
    the line of the first bad byte (YAML would refuse it with a less helpful message, or, for a
    control character in an escaped string, pass it on to the cluster)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CatalogError(
                [Problem(display(path), None, "", f"file is {size} bytes; a catalog is at most {MAX_BYTES} bytes")]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogError([Problem(display(path), None, "", f"cannot read file: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        message = f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at column {column}"
        raise CatalogError([Problem(display(path), line, "", message)]) from None
    bad = CONTROL.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - text.rfind("\n", 0, bad.start())
        message = f"control character U+{ord(bad.group()):04X} at column {column}; the catalog is plain text"
        raise CatalogError([Problem(display(path), line, "", message)])
    return text.removeprefix("\ufeff")


def _syntax_problem(path: Path, exc: yaml.YAMLError) -> Problem:
    """The parser's own words: the problem, where it is and what it was in the middle of."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    reason = getattr(exc, "problem", None) or excerpt(str(exc))
    where = f" at column {mark.column + 1}" if mark is not None else ""
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context:
        started = ""
        if context_mark is not None:
            started = f" on line {context_mark.line + 1}, column {context_mark.column + 1}"
        where += f" ({context}{started})"
    return Problem(display(path), line, "", f"yaml syntax error: {reason}{where}")


def _expanded_size(node: yaml.Node, depth: int, sizes: dict[int, int], building: set[int]) -> int:
    """:meth:`_Builder.measure`'s count on the same walk of the graph (the same order, the same
    memo, the same early returns), without the locations it reports: more than
    :data:`MAX_NODES` exactly when that walk finds a problem. A key is at its mapping's depth."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    if id(node) in building or depth > MAX_DEPTH:
        return MAX_NODES + 1
    size = 1
    if isinstance(node, yaml.MappingNode):
        building.add(id(node))
        for key, value in node.value:
            size += _expanded_size(key, depth, sizes, building)
            if size > MAX_NODES:
                break
            size += _expanded_size(value, depth + 1, sizes, building)
            if size > MAX_NODES:
                break
        building.discard(id(node))
    elif isinstance(node, yaml.SequenceNode):
        building.add(id(node))
        for item in node.value:
            size += _expanded_size(item, depth + 1, sizes, building)
            if size > MAX_NODES:
                break
        building.discard(id(node))
    sizes[id(node)] = size
    return size


class _Builder:
    """Turns the composed node graph into plain data, counting every value it produces.

    PyYAML's composer turns an alias into a second reference to the anchored node, so the
    graph stays small while its expansion may be exponential (or, for a recursive alias,
    infinite): :meth:`measure` sizes the expansion on the graph before anything is built.
    """

    def __init__(self, doc: SourceDocument):
        self.doc = doc
        self.problems: list[Problem] = []
        self.sizes: dict[int, int] = {}
        self.building: set[int] = set()

    def measure(self, node: yaml.Node, loc: Location) -> int:
        """The number of values ``node`` expands to, computed once per node of the graph (so in
        time linear in the document's size), or more than :data:`MAX_NODES` after reporting why.

        Counted first without locations (:func:`_expanded_size`, half the cost: a location per
        node is needed only to report one); only a document past a bound is walked again, to
        locate why."""
        size = _expanded_size(node, len(loc), {}, set())
        if size <= MAX_NODES:
            return size
        self.sizes.clear()
        return self._measure_located(node, loc)

    def _measure_located(self, node: yaml.Node, loc: Location) -> int:
        known = self.sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in self.building:
            self._add(node, loc, "recursive alias: a value contains itself")
            return MAX_NODES + 1
        if len(loc) > MAX_DEPTH:
            self._add(node, loc, f"yaml nests deeper than {MAX_DEPTH} levels")
            return MAX_NODES + 1
        children: list[tuple[Location, yaml.Node]] = []
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                children += [(loc, key), (loc + (name,), value)]
        elif isinstance(node, yaml.SequenceNode):
            children = [(loc + (i,), n) for i, n in enumerate(node.value)]
        self.building.add(id(node))
        size = 1
        for child_loc, child in children:
            size += self._measure_located(child, child_loc)
            if size > MAX_NODES:
                break
        self.building.discard(id(node))
        if size > MAX_NODES and not self.problems:
            self._add(node, loc, f"the document expands to more than {MAX_NODES} values (an alias bomb?)")
        self.sizes[id(node)] = size
        return size

    def construct(self, node: yaml.Node, loc: Location, line: int | None = None) -> Any:
        """``line`` is the line of the key that holds ``node``: a missing field of a mapping is
        reported on its parent key's line, not on the line of the mapping's first child."""
        self.doc.lines[loc] = line or node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAPPING_TAG:
                return self._refuse_tag(node, loc)
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQUENCE_TAG:
                return self._refuse_tag(node, loc)
            return [self.construct(item, loc + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node, loc)

    def _mapping(self, node: yaml.MappingNode, loc: Location) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _YAML + "merge":
                self._add(key_node, loc, "yaml merge keys ('<<') are not supported; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._add(key_node, loc, "a key must be a plain string, not a list or mapping")
                continue
            key = self._scalar(key_node, loc)
            if key is None and key_node.tag != _YAML + "null":
                continue  # already reported
            if not isinstance(key, str):
                self._add(key_node, loc, f"key {excerpt(repr(key))} must be a string")
                continue
            if key in result:
                first = self.doc.lines.get(loc + (key,))
                self._add(key_node, loc + (key,), f"duplicate key {excerpt(key)!r} (first defined on line {first})")
                continue
            result[key] = self.construct(value_node, loc + (key,), key_node.start_mark.line + 1)
        return result

    def _scalar(self, node: yaml.Node, loc: Location) -> Any:
        """A scalar with YAML's safe typing rules; values the catalog cannot mean are refused."""
        if node.tag != _STR_TAG:
            return self._typed_scalar(node, loc)
        # A string, most of the scalars, is its node's value (all SafeConstructor makes of it);
        # the only one of the scalar tags whose value is a string.
        if CONTROL.search(node.value):
            self._add(node, loc, "the value holds a control character (an escape such as \\x00 or \\e)")
            return None
        return node.value

    def _typed_scalar(self, node: yaml.Node, loc: Location) -> Any:
        if node.tag not in _SCALAR_TAGS:
            return self._refuse_tag(node, loc)
        if node.tag == _INT_TAG and len(node.value.lstrip("+-0")) > 20:
            self._add(node, loc, f"integer {excerpt(node.value)} is too large (at most {MAX_INT})")
            return None
        try:
            # The scalar's own constructor, not construct_object: that one caches every node it
            # builds in the module-wide constructor, which kept each loaded document in memory.
            value = _CONSTRUCTOR.yaml_constructors[node.tag](_CONSTRUCTOR, node)
        except (yaml.YAMLError, ValueError, TypeError, ArithmeticError, LookupError) as exc:
            reason = getattr(exc, "problem", None)
            kind = node.tag.rsplit(":", 1)[-1]
            self._add(node, loc, f"{excerpt(node.value)!r} is not a valid {kind}" + (f": {reason}" if reason else ""))
            return None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            self._add(node, loc, f"integer {excerpt(node.value)} is too large (at most {MAX_INT})")
            return None
        if isinstance(value, float) and value != value:
            self._add(node, loc, "'.nan' is not a value the catalog accepts")
            return None
        return value

    def _refuse_tag(self, node: yaml.Node, loc: Location) -> None:
        self._add(node, loc, f"unsupported yaml tag {excerpt(node.tag)!r}; the catalog holds plain values")
        return None

    def _add(self, node: yaml.Node, loc: Location, message: str) -> None:
        self.problems.append(Problem(display(self.doc.path), node.start_mark.line + 1, dotted(loc), message))


def display(path: Path) -> str:
    """``path`` as an operator typed it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def dotted(loc: Location) -> str:
    """``("services", "plex", "ports", 0)`` -> ``services.plex.ports[0]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + excerpt(str(part))
    return out
