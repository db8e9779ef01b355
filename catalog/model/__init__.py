"""Pydantic models of services.yaml. Pure data: no cdktf types here, so the catalog outlives cdktf."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import PrivateAttr

from catalog.model.acknowledgments import Acknowledgment
from catalog.model.base import Model, Name
from catalog.model.cluster import Cluster, Node
from catalog.model.nomad import Nomad, NomadJob
from catalog.model.service import Service


class Catalog(Model):
    """The whole of services.yaml."""

    cluster: Cluster
    services: dict[Name, Service] = {}
    nomad: Nomad = Nomad()
    acknowledgments: list[Acknowledgment] = []  # data loss consented to (review/, `make diff`)

    _file: str = PrivateAttr("services.yaml")
    _line_of: Callable[[tuple[str | int, ...]], int | None] | None = PrivateAttr(None)

    def attach_source(self, file: str, line_of: Callable[[tuple[str | int, ...]], int | None]) -> None:
        """Set by the loader: where this catalog was read from."""
        self._file, self._line_of = file, line_of

    def locate(self, loc: tuple[str | int, ...]) -> tuple[str, int | None]:
        """``(file, line)`` of a YAML path (line None for a catalog built in code)."""
        return self._file, self._line_of(loc) if self._line_of is not None else None


__all__ = ["Acknowledgment", "Catalog", "Cluster", "Node", "Nomad", "NomadJob", "Service"]
