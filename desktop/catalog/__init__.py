"""Catalogs: the evaluation indicators of one fiscal year and level (no Qt).

The names below load on first use: opening an evaluation whose parsed catalog is cached
(``desktop.catalog.parsed_cache``) needs neither PyYAML nor the loader.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "CatalogError": "desktop.catalog.errors",
    "CatalogProblem": "desktop.catalog.errors",
    "content_hash": "desktop.catalog.loader",
    "load_catalog": "desktop.catalog.loader",
    "load_catalog_text": "desktop.catalog.loader",
    "Catalog": "desktop.catalog.model",
    "Indicator": "desktop.catalog.model",
    "Item": "desktop.catalog.model",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
