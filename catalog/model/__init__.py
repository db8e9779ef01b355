"""Pydantic models of services.yaml. Pure data: no cdktf types here, so the catalog outlives cdktf."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ModelWrapValidatorHandler, PrivateAttr, model_validator

from catalog.model.acknowledgments import Acknowledgment
from catalog.model.base import Model, Name
from catalog.model.cluster import Cluster, Node
from catalog.model.defaults import Defaults, Inheritance, inherit
from catalog.model.nomad import Nomad, NomadJob
from catalog.model.service import Service


class Catalog(Model):
    """The whole of services.yaml. Its entries inherit ``defaults`` (:class:`Defaults`) before
    they are validated, whoever validates it (the loader, a test, a tool)."""

    cluster: Cluster
    defaults: Defaults = Defaults()
    services: dict[Name, Service] = {}
    nomad: Nomad = Nomad()
    acknowledgments: list[Acknowledgment] = []  # data loss consented to (review/, `make diff`)

    _file: str = PrivateAttr("services.yaml")
    _line_of: Callable[[tuple[str | int, ...]], int | None] | None = PrivateAttr(None)
    _inheritance: Inheritance = PrivateAttr(default_factory=Inheritance)

    @model_validator(mode="wrap")
    @classmethod
    def _inherit_defaults(cls, data: Any, handler: ModelWrapValidatorHandler[Catalog]) -> Catalog:
        data, inheritance = inherit(data)
        catalog = handler(data)
        catalog._inheritance = inheritance
        return catalog

    @property
    def inheritance(self) -> Inheritance:
        """Which values of the entries came from ``defaults`` (and which restate it)."""
        return self._inheritance

    def attach_source(self, file: str, line_of: Callable[[tuple[str | int, ...]], int | None]) -> None:
        """Set by the loader: where this catalog was read from."""
        self._file, self._line_of = file, line_of

    def locate(self, loc: tuple[str | int, ...]) -> tuple[str, int | None]:
        """``(file, line)`` of a YAML path (line None for a catalog built in code); an inherited
        value is where ``defaults`` gives it."""
        loc = self._inheritance.inherited.get(tuple(loc), loc)
        return self._file, self._line_of(loc) if self._line_of is not None else None


__all__ = ["Acknowledgment", "Catalog", "Cluster", "Defaults", "Node", "Nomad", "NomadJob", "Service"]
