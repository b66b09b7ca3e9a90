"""Restoring a backup: check it, back up the current state, then copy it in.

The copy uses SQLite's backup API into the open, locked file, so the replacement is
one SQLite transaction: a crash mid-restore leaves the previous state (rolled back
from the journal), never a mixture.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.store import database, errors
from desktop.store.evaluation_file import EvaluationFile, now_iso
from desktop.store.records import ACTION_RESTORE


def check_backup(backup_path: Path) -> None:
    """A backup must be a healthy evaluation file this version can read."""
    kind = database.classify(backup_path)
    if kind == "missing":
        raise errors.CannotOpen(backup_path, "バックアップファイルがありません")
    if kind == "empty":
        raise errors.DamagedFile(backup_path, "空のファイルです")
    probe = database.connect(backup_path, read_only=True)
    try:
        version = database.check(probe, backup_path)
    finally:
        probe.close()
    if version == 0:
        raise errors.NotADatabase(backup_path)


def restore_backup(
    db_path: str | Path, backup_path: str | Path, *, user: str | None = None, takeover: bool = False
) -> Path:
    """Replace the file's contents with ``backup_path``; returns the safety backup made first."""
    db_path, backup_path = Path(db_path), Path(backup_path)
    check_backup(backup_path)
    store = EvaluationFile.open(db_path, user=user, takeover=takeover, backup_on_open=False)
    try:
        safety = store.backup("before-restore")
        source = sqlite3.connect(f"file:{backup_path.resolve()}?mode=ro", uri=True)
        try:
            source.backup(store.conn)
        except sqlite3.Error as exc:
            raise database.translate(exc, db_path) from None
        finally:
            source.close()
        store.close()
        # Reopen: an older backup gets migrated (with its own backup first), and the
        # restore is written to the audit log of the restored file.
        store = EvaluationFile.open(db_path, user=user, backup_on_open=False)
        with store.transaction():
            store._audit(
                None,
                ACTION_RESTORE,
                str(backup_path.name),
                "file",
                None,
                backup_path.name,
                None,
                now_iso(),
            )
        return safety
    finally:
        store.close()
