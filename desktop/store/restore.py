"""Restoring a backup: check it, keep the current state, then put the backup in place.

1. The backup must be a healthy evaluation file this version can read; otherwise
   nothing is touched.
2. The evaluation file is locked and its current state kept: a backup (SQLite's
   backup API) of a healthy file, a plain copy of a damaged one.
3. The backup is copied to a scratch file, migrated there when it is older, and the
   restore is written to its audit log, so that a failure up to here leaves the
   evaluation file exactly as it was.
4. The scratch file replaces the contents of the evaluation file:
   - a healthy file is open and locked: SQLite's backup API copies the scratch file
     into it as one SQLite transaction, so a crash mid-restore leaves the previous
     state (rolled back from the journal), never a mixture;
   - a damaged file cannot be opened by SQLite: the scratch file is renamed over it
     (an atomic rename), after moving any journal of the damaged file aside, so
     that SQLite never "rolls back" the damaged file's journal into the restored one.

Restoring is what the message for a damaged file tells the user to do, so it must
work precisely when the file cannot be opened.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from pathlib import Path

from desktop.formats import now_iso
from desktop.records import ACTION_RESTORE
from desktop.store import backup as backups
from desktop.store import database, errors
from desktop.store.evaluation_file import EvaluationFile, default_user
from desktop.store.lock import FileLock
from desktop.store.opening import migrate_file
from desktop.store.schema import SCHEMA_VERSION, mark


def check_backup(backup_path: Path) -> int:
    """A backup must be a healthy evaluation file this version can read; returns its version."""
    kind = database.classify(backup_path)
    if kind == "missing":
        raise errors.CannotOpen(backup_path, "バックアップファイルがありません")
    if kind == "empty":
        raise errors.DamagedFile(backup_path, "空のファイルです")
    if database.in_wal_mode(backup_path) and database.wal_in_use(backup_path):
        raise errors.OpenElsewhere(backup_path)
    probe = database.connect(backup_path, read_only=True, immutable=True)
    try:
        version = database.check(probe, backup_path)
    finally:
        probe.close()
    if version == 0:
        raise errors.NotADatabase(backup_path)
    return version


def _municipality(conn: sqlite3.Connection) -> tuple[str, str] | None:
    """(name, code) of the municipality a file is about; None when it does not say."""
    with contextlib.suppress(sqlite3.Error):
        row = conn.execute("SELECT name, code FROM municipality WHERE id = 1").fetchone()
        if row is not None:
            name, code = (str(value or "").strip() for value in row)
            if name or code:
                return name, code
    return None


def _file_municipality(path: Path) -> tuple[str, str] | None:
    """The municipality of a file read untouched (None if it cannot be read at all)."""
    try:
        conn = database.connect(path, read_only=True, immutable=True)
    except errors.StoreError:
        return None
    try:
        return _municipality(conn)
    finally:
        conn.close()


def _differs(ours: tuple[str, str] | None, theirs: tuple[str, str] | None) -> bool:
    """Two files about different municipalities: by code where both have one, else by name."""
    if ours is None or theirs is None:
        return False  # one of them does not say: nothing to warn about
    (our_name, our_code), (their_name, their_code) = ours, theirs
    if our_code and their_code:
        return our_code != their_code
    return bool(our_name and their_name) and our_name != their_name


def _label(municipality: tuple[str, str]) -> str:
    name, code = municipality
    name = errors.printable(name) or "名前のない市町村"
    return f"{name}（{errors.printable(code)}）" if code else name


def check_same_municipality(db_path: Path, ours: tuple[str, str] | None, backup_path: Path) -> None:
    """Refuse a backup of another municipality (a file picked by mistake)."""
    theirs = _file_municipality(backup_path)
    if _differs(ours, theirs):
        raise errors.OtherMunicipality(db_path, backup_path, _label(theirs), _label(ours))


def _prepare(backup_path: Path, scratch: Path, version: int, db_path: Path, user: str) -> None:
    """``backup_path`` copied to ``scratch``, brought to the current schema, the restore
    recorded in its audit log."""
    source = database.connect(backup_path, read_only=True, immutable=True)
    try:
        target = sqlite3.connect(str(scratch), isolation_level=None)
        try:
            target.execute("PRAGMA journal_mode = OFF")  # a scratch file: no journal needed
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
            if version < SCHEMA_VERSION:
                migrate_file(target, backup_path, version, backup=None)
            mark(target)  # a backup from before the mark: restored files are ours
            target.execute(
                "INSERT INTO audit (at, user, evaluation_id, action, target, field, old, new, "
                "source) VALUES (?, ?, NULL, ?, ?, 'file', NULL, ?, NULL)",
                [now_iso(), user, ACTION_RESTORE, backup_path.name, backup_path.name],
            )
        finally:
            target.close()
        _fsync(scratch)
    except sqlite3.Error as exc:
        raise database.translate(exc, db_path, saving=True) from None
    except OSError as exc:
        raise backups.backup_write_error(db_path, exc) from None
    finally:
        source.close()


def _scratch_path(db_path: Path, token: str) -> Path:
    folder = backups.backup_dir(db_path)
    folder.mkdir(exist_ok=True)
    # ".partial": never listed as a backup, and swept away if a crash leaves it.
    return folder / f"{db_path.stem}-restore-{token[:8]}.partial"


def _remove(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError), open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _unusable(error: errors.StoreError, db_path: Path) -> bool:
    """A file restoring may replace wholesale: damaged, or not even SQLite any more."""
    if isinstance(error, errors.DamagedFile):
        return True
    if isinstance(error, errors.NotADatabase):
        with contextlib.suppress(OSError), db_path.open("rb") as handle:
            return handle.read(len(database.SQLITE_HEADER)) != database.SQLITE_HEADER
    return False


def restore_backup(
    db_path: str | Path,
    backup_path: str | Path,
    *,
    user: str | None = None,
    takeover: bool = False,
    other_municipality: bool = False,
) -> Path:
    """Replace the file's contents with ``backup_path``; returns where the previous
    state was kept (a backup, or a plain copy of a damaged file).

    A backup of another municipality than the file's is refused
    (:class:`~desktop.store.errors.OtherMunicipality`) unless ``other_municipality``
    says the user confirmed it.
    """
    db_path, backup_path = Path(db_path), Path(backup_path)
    user = user or default_user()
    version = check_backup(backup_path)
    try:
        store = EvaluationFile.open(db_path, user=user, takeover=takeover, backup_on_open=False)
    except (errors.DamagedFile, errors.NotADatabase) as error:
        if not _unusable(error, db_path):
            raise
        if not other_municipality:
            # A damaged file may still name its municipality; if it cannot, no warning.
            check_same_municipality(db_path, _file_municipality(db_path), backup_path)
        return _restore_over_damaged(db_path, backup_path, version, user, takeover)
    try:
        if not other_municipality:
            check_same_municipality(db_path, _municipality(store.conn), backup_path)
        scratch = _scratch_path(db_path, store.lock.token)
        try:
            # Copy the backup first: the safety backup rotates old backups away, and
            # the one being restored may well be the oldest.
            _prepare(backup_path, scratch, version, db_path, user)
            safety = store.backup("before-restore")
            source = database.connect(scratch, read_only=True)
            try:
                source.backup(store.conn)
            finally:
                source.close()
        except sqlite3.Error as exc:
            raise database.translate(exc, db_path, saving=True) from None
        finally:
            _remove(scratch, scratch.with_name(scratch.name + "-journal"))
        return safety
    finally:
        store.close()


def _restore_over_damaged(
    db_path: Path, backup_path: Path, version: int, user: str, takeover: bool
) -> Path:
    lock = FileLock(db_path, user)
    lock.acquire(takeover=takeover)
    try:
        scratch = _scratch_path(db_path, lock.token)
        try:
            _prepare(backup_path, scratch, version, db_path, user)
            kept = _keep_damaged(db_path)
            _replace(scratch, db_path, kept)
        finally:
            _remove(scratch)
        return kept
    finally:
        lock.release()


def _replace(scratch: Path, db_path: Path, kept: Path) -> None:
    """Rename the restored copy over the damaged file (atomic on one drive)."""
    journal = db_path.with_name(db_path.name + "-journal")
    try:
        if journal.exists():  # the damaged file's journal must not meet the restored file
            os.replace(journal, kept.with_name(kept.name + "-journal"))
        os.replace(scratch, db_path)
    except OSError as exc:
        raise errors.ReadOnlyFile(
            db_path, f"壊れたファイルを置き換えられません: {errors.describe_os_error(exc)}"
        ) from None
    backups.fsync_dir(db_path.parent)


def _keep_damaged(db_path: Path) -> Path:
    """A byte-for-byte copy of the damaged file, beside the backups (never listed as one)."""
    from datetime import datetime

    folder = backups.backup_dir(db_path)
    folder.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = folder / f"{db_path.stem}-{stamp}-damaged.bin"
    counter = 1
    while kept.exists():
        kept = folder / f"{db_path.stem}-{stamp}-{counter}-damaged.bin"
        counter += 1
    try:
        shutil.copyfile(db_path, kept)
        _fsync(kept)
    except OSError as exc:
        _remove(kept)
        raise backups.backup_write_error(db_path, exc) from None
    return kept
