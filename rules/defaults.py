"""services.yaml says things once: a value equal to what the entry gets anyway, its field's
documented default or what it inherits from the catalog's ``defaults:``, is noise that hides the
values that matter (and drifts when the default changes)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from catalog.model import Catalog
from catalog.source import Location, dotted
from rules.engine import Located
from suites import validated_params

_REQUIRED = object()


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, str, Any], ...]:
    """``(name, key in the YAML, default or _REQUIRED)`` of each field of ``model``, in their
    order: it depends on the code only, so it is read once per model, not per entry."""
    return tuple(
        (name, field.alias or name, _REQUIRED if field.is_required() else field.get_default(call_default_factory=True))
        for name, field in model.model_fields.items()
    )


_NESTED = (BaseModel, dict, list)  # what may hold a model further down; any other value is a leaf


def _restated(node: Any, loc: Location, found: list[Located]) -> None:
    if isinstance(node, BaseModel):
        fields, written = _fields(type(node)), node.model_fields_set
        for name, key, default in fields:
            if name in written and default is not _REQUIRED:
                value = getattr(node, name)
                if value is not None and value == default:
                    found.append((loc + (key,), f"{value!r} is the default; leave it out"))
        children = ((key, getattr(node, name)) for name, key, _default in fields)
    elif isinstance(node, dict):
        children = node.items()
    else:
        children = enumerate(node)
    for key, child in children:
        if isinstance(child, _NESTED):
            _restated(child, loc + (key,), found)


def _defaults_restated(catalog: Catalog) -> Iterator[Located]:
    """Only the service entries: ``cluster`` and ``nomad`` state this cluster's facts. A suite
    entry's ``params`` are read as its suite's model, which holds their defaults. (No timing of
    ``defaults:`` has a model default other than unset, so none can restate one.)"""
    params = validated_params(catalog)
    found: list[Located] = []
    for name, service in catalog.services.items():
        _restated(service, ("services", name), found)
        if name in params:
            _restated(params[name], ("services", name, "params"), found)
    yield from found
    for loc, source in catalog.inheritance.restated.items():
        file, line = catalog.locate(source)
        where = f"{file}:{line}" if line is not None else file
        yield loc, f"{dotted(source)} ({where}) gives this value already; leave it out"


RULES = {"default-restated": _defaults_restated}
