"""services.yaml -> :class:`Catalog` of valid shape, or a :class:`CatalogError` listing every
problem with its line.

Only the shape is checked here (pydantic). Everything else is a rule of the engine in
``rules/``, which runs over the catalog this returns: entry points call ``rules.load_catalog``,
never this directly, so that every one of them gets the same checked catalog.
"""

from __future__ import annotations

import gc
import types
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from catalog.errors import CatalogError, Problem, excerpt
from catalog.model import Catalog
from catalog.source import Location, display, dotted, load_yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "services.yaml"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a catalog is read or checked.

    A load makes some 10^5 containers (YAML nodes, locations, values, models) that live until it
    ends and form no cycle: reference counting frees them. The collector would only scan them,
    and, as they outlive its young generations, soon the whole heap of the process, several
    times per load: 40% of a load's CPU in a test process. It runs again as usual afterwards
    (a nested pause leaves that to the outermost)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def read_catalog(path: Path | str = DEFAULT_PATH) -> Catalog:
    """The catalog at ``path``, shape-checked; it remembers the file and the line of each value
    (:meth:`Catalog.locate`), so that later findings can be located too."""
    with collector_paused():
        return _read_catalog(Path(path))


def _read_catalog(path: Path) -> Catalog:
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__
        raise CatalogError(
            [Problem(display(path), 1, "", f"the root must be a mapping with 'cluster' and 'services', got {kind}")]
        )
    try:
        catalog = Catalog.model_validate(doc.data)
    except ValidationError as exc:
        file = display(path)
        raise CatalogError(shape_problems(exc, Catalog, lambda loc: (file, doc.line_of(loc)))) from None
    catalog.attach_source(display(path), doc.line_of)
    return catalog


def problem_order(p: Problem) -> tuple[int, str]:
    """The order problems are reported in: by line, then path."""
    return (p.line or 0, p.path)


def shape_problems(
    exc: ValidationError,
    root: type[BaseModel],
    locate: Callable[[Location], tuple[str, int | None]],
    prefix: Location = (),
) -> list[Problem]:
    """The problems of ``exc``, raised by validating ``root`` from the value at ``prefix`` of a
    catalog, each located by ``locate(path) -> (file, line)``, in report order. One problem per
    location: the alternatives of a union failing together become one line. The one conversion
    of pydantic's errors: the loader's for the catalog, the suites' for a suite's ``params``."""
    by_loc: dict[Location, list[str]] = {}
    tags = _union_tags()
    for err in exc.errors(include_url=False):
        loc: Location = tuple(p for p in err["loc"] if p != "[key]" and p not in tags)
        by_loc.setdefault(loc, []).append(_message(err, loc, root))
    problems = []
    for loc, messages in by_loc.items():
        expected = [m.removeprefix("expected ").rsplit(", got ", 1) for m in messages if m.startswith("expected ")]
        if len(expected) == len(messages) > 1:
            message = f"expected {' or '.join(e[0] for e in expected)}, got {expected[0][1]}"
        else:
            message = "; ".join(dict.fromkeys(messages))
        path = prefix + loc
        problems.append(Problem(*locate(path), dotted(path), message))
    return sorted(problems, key=problem_order)


def _union_tags() -> set[str]:
    """Names pydantic inserts into an error location for the member of a union that failed."""
    tags = {"str", "int", "bool", "float", "list[str]"}
    pending = [BaseModel]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        tags.add(cls.__name__)
    return tags


_TYPE_NAMES = {
    "str": "a string",
    "int": "an integer",
    "bool": "true or false",
    "float": "a number",
    "dict": "a mapping",
    "list": "a list",
    "NoneType": "null",
}


def _message(err: dict[str, Any], loc: Location, root: type[BaseModel]) -> str:
    kind = err["type"]
    got = err.get("input")
    if kind == "missing":
        return "field required"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(root, loc[:-1])
        hint = f"; allowed: {', '.join(allowed)}" if allowed else ""
        return f"unknown key {excerpt(repr(loc[-1]))}{hint}"
    if kind.endswith("_type") and kind not in ("model_type",):
        expected = kind.removesuffix("_type").replace("dict", "dict").replace("string", "str")
        got_type = type(got).__name__
        got_name = _TYPE_NAMES.get(got_type, got_type)
        return f"expected {_TYPE_NAMES.get(expected, expected)}, got {got_name} {excerpt(repr(got))}"
    if kind == "model_type":
        return f"expected a mapping, got {_TYPE_NAMES.get(type(got).__name__, type(got).__name__)} {excerpt(repr(got))}"
    msg = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    msg = msg[:1].lower() + msg[1:]
    if kind in ("literal_error", "greater_than_equal", "less_than_equal", "string_pattern_mismatch", "too_short"):
        msg = f"{msg}, got {excerpt(repr(got))}"
    return msg


def _allowed_keys(root: type[BaseModel], loc: Location) -> list[str]:
    """The field names of the model found at ``loc`` of ``root``, for 'unknown key' hints."""
    annotation: Any = root
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = next((f for n, f in annotation.model_fields.items() if (f.alias or n) == part), None)
            if field is None:
                return []
            annotation = field.annotation
        elif typing.get_origin(annotation) in (dict, list):
            annotation = typing.get_args(annotation)[-1]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [f.alias or n for n, f in annotation.model_fields.items()]
    return []


def _unwrap(annotation: Any) -> Any:
    """Optional[X] / X | None -> X (the first model type of a union)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return arg
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if args else annotation
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0]
    return annotation
