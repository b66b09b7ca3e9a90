"""What users write into an evaluation: answers, indicator records (メモ・担当・状況),
今後の対応 per group and their own sub-item wording, singly or as one ChangeSet.

Mixed into :class:`~desktop.store.evaluation_file.EvaluationFile`. Every public write is
one transaction; each changed value is one :class:`~desktop.records.Change` and one
audit row (``_record``); a value that does not change writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop.formats import now_iso
from desktop.records import (
    ACTION_ANSWER,
    ACTION_CONFIRM,
    ACTION_NOTE,
    ACTION_PLANNED_RESPONSE,
    ACTION_WORDING,
    INDICATOR_STATUSES,
    NOTE_FIELDS,
    STATUS_NOT_STARTED,
    AnswerRow,
    Change,
    ChangeSet,
    IndicatorNote,
)
from desktop.store import errors
from desktop.store.audited import reading


def _item_key(evaluation_id: int, item_id: str) -> dict:
    return {"evaluation_id": evaluation_id, "item_id": item_id}


class AnswerTables:
    """Needs the open file's ``db``, ``query``, ``conn``, ``transaction`` and the audited writes."""

    # --- answers ----------------------------------------------------------------------
    @reading
    def answers(self, evaluation_id: int) -> dict[str, str]:
        return {
            row["item_id"]: row["value"]
            for row in self.query(
                "SELECT item_id, value FROM answers WHERE evaluation_id = ?", [evaluation_id]
            )
        }

    @reading
    def answer_rows(self, evaluation_id: int) -> dict[str, AnswerRow]:
        return {
            row["item_id"]: AnswerRow(
                row["item_id"],
                row["value"],
                bool(row["carried"]),
                row["updated_at"],
                row["updated_by"],
            )
            for row in self.query(
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
            row = None if value is None else {"value": value, "carried": 1 if carried else 0}
            self._put_row("answers", _item_key(evaluation_id, item_id), row, at=at)
            change = Change(ACTION_ANSWER, item_id, "answer", old, value)
            changes.append(self._record(evaluation_id, change, source=source, at=at))
        return changes

    @reading
    def carried_items(self, evaluation_id: int) -> set[str]:
        return {
            row["item_id"]
            for row in self.query(
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
                    checked = Change(ACTION_CONFIRM, item_id, "carried", "要確認", "確認済み")
                    self._record(evaluation_id, checked, source=None, at=at)
        return confirmed

    # --- indicator notes ---------------------------------------------------------------
    @reading
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
            for row in self.query(
                "SELECT * FROM indicator_notes WHERE evaluation_id = ?", [evaluation_id]
            )
        }

    @reading
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
        key = {"evaluation_id": evaluation_id, "indicator_id": indicator_id}
        self._put_row("indicator_notes", key, record, at=at)
        return [self._record(evaluation_id, change, source=source, at=at) for change in changes]

    # --- group notes (今後の対応) and user wording ----------------------------------------
    @reading
    def planned_responses(self, evaluation_id: int) -> dict[str, str]:
        return {
            row["group_id"]: row["planned_response"]
            for row in self.query(
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
        key = {"evaluation_id": evaluation_id, "group_id": group_id}
        self._put_row("group_notes", key, {"planned_response": text}, at=at)
        change = Change(ACTION_PLANNED_RESPONSE, group_id, "planned_response", old, text)
        return [self._record(evaluation_id, change, source=source, at=at)]

    @reading
    def wordings(self, evaluation_id: int) -> dict[str, str]:
        return {
            row["item_id"]: row["wording"]
            for row in self.query(
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
        row = None if wording is None else {"wording": wording}
        self._put_row("item_wording", _item_key(evaluation_id, item_id), row, at=at)
        change = Change(ACTION_WORDING, item_id, "wording", old, wording)
        return [self._record(evaluation_id, change, source=source, at=at)]

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
