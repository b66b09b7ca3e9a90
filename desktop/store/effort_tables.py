"""The evaluation file's effort marks on the 伸びしろ list (容易・要調整・不可).

Kept apart from :mod:`desktop.store.evaluation_file` (which mixes it in), like
:mod:`desktop.store.wording_tables`: every public write is one transaction with its
audit row, and a value that does not change writes nothing.
"""

from __future__ import annotations

from desktop.records import ACTION_EFFORT, EFFORTS, Change


class EffortTables:
    """Mixed into EvaluationFile: needs ``db``, ``query``, ``conn``, ``user``, ``transaction`` and the
    audited writes (``_put_row``, ``_record``)."""

    def gap_efforts(self, evaluation_id: int) -> dict[str, str]:
        """Item id → the mark the user set (items never marked are absent)."""
        return {
            row["item_id"]: row["effort"]
            for row in self.query(
                "SELECT item_id, effort FROM gap_efforts WHERE evaluation_id = ?",
                [evaluation_id],
            )
        }

    def set_gap_effort(
        self,
        evaluation_id: int,
        item_id: str,
        effort: str | None,
        *,
        source: str | None,
        at: str,
    ) -> list[Change]:
        """Set (or with None clear) one item's mark; the history keeps the old value."""
        if effort is not None and effort not in EFFORTS:
            raise ValueError(effort)
        with self.transaction():
            old = self.gap_efforts(evaluation_id).get(item_id)
            if old == effort:
                return []
            key = {"evaluation_id": evaluation_id, "item_id": item_id}
            self._put_row("gap_efforts", key, None if effort is None else {"effort": effort}, at=at)
            change = Change(ACTION_EFFORT, item_id, "effort", old, effort)
            return [self._record(evaluation_id, change, source=source, at=at)]
