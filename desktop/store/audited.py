"""The audit log, and the one way a table write is recorded in it.

Every write that users can see in 変更履歴 goes through :meth:`AuditedWrites._record`
(one :class:`~desktop.records.Change` → one audit row, with who, when and from where);
a row that is cleared by ``None`` and otherwise replaced goes through
:meth:`AuditedWrites._put_row`. Mixed into :class:`~desktop.store.evaluation_file.EvaluationFile`.
"""

from __future__ import annotations

import functools
import sqlite3

from desktop.records import AuditEntry, Change
from desktop.store import database


def reading(method):
    """Translate a SQLite failure while reading (a vanished network drive) into a StoreError."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise database.translate(exc, self.path) from None

    return wrapper


class AuditedWrites:
    """Needs ``db``, ``query``, ``conn``, ``path`` and ``user`` (the open file)."""

    def _record(
        self, evaluation_id: int | None, change: Change, *, source: str | None, at: str
    ) -> Change:
        """Write ``change`` to the audit log as this user, at ``at``; returns it."""
        self.db["audit"].insert(
            {
                "at": at,
                "user": self.user,
                "evaluation_id": evaluation_id,
                "action": change.kind,
                "target": change.target,
                "field": change.field,
                "old": change.old,
                "new": change.new,
                "source": source,
            }
        )
        return change

    def _put_row(
        self,
        table: str,
        key: dict,
        values: dict | None,
        *,
        at: str,
        stamp: tuple[str, str] = ("updated_at", "updated_by"),
    ) -> None:
        """Delete the row at ``key`` when ``values`` is None, else insert or replace it,
        stamped (``stamp`` names the columns) with when and by whom."""
        if values is None:
            where = " AND ".join(f"{column} = ?" for column in key)
            self.conn.execute(f"DELETE FROM {table} WHERE {where}", list(key.values()))
            return
        when, who = stamp
        self.db[table].insert(
            {**key, **values, when: at, who: self.user}, pk=tuple(key), replace=True
        )

    # --- reading the log ----------------------------------------------------------------------
    @reading
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
        return [AuditEntry(**row) for row in self.query(sql, args)]

    @reading
    def last_changes(self, evaluation_id: int) -> dict[str, AuditEntry]:
        """The latest audit entry per target (who changed it last), for import previews."""
        rows = self.query(
            "SELECT a.* FROM audit a JOIN (SELECT target, max(id) AS id FROM audit "
            "WHERE evaluation_id = ? GROUP BY target) last ON a.id = last.id",
            [evaluation_id],
        )
        return {row["target"]: AuditEntry(**row) for row in rows}

    @reading
    def audit_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
