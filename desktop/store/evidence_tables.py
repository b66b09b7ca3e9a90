"""Evidence and outside figures of an evaluation: attached files (根拠資料の添付) and
the official results (国による評価結果) entered by hand.

Mixed into :class:`~desktop.store.evaluation_file.EvaluationFile`; every write is one
transaction with its audit rows.
"""

from __future__ import annotations

from pathlib import Path

from desktop.attachment_files import safe_file_name
from desktop.formats import now_iso
from desktop.hashing import sha256
from desktop.records import ACTION_ATTACH, ACTION_OFFICIAL, Attachment, Change
from desktop.store import errors
from desktop.store.audited import reading
from desktop.store.evaluation_tables import text_of

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


class EvidenceTables:
    """Needs the open file's ``db``, ``query``, ``conn``, ``path``, ``transaction``, audited writes."""

    # --- attachments (根拠資料の添付) ----------------------------------------------------------
    @reading
    def attachments(self, evaluation_id: int, indicator_id: str | None = None) -> list[Attachment]:
        sql = (
            "SELECT id, indicator_id, name, location, file_name, size, sha256, added_at, added_by "
            "FROM attachments WHERE evaluation_id = ?"
        )
        args: list = [evaluation_id]
        if indicator_id is not None:
            sql += " AND indicator_id = ?"
            args.append(indicator_id)
        return [Attachment(**row) for row in self.query(sql + " ORDER BY id", args)]

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
                        "sha256": sha256(content).hexdigest()
                        if content is not None
                        else None,
                        "content": content,
                        "added_at": at,
                        "added_by": self.user,
                    }
                )
                .last_pk
            )
            added = Change(ACTION_ATTACH, indicator_id, "add", None, name)
            self._record(evaluation_id, added, source=None, at=at)
        return next(a for a in self.attachments(evaluation_id, indicator_id) if a.id == row_id)

    @reading
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
            removed = Change(ACTION_ATTACH, found[0].indicator_id, "remove", found[0].name, None)
            self._record(evaluation_id, removed, source=None, at=at)

    # --- official results (国による評価結果) ---------------------------------------------------
    @reading
    def official_results(self, evaluation_id: int) -> dict[str, float]:
        return {
            row["node_id"]: row["points"]
            for row in self.query(
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
                self._put_row(
                    "official_results",
                    {"evaluation_id": evaluation_id, "node_id": node_id},
                    None if points is None else {"points": float(points)},
                    at=at,
                    stamp=("entered_at", "entered_by"),
                )
                change = Change(ACTION_OFFICIAL, node_id, "points", text_of(old), text_of(points))
                changes.append(self._record(evaluation_id, change, source=None, at=at))
        return changes
