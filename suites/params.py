"""What the params models of several suites share: their base and the external database.

A suite entry's ``params:`` reach the catalog as a raw mapping (``catalog/model/service.py``);
their shape belongs to the suite, whose package validates them with its own model (a subclass
of :class:`SuiteParams`) when the registry expands the entry (``suites.expand_catalog``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from catalog.model.base import Model, Port

Url = Annotated[str, Field(pattern=r"^https?://[^\s/]+(/\S*)?$")]


class SuiteParams(Model):
    """The params of one suite: strict, closed and frozen like every catalog model. What the
    entry's routes and ports state already is read from them (``Suite.derived``), not repeated
    here."""


class Database(Model):
    """An external PostgreSQL database; the password never appears here (it is a secret key)."""

    host: str = Field(min_length=1)
    port: Port
    name: str = Field(min_length=1)
    user: str = Field(min_length=1)
