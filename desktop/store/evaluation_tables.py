"""The evaluation file's municipality, its evaluations (one per fiscal year) and the
exact catalog text each is pinned to. Mixed into
:class:`~desktop.store.evaluation_file.EvaluationFile`; every write is one transaction
with its audit rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop.formats import now_iso, year_label
from desktop.hashing import content_hash
from desktop.records import (
    ACTION_ANSWER,
    ACTION_CREATE,
    ACTION_MUNICIPALITY,
    ACTION_UPGRADE,
    Change,
    EvaluationRecord,
    Municipality,
)
from desktop.store import errors
from desktop.store.audited import reading


def text_of(value) -> str | None:
    """A stored number or text as the audit log writes it (2.0 → "2")."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _answer_key(evaluation_id: int, item_id: str) -> dict:
    return {"evaluation_id": evaluation_id, "item_id": item_id}


class EvaluationTables:
    """Needs the open file's ``db``, ``query``, ``transaction``, ``backup`` and the audited writes."""

    # --- municipality ----------------------------------------------------------------
    @reading
    def municipality(self) -> Municipality | None:
        rows = list(self.query("SELECT * FROM municipality WHERE id = 1"))
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
                        ACTION_MUNICIPALITY, "municipality", name, text_of(before), text_of(after)
                    )
                    changes.append(self._record(None, change, source=None, at=at))
        return changes

    # --- evaluations and their catalogs ------------------------------------------------
    @reading
    def evaluations(self) -> list[EvaluationRecord]:
        return [
            EvaluationRecord(**row)
            for row in self.query("SELECT * FROM evaluations ORDER BY fiscal_year DESC")
        ]

    @reading
    def evaluation(self, evaluation_id: int) -> EvaluationRecord:
        rows = list(self.query("SELECT * FROM evaluations WHERE id = ?", [evaluation_id]))
        if not rows:
            raise errors.NoEvaluation(self.path)
        return EvaluationRecord(**rows[0])

    @reading
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
            self.path, year_label(fiscal_year), [r.year_label for r in records]
        )

    @reading
    def catalog_text(self, catalog_hash: str) -> str:
        rows = list(
            self.query("SELECT text FROM catalog_snapshots WHERE hash = ?", [catalog_hash])
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
                self.path, f"{year_label(fiscal_year)}の評価はこのファイルにすでにあります。"
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
            created = Change(ACTION_CREATE, catalog_id, "revision", None, str(revision))
            self._record(evaluation_id, created, source=None, at=at)
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
                    self._put_row("answers", _answer_key(evaluation_id, item_id), None, at=at)
                    dropped = Change(ACTION_ANSWER, item_id, "answer", old, None)
                    self._record(evaluation_id, dropped, source="評価指標の更新", at=at)
            upgraded = Change(
                ACTION_UPGRADE,
                catalog_id,
                "revision",
                f"{record.catalog_id} 第{record.catalog_revision}版",
                f"{catalog_id} 第{revision}版",
            )
            self._record(evaluation_id, upgraded, source=summary or None, at=at)
