"""Catalogs: the evaluation indicators of one fiscal year and level (no Qt)."""

from desktop.catalog.errors import CatalogError, CatalogProblem
from desktop.catalog.loader import content_hash, load_catalog, load_catalog_text
from desktop.catalog.model import Catalog, Indicator, Item

__all__ = [
    "Catalog",
    "CatalogError",
    "CatalogProblem",
    "Indicator",
    "Item",
    "content_hash",
    "load_catalog",
    "load_catalog_text",
]
