"""The evaluation file's official texts (pasted or from a pack) and prerequisite waivers.

Kept apart from :mod:`desktop.store.evaluation_file` (which mixes it in) so that both
stay readable; the same rules hold: every public write is one transaction with its
audit rows, and a value that does not change writes nothing.
"""

from __future__ import annotations

from desktop.records import (
    ACTION_ITEM_TEXT,
    ACTION_WAIVER,
    TEXT_PACK,
    TEXT_PASTED,
    Change,
    ItemText,
)

WAIVED = "適用しない"


class WordingTables:
    """Mixed into EvaluationFile: needs ``db``, ``query``, ``conn``, ``user``, ``transaction`` and the
audited writes (``_put_row``, ``_record``)."""

    # --- official texts this evaluation holds --------------------------------------------------
    def item_texts(self, evaluation_id: int) -> dict[str, ItemText]:
        return {
            row["item_id"]: ItemText(row["text"], row["source"], row["origin"])
            for row in self.query(
                "SELECT item_id, text, source, origin FROM item_texts WHERE evaluation_id = ?",
                [evaluation_id],
            )
        }

    def set_item_texts(
        self,
        evaluation_id: int,
        texts: dict[str, str | None],
        *,
        kind: str,
        origin: str = "",
        source: str | None = None,
        at: str,
    ) -> list[Change]:
        """Store (or with None remove) several texts as one action; kind is pasted or pack."""
        if kind not in (TEXT_PASTED, TEXT_PACK):
            raise ValueError(kind)
        changes: list[Change] = []
        with self.transaction():
            current = self.item_texts(evaluation_id)
            for item_id, text in texts.items():
                text = (text or "").strip() or None
                old = current.get(item_id)
                if (old.text if old else None) == text and (old is None or old.source == kind):
                    continue
                key = {"evaluation_id": evaluation_id, "item_id": item_id}
                row = None if text is None else {"text": text, "source": kind, "origin": origin}
                self._put_row("item_texts", key, row, at=at)
                change = Change(ACTION_ITEM_TEXT, item_id, kind, old.text if old else None, text)
                changes.append(self._record(evaluation_id, change, source=source, at=at))
        return changes

    # --- inferred prerequisites switched off -----------------------------------------------------
    def waived_prerequisites(self, evaluation_id: int) -> set[str]:
        return {
            row["item_id"]
            for row in self.query(
                "SELECT item_id FROM prerequisite_waivers WHERE evaluation_id = ?",
                [evaluation_id],
            )
        }

    def set_prerequisite_waived(
        self, evaluation_id: int, item_id: str, waived: bool, *, source: str | None, at: str
    ) -> list[Change]:
        with self.transaction():
            was = item_id in self.waived_prerequisites(evaluation_id)
            if was == waived:
                return []
            if waived:
                self.db["prerequisite_waivers"].insert(
                    {
                        "evaluation_id": evaluation_id,
                        "item_id": item_id,
                        "updated_at": at,
                        "updated_by": self.user,
                    }
                )
            else:
                self.conn.execute(
                    "DELETE FROM prerequisite_waivers WHERE evaluation_id = ? AND item_id = ?",
                    [evaluation_id, item_id],
                )
            old, new = ("適用する", WAIVED) if waived else (WAIVED, "適用する")
            change = Change(ACTION_WAIVER, item_id, "requires", old, new)
            return [self._record(evaluation_id, change, source=source, at=at)]
