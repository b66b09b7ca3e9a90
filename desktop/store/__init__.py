"""The evaluation file (SQLite via sqlite-utils): answers, notes, audit log, backups.

No Qt here. Every write is one transaction; every failure is a StoreError with a
Japanese message that names the file and says what to do.
"""

from desktop.store.errors import StoreError
from desktop.store.evaluation_file import EvaluationFile, default_user
from desktop.store.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "EvaluationFile", "StoreError", "default_user"]
