"""services.yaml says things once: a value equal to what the entry gets anyway, its field's
documented default or what it inherits from the catalog's ``defaults:``, is noise that hides the
values that matter (and drifts when the default changes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from catalog.model import Catalog
from catalog.source import Location, dotted
from rules.engine import Located
from suites import validated_params


def _restated(model: Any, loc: Location) -> Iterator[Located]:
    if isinstance(model, BaseModel):
        fields = type(model).model_fields
        for name in sorted(model.model_fields_set, key=list(fields).index):
            field = fields[name]
            value = getattr(model, name)
            where = loc + (field.alias or name,)
            if not field.is_required() and value is not None:
                if value == field.get_default(call_default_factory=True):
                    yield where, f"{value!r} is the default; leave it out"
        for name, field in fields.items():
            yield from _restated(getattr(model, name), loc + (field.alias or name,))
    elif isinstance(model, dict):
        for key, value in model.items():
            yield from _restated(value, loc + (key,))
    elif isinstance(model, list):
        for i, value in enumerate(model):
            yield from _restated(value, loc + (i,))


def _defaults_restated(catalog: Catalog) -> Iterator[Located]:
    """Only the service entries: ``cluster`` and ``nomad`` state this cluster's facts. A suite
    entry's ``params`` are read as its suite's model, which holds their defaults. (No timing of
    ``defaults:`` has a model default other than unset, so none can restate one.)"""
    params = validated_params(catalog)
    for name, service in catalog.services.items():
        yield from _restated(service, ("services", name))
        if name in params:
            yield from _restated(params[name], ("services", name, "params"))
    for loc, source in catalog.inheritance.restated.items():
        file, line = catalog.locate(source)
        where = f"{file}:{line}" if line is not None else file
        yield loc, f"{dotted(source)} ({where}) gives this value already; leave it out"


RULES = {"default-restated": _defaults_restated}
