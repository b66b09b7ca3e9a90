"""The evaluation file: one SQLite file per municipality, written one action at a time.

Every public write method is one transaction (``db.atomic()``) that also writes its
audit rows; when it returns, the change is on disk. A failure rolls the whole
action back and raises a :class:`~desktop.store.errors.StoreError` in Japanese.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from desktop import sqlite_access
from desktop.formats import now_iso
from desktop.store import backup as backups
from desktop.store import database, errors
from desktop.store.answer_tables import AnswerTables
from desktop.store.audited import AuditedWrites
from desktop.store.effort_tables import EffortTables
from desktop.store.evaluation_tables import EvaluationTables
from desktop.store.evidence_tables import MAX_ATTACHMENT_BYTES, EvidenceTables
from desktop.store.lock import FileLock, read_holder
from desktop.store.opening import (
    check_not_newer,
    migrate_connection,
    migrate_file,
    migrated_copy,
    probe,
)
from desktop.store.peer_tables import PeerTables
from desktop.store.schema import SCHEMA_VERSION, application_id, mark, pending
from desktop.store.wording_tables import WordingTables


def default_user() -> str:
    """Who changes are recorded as: HYOKA_USER if set, else the OS user name."""
    name = os.environ.get("HYOKA_USER", "").strip()
    if name and not errors.is_readable_text(name):
        raise errors.InvalidInput(
            None, errors.unreadable_text_message("環境変数 HYOKA_USER（変更履歴に記録する名前）")
        )
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (service accounts, some containers)
        return "不明な利用者"


class EvaluationFile(
    EvaluationTables,
    AnswerTables,
    EvidenceTables,
    WordingTables,
    EffortTables,
    PeerTables,
    AuditedWrites,
):
    """An open evaluation file. Use :meth:`open`; close it (or use ``with``).

    This class opens, checks, locks, backs up and closes the file and runs each action
    as one transaction; the tables live in the mixins (evaluations, answers and records,
    evidence, wording), and every audited write goes through ``AuditedWrites``.
    """

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        *,
        user: str,
        read_only: bool,
        lock: FileLock | None,
    ):
        self.path = path
        self.conn = conn
        self._db = None  # sqlite-utils, on the first write (desktop/sqlite_access.py)
        self.user = user
        self.read_only = read_only
        self.lock = lock
        self.last_backup: Path | None = None
        self.migrated_from: int | None = None
        # The schema version of the file on disk (a read-only session of an older
        # file works on a copy migrated in memory).
        self.file_schema_version: int | None = None
        self._last_backup_clock: float | None = None
        # Why the backup on opening failed, for the window to show as a warning.
        self.backup_error: errors.StoreError | None = None
        # A file from before the application_id mark gets it with its first write.
        self._marked = True

    @property
    def db(self):
        """The connection in sqlite-utils, for writes (``atomic()``, inserts, upserts)."""
        if self._db is None:
            self._db = sqlite_access.database(self.conn)
        return self._db

    def query(self, sql: str, params=()) -> Iterator[dict]:
        """Rows as dicts; reading never needs sqlite-utils."""
        return sqlite_access.query(self.conn, sql, params)

    def prepare_writes(self) -> None:
        """Set up sqlite-utils now (an idle moment) rather than during the first save."""
        self.db  # noqa: B018 - the property creates it

    # --- opening and closing ------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        user: str | None = None,
        read_only: bool = False,
        takeover: bool = False,
        backup_on_open: bool = True,
        create: bool = True,
        full_check: bool = True,
    ) -> EvaluationFile:
        """Open (or create) ``path``; raises a StoreError the user can act on.

        A file that cannot be used (not ours, damaged, too new, read-only, locked) is
        refused before anything writes to it. ``create=False`` also refuses an empty
        file rather than turning it into an evaluation file.

        ``full_check=False`` checks with ``PRAGMA quick_check`` only: for a caller that
        runs :func:`desktop.store.backup.backup_file` (the full integrity check and the
        backup on opening) right afterwards, off the user's path (the main window).
        """
        path = Path(path)
        user = user or default_user()
        if not errors.is_readable_text(user):
            raise errors.InvalidInput(path, errors.unreadable_text_message("利用者名"))
        kind = database.classify(path)
        if kind == "missing":
            if read_only or not create:
                raise errors.CannotOpen(path, "ファイルがありません")
            if not path.parent.is_dir():
                raise errors.CannotOpen(path, f"フォルダ {path.parent} がありません")
        if kind == "empty" and (read_only or not create):
            raise errors.NoEvaluation(path)
        if kind != "missing" and not read_only:
            database.ensure_writable(path)
            database.ensure_one_name(path)
        version = None
        interrupted = False
        wal = kind == "sqlite" and database.in_wal_mode(path)
        if wal and database.wal_in_use(path):
            # Reading it would mean joining the other program's WAL: we leave it alone.
            raise errors.OpenElsewhere(path)
        if kind == "sqlite":
            # Check on a read-only connection first: a file we cannot use is never touched.
            try:
                version = probe(path, immutable=wal, full=full_check)
            except errors.InterruptedSave:
                if read_only:
                    raise
                interrupted = True  # SQLite rolls the journal back once we may write
        if read_only:
            return cls._open_read_only(path, user=user, version=version or 0, wal=wal)
        lock = FileLock(path, user)
        lock.acquire(takeover=takeover)
        conn = None
        try:
            if kind in ("missing", "empty"):
                conn = database.create(path)
            else:
                conn = database.connect(path, read_only=False)
            database.probe_write(conn, path)
            if interrupted:
                database.check(conn, path)  # now that the interrupted save is undone
            elif kind == "sqlite":
                check_not_newer(conn, path)  # changed between the probe and the lock?
            store = cls(path, conn, user=user, read_only=False, lock=lock)
            store._initialize(backup_on_open=backup_on_open and kind == "sqlite")
        except BaseException:
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
            if kind == "missing":  # a failed creation leaves nothing behind
                for leftover in (path, path.with_name(path.name + "-journal")):
                    with contextlib.suppress(OSError):
                        leftover.unlink()
            lock.release()
            raise
        return store

    @classmethod
    def _open_read_only(
        cls, path: Path, *, user: str, version: int, wal: bool = False
    ) -> EvaluationFile:
        """A read-only session; a file of an older schema is migrated in memory only.

        A WAL-mode file is read once, immutably, into memory: a plain read-only
        connection would create WAL side files beside it.
        """
        conn = database.connect(path, read_only=True, immutable=wal)
        if version < SCHEMA_VERSION or wal:
            conn = migrated_copy(conn, path, version)
        store = cls(path, conn, user=user, read_only=True, lock=None)
        store.file_schema_version = version
        return store

    def _initialize(self, *, backup_on_open: bool) -> None:
        steps = pending(self.conn)
        version_before = self.schema_version
        if steps and version_before > 0:
            # A backup before changing the file's structure, then all steps in one transaction.
            self.backup("before-migration")
            backup_on_open = False
        if steps:
            migrate_file(self.conn, self.path, version_before, backup=self.last_backup)
            self.migrated_from = version_before if version_before > 0 else None
        self.file_schema_version = self.schema_version
        self._marked = application_id(self.conn) != 0
        if backup_on_open:
            try:
                self.backup("open")
            except errors.StoreError as exc:
                # The file itself is fine: let the user work, and warn (backup_error).
                # A backup before a migration is different: no backup, no migration.
                self.backup_error = exc

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def __enter__(self) -> EvaluationFile:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # --- transactions -------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One user action: everything inside lands together or not at all."""
        if self.read_only:
            raise errors.ReadOnlySession(self.path)
        if self.lock is not None and not self.lock.held and not self.conn.in_transaction:
            # Someone took the file over (see heartbeat): two writers must never mix.
            raise errors.LockLost(self.path, read_holder(self.lock.path))
        try:
            with self.db.atomic():
                if not self._marked:
                    mark(self.conn)
                yield
        except sqlite3.Error as exc:
            raise database.translate(exc, self.path, saving=True) from None
        self._marked = True

    # --- keeping the file safe ------------------------------------------------------
    def backup(self, reason: str = "manual", *, progress: backups.Progress | None = None) -> Path:
        """A consistent copy in ``<file>.backups``; ``progress(done, total)`` per step."""
        try:
            self.last_backup = backups.make_backup(self.conn, self.path, reason, progress=progress)
        except sqlite3.Error as exc:
            raise database.translate(exc, self.path) from None
        except OSError as exc:
            raise backups.backup_write_error(self.path, exc) from None
        self._last_backup_clock = time.monotonic()
        return self.last_backup

    def maybe_backup(self) -> Path | None:
        """The hourly backup: made only when the newest one is an hour old or more."""
        if self.read_only:
            return None
        # This session's own clock first: a backup stamped in the future (the PC's
        # clock was wrong) must not make us copy the file every minute.
        if (
            self._last_backup_clock is not None
            and time.monotonic() - self._last_backup_clock < backups.INTERVAL_SECONDS
        ):
            return None
        age = backups.newest_age_seconds(self.path)
        if age is not None and 0 <= age < backups.INTERVAL_SECONDS:
            return None
        return self.backup("hourly")

    def heartbeat(self) -> bool:
        """Refresh the lock (call about once a minute); False if it was lost."""
        if self.lock is None:
            return True
        return self.lock.heartbeat()


__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "SCHEMA_VERSION",
    "EvaluationFile",
    "default_user",
    "migrate_connection",
    "now_iso",
]
