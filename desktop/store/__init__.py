"""The evaluation file (SQLite via sqlite-utils): answers, notes, audit log, backups.

No Qt here. Every write is one transaction; every failure is a StoreError with a
Japanese message that names the file and says what to do.

The names below are loaded on first use (module ``__getattr__``), so that naming an
error type does not import sqlite-utils and the file code: the window imports
``desktop.store.errors`` at start-up, and that must stay cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.store.errors import StoreError
    from desktop.store.evaluation_file import EvaluationFile, default_user
    from desktop.store.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "EvaluationFile", "StoreError", "default_user"]

_HOMES = {
    "SCHEMA_VERSION": "desktop.store.schema",
    "EvaluationFile": "desktop.store.evaluation_file",
    "StoreError": "desktop.store.errors",
    "default_user": "desktop.store.evaluation_file",
}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later look-ups skip this function
    return value
