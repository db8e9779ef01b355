"""The catalog: services.yaml read into validated, immutable pydantic models."""

from catalog.errors import CatalogError, Problem
from catalog.loader import problem_order, read_catalog
from catalog.model import Catalog, Service

__all__ = ["Catalog", "CatalogError", "Problem", "Service", "problem_order", "read_catalog"]
