"""The evaluation file: one SQLite file per municipality, written one action at a time.

Every public write method is one transaction (``db.atomic()``) that also writes its
audit rows; when it returns, the change is on disk. A failure rolls the whole
action back and raises a :class:`~desktop.store.errors.StoreError` in Japanese.
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import sqlite_utils

from desktop import __version__
from desktop.attachment_files import safe_file_name
from desktop.hashing import content_hash
from desktop.store import backup as backups
from desktop.store import database, errors
from desktop.store.effort_tables import EffortTables
from desktop.store.lock import FileLock, read_holder
from desktop.store.records import (
    ACTION_ANSWER,
    ACTION_ATTACH,
    ACTION_CONFIRM,
    ACTION_CREATE,
    ACTION_MUNICIPALITY,
    ACTION_NOTE,
    ACTION_OFFICIAL,
    ACTION_PLANNED_RESPONSE,
    ACTION_UPGRADE,
    ACTION_WORDING,
    INDICATOR_STATUSES,
    NOTE_FIELDS,
    STATUS_NOT_STARTED,
    AnswerRow,
    Attachment,
    AuditEntry,
    Change,
    ChangeSet,
    EvaluationRecord,
    IndicatorNote,
    Municipality,
)
from desktop.store.schema import (
    SCHEMA_VERSION,
    application_id,
    mark,
    migrate,
    pending,
    user_version,
)
from desktop.store.wording_tables import WordingTables

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


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


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _reading(method):
    """Translate a SQLite failure while reading (a vanished network drive) into a StoreError."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise database.translate(exc, self.path) from None

    return wrapper


class EvaluationFile(WordingTables, EffortTables):
    """An open evaluation file. Use :meth:`open`; close it (or use ``with``)."""

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
        self.db = sqlite_utils.Database(conn)
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
        version = None
        interrupted = False
        wal = kind == "sqlite" and database.in_wal_mode(path)
        if wal and database.wal_in_use(path):
            # Reading it would mean joining the other program's WAL: we leave it alone.
            raise errors.OpenElsewhere(path)
        if kind == "sqlite":
            # Check on a read-only connection first: a file we cannot use is never touched.
            try:
                version = _probe(path, immutable=wal, full=full_check)
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
                _check_not_newer(conn, path)  # changed between the probe and the lock?
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
            conn = _migrated_copy(conn, path, version)
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
            _migrate(self.conn, self.path, version_before, backup=self.last_backup)
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

    def _audit(
        self,
        evaluation_id: int | None,
        action: str,
        target: str | None,
        field: str | None,
        old: str | None,
        new: str | None,
        source: str | None,
        at: str,
    ) -> None:
        self.db["audit"].insert(
            {
                "at": at,
                "user": self.user,
                "evaluation_id": evaluation_id,
                "action": action,
                "target": target,
                "field": field,
                "old": old,
                "new": new,
                "source": source,
            }
        )

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

    # --- municipality ----------------------------------------------------------------
    @_reading
    def municipality(self) -> Municipality | None:
        rows = list(self.db.query("SELECT * FROM municipality WHERE id = 1"))
        if not rows:
            return None
        row = rows[0]
        return Municipality(row["name"], row["code"], row["prefecture"], row["insured"])

    def set_municipality(self, municipality: Municipality) -> list[Change]:
        at = now_iso()
        changes = []
        with self.transaction():
            # Read inside the action, so the audit's "old" is what this action replaced.
            old = self.municipality() or Municipality(name="")
            self.db["municipality"].insert(
                {
                    "id": 1,
                    "name": municipality.name,
                    "code": municipality.code,
                    "prefecture": municipality.prefecture,
                    "insured": municipality.insured,
                    "updated_at": at,
                },
                pk="id",
                replace=True,
            )
            for name in ("name", "code", "prefecture", "insured"):
                before, after = getattr(old, name), getattr(municipality, name)
                if before != after:
                    change = Change(
                        ACTION_MUNICIPALITY, "municipality", name, _text(before), _text(after)
                    )
                    changes.append(change)
                    self._audit(
                        None,
                        ACTION_MUNICIPALITY,
                        "municipality",
                        name,
                        change.old,
                        change.new,
                        None,
                        at,
                    )
        return changes

    # --- evaluations and their catalogs ------------------------------------------------
    @_reading
    def evaluations(self) -> list[EvaluationRecord]:
        return [
            EvaluationRecord(**row)
            for row in self.db.query("SELECT * FROM evaluations ORDER BY fiscal_year DESC")
        ]

    @_reading
    def evaluation(self, evaluation_id: int) -> EvaluationRecord:
        rows = list(self.db.query("SELECT * FROM evaluations WHERE id = ?", [evaluation_id]))
        if not rows:
            raise errors.NoEvaluation(self.path)
        return EvaluationRecord(**rows[0])

    @_reading
    def evaluation_for_year(self, fiscal_year: int | None = None) -> EvaluationRecord:
        """The evaluation of ``fiscal_year``, or the newest one when it is None."""
        records = self.evaluations()
        if not records:
            raise errors.NoEvaluation(self.path)
        if fiscal_year is None:
            return records[0]
        for record in records:
            if record.fiscal_year == fiscal_year:
                return record
        raise errors.NoEvaluation(
            self.path, f"令和{fiscal_year - 2018}年度", [r.year_label for r in records]
        )

    @_reading
    def catalog_text(self, catalog_hash: str) -> str:
        rows = list(
            self.db.query("SELECT text FROM catalog_snapshots WHERE hash = ?", [catalog_hash])
        )
        if not rows:
            raise errors.DamagedFile(self.path, f"評価指標の控え {catalog_hash[:12]} がありません")
        return rows[0]["text"]

    def _check_snapshot(self, catalog_id: str, text: str, digest: str) -> None:
        """The text pinned under a hash must be exactly the text with that hash.

        Otherwise an evaluation would silently be scored by a catalog other than the
        one the user saw (a catalog file changed on disk after it was loaded).
        """
        if content_hash(text) != digest:
            raise errors.InvalidInput(
                self.path,
                "評価指標のファイルが読み込んだ後に変更されています"
                "（控えと内容が一致しません）。何も変更していません。アプリを再起動してください。",
            )

    def _store_snapshot(
        self, catalog_id: str, revision: int, fiscal_year: int, text: str, digest: str
    ):
        self.db["catalog_snapshots"].insert(
            {
                "hash": digest,
                "catalog_id": catalog_id,
                "revision": revision,
                "fiscal_year": fiscal_year,
                "text": text,
                "stored_at": now_iso(),
            },
            pk="hash",
            ignore=True,
        )

    def create_evaluation(
        self,
        *,
        catalog_id: str,
        revision: int,
        fiscal_year: int,
        catalog_text: str,
        catalog_hash: str,
        carried_from: int | None = None,
    ) -> EvaluationRecord:
        """Start the evaluation of a fiscal year, pinned to this exact catalog text."""
        if any(r.fiscal_year == fiscal_year for r in self.evaluations()):
            raise errors.InvalidInput(
                self.path, f"令和{fiscal_year - 2018}年度の評価はこのファイルにすでにあります。"
            )
        self._check_snapshot(catalog_id, catalog_text, catalog_hash)
        at = now_iso()
        with self.transaction():
            self._store_snapshot(catalog_id, revision, fiscal_year, catalog_text, catalog_hash)
            evaluation_id = (
                self.db["evaluations"]
                .insert(
                    {
                        "fiscal_year": fiscal_year,
                        "catalog_id": catalog_id,
                        "catalog_revision": revision,
                        "catalog_hash": catalog_hash,
                        "created_at": at,
                        "created_by": self.user,
                        "carried_from": carried_from,
                    }
                )
                .last_pk
            )
            self._audit(
                evaluation_id, ACTION_CREATE, catalog_id, "revision", None, str(revision), None, at
            )
        return self.evaluation(evaluation_id)

    def repin_catalog(
        self,
        evaluation_id: int,
        *,
        catalog_id: str,
        revision: int,
        catalog_text: str,
        catalog_hash: str,
        drop_answers: Iterable[str] = (),
        summary: str = "",
    ) -> None:
        """The explicit catalog upgrade: pin a new revision, dropping answers it no longer has."""
        if self.read_only:
            raise errors.ReadOnlySession(self.path)
        self._check_snapshot(catalog_id, catalog_text, catalog_hash)
        record = self.evaluation(evaluation_id)
        at = now_iso()
        self.backup("before-upgrade")
        with self.transaction():
            self._store_snapshot(
                catalog_id, revision, record.fiscal_year, catalog_text, catalog_hash
            )
            self.db["evaluations"].update(
                evaluation_id,
                {
                    "catalog_id": catalog_id,
                    "catalog_revision": revision,
                    "catalog_hash": catalog_hash,
                },
            )
            for item_id in drop_answers:
                old = self._answer_value(evaluation_id, item_id)
                if old is not None:
                    self.conn.execute(
                        "DELETE FROM answers WHERE evaluation_id = ? AND item_id = ?",
                        [evaluation_id, item_id],
                    )
                    self._audit(
                        evaluation_id,
                        ACTION_ANSWER,
                        item_id,
                        "answer",
                        old,
                        None,
                        "評価指標の更新",
                        at,
                    )
            self._audit(
                evaluation_id,
                ACTION_UPGRADE,
                catalog_id,
                "revision",
                f"{record.catalog_id} 第{record.catalog_revision}版",
                f"{catalog_id} 第{revision}版",
                summary or None,
                at,
            )

    # --- answers ----------------------------------------------------------------------
    @_reading
    def answers(self, evaluation_id: int) -> dict[str, str]:
        return {
            row["item_id"]: row["value"]
            for row in self.db.query(
                "SELECT item_id, value FROM answers WHERE evaluation_id = ?", [evaluation_id]
            )
        }

    @_reading
    def answer_rows(self, evaluation_id: int) -> dict[str, AnswerRow]:
        return {
            row["item_id"]: AnswerRow(
                row["item_id"],
                row["value"],
                bool(row["carried"]),
                row["updated_at"],
                row["updated_by"],
            )
            for row in self.db.query(
                "SELECT item_id, value, carried, updated_at, updated_by FROM answers WHERE evaluation_id = ?",
                [evaluation_id],
            )
        }

    def _answer_value(self, evaluation_id: int, item_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT value FROM answers WHERE evaluation_id = ? AND item_id = ?",
            [evaluation_id, item_id],
        ).fetchone()
        return row[0] if row else None

    def set_answers(
        self,
        evaluation_id: int,
        values: dict[str, str | None],
        *,
        source: str | None = None,
        carried: bool = False,
    ) -> list[Change]:
        """Record answers (None clears one) as one action. Unchanged values are skipped.

        Values must already be validated against the catalog (desktop.scoring.answers).
        """
        with self.transaction():
            return self._write_answers(
                evaluation_id, values, source=source, carried=carried, at=now_iso()
            )

    def _write_answers(self, evaluation_id, values, *, source, carried, at) -> list[Change]:
        changes = []
        for item_id, value in values.items():
            old = self._answer_value(evaluation_id, item_id)
            if old == value and not carried:
                continue
            if value is None:
                self.conn.execute(
                    "DELETE FROM answers WHERE evaluation_id = ? AND item_id = ?",
                    [evaluation_id, item_id],
                )
            else:
                self.db["answers"].insert(
                    {
                        "evaluation_id": evaluation_id,
                        "item_id": item_id,
                        "value": value,
                        "carried": 1 if carried else 0,
                        "updated_at": at,
                        "updated_by": self.user,
                    },
                    pk=("evaluation_id", "item_id"),
                    replace=True,
                )
            change = Change(ACTION_ANSWER, item_id, "answer", old, value)
            changes.append(change)
            self._audit(evaluation_id, ACTION_ANSWER, item_id, "answer", old, value, source, at)
        return changes

    @_reading
    def carried_items(self, evaluation_id: int) -> set[str]:
        return {
            row["item_id"]
            for row in self.db.query(
                "SELECT item_id FROM answers WHERE evaluation_id = ? AND carried = 1",
                [evaluation_id],
            )
        }

    def confirm_carried(self, evaluation_id: int, item_ids: Iterable[str]) -> list[str]:
        """Mark carried answers as checked by a person (「前年度から引継ぎ・要確認」 goes away)."""
        at = now_iso()
        confirmed = []
        with self.transaction():
            for item_id in item_ids:
                cursor = self.conn.execute(
                    "UPDATE answers SET carried = 0, updated_at = ?, updated_by = ? "
                    "WHERE evaluation_id = ? AND item_id = ? AND carried = 1",
                    [at, self.user, evaluation_id, item_id],
                )
                if cursor.rowcount:
                    confirmed.append(item_id)
                    self._audit(
                        evaluation_id,
                        ACTION_CONFIRM,
                        item_id,
                        "carried",
                        "要確認",
                        "確認済み",
                        None,
                        at,
                    )
        return confirmed

    # --- indicator notes ---------------------------------------------------------------
    @_reading
    def indicator_notes(self, evaluation_id: int) -> dict[str, IndicatorNote]:
        return {
            row["indicator_id"]: IndicatorNote(
                indicator_id=row["indicator_id"],
                memo=row["memo"],
                evidence=row["evidence"],
                section=row["section"],
                assignee=row["assignee"],
                status=row["status"],
                updated_at=row["updated_at"],
                updated_by=row["updated_by"],
            )
            for row in self.db.query(
                "SELECT * FROM indicator_notes WHERE evaluation_id = ?", [evaluation_id]
            )
        }

    @_reading
    def indicator_note(self, evaluation_id: int, indicator_id: str) -> IndicatorNote:
        return self.indicator_notes(evaluation_id).get(indicator_id) or IndicatorNote(indicator_id)

    def update_indicator_note(
        self, evaluation_id: int, indicator_id: str, *, source: str | None = None, **fields: str
    ) -> list[Change]:
        """Set memo / evidence / section / assignee / status of an indicator as one action."""
        with self.transaction():
            return self._write_note(
                evaluation_id, indicator_id, fields, source=source, at=now_iso()
            )

    def _write_note(self, evaluation_id, indicator_id, fields, *, source, at) -> list[Change]:
        unknown = set(fields) - set(NOTE_FIELDS)
        if unknown:
            raise ValueError(f"unknown note fields: {sorted(unknown)}")
        status = fields.get("status")
        if status is not None and status not in INDICATOR_STATUSES:
            raise errors.InvalidInput(
                self.path,
                f"状況「{status}」は使えません（{'・'.join(INDICATOR_STATUSES)} のどれか）。",
            )
        current = self.indicator_note(evaluation_id, indicator_id)
        changes = []
        record = {name: current.get(name) for name in NOTE_FIELDS}
        for name, value in fields.items():
            value = "" if value is None else str(value)
            if name == "status" and not value:
                value = STATUS_NOT_STARTED
            if record[name] == value:
                continue
            changes.append(Change(ACTION_NOTE, indicator_id, name, record[name], value))
            record[name] = value
        if not changes:
            return []
        self.db["indicator_notes"].insert(
            {
                "evaluation_id": evaluation_id,
                "indicator_id": indicator_id,
                **record,
                "updated_at": at,
                "updated_by": self.user,
            },
            pk=("evaluation_id", "indicator_id"),
            replace=True,
        )
        for change in changes:
            self._audit(
                evaluation_id,
                ACTION_NOTE,
                indicator_id,
                change.field,
                change.old,
                change.new,
                source,
                at,
            )
        return changes

    # --- group notes (今後の対応) and user wording ----------------------------------------
    @_reading
    def planned_responses(self, evaluation_id: int) -> dict[str, str]:
        return {
            row["group_id"]: row["planned_response"]
            for row in self.db.query(
                "SELECT group_id, planned_response FROM group_notes WHERE evaluation_id = ?",
                [evaluation_id],
            )
        }

    def set_planned_response(
        self, evaluation_id: int, group_id: str, text: str, *, source: str | None = None
    ) -> list[Change]:
        with self.transaction():
            return self._write_planned(evaluation_id, group_id, text, source=source, at=now_iso())

    def _write_planned(self, evaluation_id, group_id, text, *, source, at) -> list[Change]:
        old = self.planned_responses(evaluation_id).get(group_id, "")
        text = text or ""
        if old == text:
            return []
        self.db["group_notes"].insert(
            {
                "evaluation_id": evaluation_id,
                "group_id": group_id,
                "planned_response": text,
                "updated_at": at,
                "updated_by": self.user,
            },
            pk=("evaluation_id", "group_id"),
            replace=True,
        )
        self._audit(
            evaluation_id,
            ACTION_PLANNED_RESPONSE,
            group_id,
            "planned_response",
            old,
            text,
            source,
            at,
        )
        return [Change(ACTION_PLANNED_RESPONSE, group_id, "planned_response", old, text)]

    @_reading
    def wordings(self, evaluation_id: int) -> dict[str, str]:
        return {
            row["item_id"]: row["wording"]
            for row in self.db.query(
                "SELECT item_id, wording FROM item_wording WHERE evaluation_id = ?", [evaluation_id]
            )
        }

    def set_wording(
        self, evaluation_id: int, item_id: str, wording: str | None, *, source: str | None = None
    ) -> list[Change]:
        with self.transaction():
            return self._write_wording(evaluation_id, item_id, wording, source=source, at=now_iso())

    def _write_wording(self, evaluation_id, item_id, wording, *, source, at) -> list[Change]:
        old = self.wordings(evaluation_id).get(item_id)
        wording = (wording or "").strip() or None
        if old == wording:
            return []
        if wording is None:
            self.conn.execute(
                "DELETE FROM item_wording WHERE evaluation_id = ? AND item_id = ?",
                [evaluation_id, item_id],
            )
        else:
            self.db["item_wording"].insert(
                {
                    "evaluation_id": evaluation_id,
                    "item_id": item_id,
                    "wording": wording,
                    "updated_at": at,
                    "updated_by": self.user,
                },
                pk=("evaluation_id", "item_id"),
                replace=True,
            )
        self._audit(evaluation_id, ACTION_WORDING, item_id, "wording", old, wording, source, at)
        return [Change(ACTION_WORDING, item_id, "wording", old, wording)]

    # --- several kinds of change as one action ---------------------------------------------
    def apply(
        self,
        evaluation_id: int,
        change_set: ChangeSet,
        *,
        source: str | None = None,
        carried: bool = False,
    ) -> list[Change]:
        """Apply answers, notes, planned responses and wordings together (all or nothing)."""
        at = now_iso()
        changes: list[Change] = []
        with self.transaction():
            if change_set.answers:
                changes += self._write_answers(
                    evaluation_id, change_set.answers, source=source, carried=carried, at=at
                )
            for indicator_id, fields in change_set.notes.items():
                changes += self._write_note(
                    evaluation_id, indicator_id, fields, source=source, at=at
                )
            for group_id, text in change_set.planned_responses.items():
                changes += self._write_planned(evaluation_id, group_id, text, source=source, at=at)
            for item_id, wording in change_set.wordings.items():
                changes += self._write_wording(
                    evaluation_id, item_id, wording, source=source, at=at
                )
        return changes

    # --- attachments (根拠資料の添付) ----------------------------------------------------------
    @_reading
    def attachments(self, evaluation_id: int, indicator_id: str | None = None) -> list[Attachment]:
        sql = (
            "SELECT id, indicator_id, name, location, file_name, size, sha256, added_at, added_by "
            "FROM attachments WHERE evaluation_id = ?"
        )
        args: list = [evaluation_id]
        if indicator_id is not None:
            sql += " AND indicator_id = ?"
            args.append(indicator_id)
        return [Attachment(**row) for row in self.db.query(sql + " ORDER BY id", args)]

    def add_attachment(
        self,
        evaluation_id: int,
        indicator_id: str,
        *,
        name: str,
        location: str = "",
        file_path: str | Path | None = None,
    ) -> Attachment:
        """Add an evidence reference; with ``file_path`` the file itself is copied in."""
        content = None
        file_name = None
        if file_path is not None:
            file_path = Path(file_path)
            try:
                size = file_path.stat().st_size
                if size > MAX_ATTACHMENT_BYTES:
                    raise errors.InvalidInput(
                        self.path,
                        f"{file_path.name} は {size // (1024 * 1024)} MB あり、添付できる上限"
                        f"（{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB）を超えています。"
                        "保存場所だけを記録してください。",
                    )
                content = file_path.read_bytes()
            except OSError as exc:
                raise errors.InvalidInput(
                    self.path, f"{file_path} を読めません（{errors.describe_os_error(exc)}）。"
                ) from None
            # Kept only as a safe base name: it names the copy made for opening or saving.
            file_name = safe_file_name(file_path.name)
            location = location or str(file_path)
        at = now_iso()
        with self.transaction():
            row_id = (
                self.db["attachments"]
                .insert(
                    {
                        "evaluation_id": evaluation_id,
                        "indicator_id": indicator_id,
                        "name": name,
                        "location": location,
                        "file_name": file_name,
                        "size": len(content) if content is not None else None,
                        "sha256": hashlib.sha256(content).hexdigest()
                        if content is not None
                        else None,
                        "content": content,
                        "added_at": at,
                        "added_by": self.user,
                    }
                )
                .last_pk
            )
            self._audit(evaluation_id, ACTION_ATTACH, indicator_id, "add", None, name, None, at)
        return next(a for a in self.attachments(evaluation_id, indicator_id) if a.id == row_id)

    @_reading
    def attachment_content(self, attachment_id: int) -> bytes | None:
        row = self.conn.execute(
            "SELECT content FROM attachments WHERE id = ?", [attachment_id]
        ).fetchone()
        return row[0] if row else None

    def remove_attachment(self, evaluation_id: int, attachment_id: int) -> None:
        found = [a for a in self.attachments(evaluation_id) if a.id == attachment_id]
        if not found:
            return
        at = now_iso()
        with self.transaction():
            self.conn.execute("DELETE FROM attachments WHERE id = ?", [attachment_id])
            self._audit(
                evaluation_id,
                ACTION_ATTACH,
                found[0].indicator_id,
                "remove",
                found[0].name,
                None,
                None,
                at,
            )

    # --- official results (国による評価結果) ---------------------------------------------------
    @_reading
    def official_results(self, evaluation_id: int) -> dict[str, float]:
        return {
            row["node_id"]: row["points"]
            for row in self.db.query(
                "SELECT node_id, points FROM official_results WHERE evaluation_id = ?",
                [evaluation_id],
            )
        }

    def set_official_results(
        self, evaluation_id: int, values: dict[str, float | None]
    ) -> list[Change]:
        at = now_iso()
        changes = []
        with self.transaction():
            current = self.official_results(evaluation_id)
            for node_id, points in values.items():
                old = current.get(node_id)
                if old == points:
                    continue
                if points is None:
                    self.conn.execute(
                        "DELETE FROM official_results WHERE evaluation_id = ? AND node_id = ?",
                        [evaluation_id, node_id],
                    )
                else:
                    self.db["official_results"].insert(
                        {
                            "evaluation_id": evaluation_id,
                            "node_id": node_id,
                            "points": float(points),
                            "entered_at": at,
                            "entered_by": self.user,
                        },
                        pk=("evaluation_id", "node_id"),
                        replace=True,
                    )
                change = Change(ACTION_OFFICIAL, node_id, "points", _text(old), _text(points))
                changes.append(change)
                self._audit(
                    evaluation_id,
                    ACTION_OFFICIAL,
                    node_id,
                    "points",
                    change.old,
                    change.new,
                    None,
                    at,
                )
        return changes

    # --- audit log -------------------------------------------------------------------------------
    @_reading
    def history(
        self,
        evaluation_id: int | None = None,
        *,
        target: str | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[AuditEntry]:
        clauses, args = [], []
        if evaluation_id is not None:
            clauses.append("(evaluation_id = ? OR evaluation_id IS NULL)")
            args.append(evaluation_id)
        if target is not None:
            clauses.append("target = ?")
            args.append(target)
        sql = "SELECT * FROM audit"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY id DESC" if newest_first else " ORDER BY id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [AuditEntry(**row) for row in self.db.query(sql, args)]

    @_reading
    def last_changes(self, evaluation_id: int) -> dict[str, AuditEntry]:
        """The latest audit entry per target (who changed it last), for import previews."""
        rows = self.db.query(
            "SELECT a.* FROM audit a JOIN (SELECT target, max(id) AS id FROM audit "
            "WHERE evaluation_id = ? GROUP BY target) last ON a.id = last.id",
            [evaluation_id],
        )
        return {row["target"]: AuditEntry(**row) for row in rows}

    @_reading
    def audit_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM audit").fetchone()[0]


# --- opening helpers -------------------------------------------------------------------
def _probe(path: Path, *, immutable: bool = False, full: bool = True) -> int:
    """Check a file on a read-only connection; returns its schema version."""
    probe = database.connect(path, read_only=True, immutable=immutable)
    try:
        return database.check(probe, path, full=full)
    finally:
        probe.close()


def _check_not_newer(conn: sqlite3.Connection, path: Path) -> None:
    try:
        version = user_version(conn)
    except sqlite3.Error as exc:
        raise database.translate(exc, path) from None
    if version > SCHEMA_VERSION:
        raise errors.TooNew(path, version, SCHEMA_VERSION)


def migrate_connection(conn: sqlite3.Connection) -> None:
    """Bring ``conn`` to the current schema; the caller owns the transaction."""
    db = sqlite_utils.Database(conn)
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


def _migrate(
    conn: sqlite3.Connection, path: Path, version_before: int, *, backup: Path | None
) -> None:
    """All pending migration steps as one transaction: every step lands, or none does."""
    db = sqlite_utils.Database(conn)
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


def _migrated_copy(conn: sqlite3.Connection, path: Path, version: int) -> sqlite3.Connection:
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
            _migrate(memory, path, version, backup=None)
        memory.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        memory.close()
        raise
    return memory


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


__all__ = ["SCHEMA_VERSION", "EvaluationFile", "default_user", "migrate_connection", "now_iso"]
