"""Opening an evaluation file: the read-only checks, and bringing its schema up to date.

The steps themselves are in :mod:`desktop.store.schema`; here they run as one
transaction (every step lands, or none does), or on an in-memory copy for a reader.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop import __version__, sqlite_access
from desktop.formats import now_iso
from desktop.store import database, errors
from desktop.store.schema import SCHEMA_VERSION, mark, migrate, user_version


def probe(path: Path, *, immutable: bool = False, full: bool = True) -> int:
    """Check a file on a read-only connection; returns its schema version."""
    probe = database.connect(path, read_only=True, immutable=immutable)
    try:
        return database.check(probe, path, full=full)
    finally:
        probe.close()


def check_not_newer(conn: sqlite3.Connection, path: Path) -> None:
    try:
        version = user_version(conn)
    except sqlite3.Error as exc:
        raise database.translate(exc, path) from None
    if version > SCHEMA_VERSION:
        raise errors.TooNew(path, version, SCHEMA_VERSION)


def migrate_connection(conn: sqlite3.Connection) -> None:
    """Bring ``conn`` to the current schema; the caller owns the transaction."""
    db = sqlite_access.database(conn)
    version_before = user_version(conn)
    migrate(conn)
    mark(conn)
    if version_before == 0:
        db["meta"].insert_all(
            [
                {"key": "created_at", "value": now_iso()},
                {"key": "created_by_app", "value": __version__},
            ],
            pk="key",
            replace=True,
        )
    db["meta"].insert({"key": "last_app_version", "value": __version__}, pk="key", replace=True)


def migrate_file(
    conn: sqlite3.Connection, path: Path, version_before: int, *, backup: Path | None
) -> None:
    """All pending migration steps as one transaction: every step lands, or none does."""
    db = sqlite_access.database(conn)
    try:
        with db.atomic():
            migrate_connection(conn)
    except sqlite3.Error as exc:
        store_error = database.translate(exc, path, saving=True)
        if isinstance(store_error, errors.Busy | errors.DiskFull | errors.FileUnavailable):
            raise store_error from None
        raise _migration_failed(path, version_before, exc, backup) from None
    except errors.StoreError:
        raise
    except Exception as exc:
        raise _migration_failed(path, version_before, exc, backup) from exc


def _migration_failed(path, version_before, exc, backup) -> errors.MigrationFailed:
    return errors.MigrationFailed(
        path, version_before, SCHEMA_VERSION, f"{type(exc).__name__}: {exc}", backup
    )


def migrated_copy(conn: sqlite3.Connection, path: Path, version: int) -> sqlite3.Connection:
    """An in-memory copy of ``conn`` at the current schema; the file is not touched."""
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        try:
            conn.backup(memory)
        except sqlite3.Error as exc:
            raise database.translate(exc, path) from None
        finally:
            conn.close()
        if version < SCHEMA_VERSION:
            migrate_file(memory, path, version, backup=None)
        memory.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        memory.close()
        raise
    return memory
