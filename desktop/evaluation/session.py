"""One evaluation at work: its file, its pinned catalog and its answers, scored.

The command line, the main window, the workbooks and the report all go through a
:class:`Session`, so that validation (what an answer may be), the automatic status
(未着手 → 入力中) and the catalog pinning behave the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from desktop.catalog import parsed_cache
from desktop.catalog.errors import CatalogError
from desktop.catalog.model import Catalog
from desktop.catalog.wording import PACK, TextLayers
from desktop.evaluation.upgrade import CatalogUpgrade, plan_upgrade
from desktop.formats import now_iso
from desktop.hashing import content_hash
from desktop.records import (
    EFFORTS,
    NOTE_FIELD_LABELS,
    STATUS_IN_PROGRESS,
    STATUS_NOT_STARTED,
    Attachment,
    AuditEntry,
    Change,
    ChangeSet,
    EvaluationRecord,
    IndicatorNote,
    ItemText,
    Municipality,
    PeerChoice,
)
from desktop.scoring import ScoreTree, score
from desktop.scoring.answers import expand_all_of, normalize
from desktop.store import errors
from desktop.store.evaluation_file import EvaluationFile
from desktop.text_limits import too_long_message


def mark_in_progress(
    catalog: Catalog,
    values: Mapping[str, str | None],
    notes: Mapping[str, IndicatorNote],
    note_changes: dict[str, dict[str, str]],
) -> None:
    """The 入力中 rule, written once: an indicator that gets an answer while it is 未着手
    (or has no record yet) becomes 入力中. Answering, importing and carrying forward all
    use it; ``note_changes`` (indicator → field → value) gains the status field.
    """
    for target_id, value in values.items():
        if value is None:
            continue
        indicator_id = catalog.indicator_of_target(target_id).id
        note = notes.get(indicator_id)
        if note is None or note.status == STATUS_NOT_STARTED:
            note_changes.setdefault(indicator_id, {})["status"] = STATUS_IN_PROGRESS


MAX_PEER_CHOICES = 200  # 自分で選ぶ比較する市町村: a hand-picked list, not a whole region


class Plan(Protocol):
    """A change worked out ahead of writing it, for :meth:`Session.apply`."""

    audit_source: str | None  # what the change history records as the change's origin
    carried: bool  # answers marked as carried from last year (to be confirmed)

    def check(self, session: Session) -> None:
        """Raise if the evaluation changed since the plan was made (nothing is written)."""

    def change_set(self, session: Session) -> ChangeSet:
        """Everything to write, the 入力中 status included."""


@lru_cache(maxsize=16)
def _parse_snapshot(text: str, name: str) -> Catalog:
    return parsed_cache.load_catalog_text(text, name)


def pinned_catalog(store: EvaluationFile, record: EvaluationRecord) -> Catalog:
    """The exact catalog an evaluation was started with, from the file's own copy."""
    text = store.catalog_text(record.catalog_hash)
    try:
        return _parse_snapshot(text, f"{record.catalog_id}（評価ファイル内の控え）")
    except CatalogError as exc:
        raise errors.DamagedFile(
            store.path, f"評価指標の控えを読めません: {exc.details()}"
        ) from None


def catalog_source_text(catalog: Catalog) -> str:
    text = Path(catalog.path).read_text(encoding="utf-8-sig")
    return text


class Session:
    def __init__(self, store: EvaluationFile, record: EvaluationRecord, catalog: Catalog):
        self.store = store
        self.record = record
        self.catalog = catalog

    @classmethod
    def open(cls, store: EvaluationFile, fiscal_year: int | None = None) -> Session:
        record = store.evaluation_for_year(fiscal_year)
        return cls(store, record, pinned_catalog(store, record))

    @property
    def evaluation_id(self) -> int:
        return self.record.id

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    def municipality(self) -> Municipality | None:
        return self.store.municipality()

    # --- scoring ---------------------------------------------------------------
    def answers(self) -> dict[str, str]:
        return self.store.answers(self.evaluation_id)

    def score(self) -> ScoreTree:
        return score(self.catalog, self.answers(), self.waived_prerequisites())

    # --- sub-item texts (desktop/catalog/wording.py has the precedence) -------------------
    def text_layers(self) -> TextLayers:
        """Official copies (shared packs, then this evaluation's own) and own summaries."""
        from desktop.wording.packs import shared_pack_texts

        copies: dict[str, tuple[str, str]] = {
            item_id: (text, PACK) for item_id, text in shared_pack_texts(self.catalog).items()
        }
        for item_id, stored in self.item_texts().items():
            copies[item_id] = (stored.text, stored.source)
        return TextLayers(copies=copies, own=self.store.wordings(self.evaluation_id))

    # --- effort marks on the 伸びしろ list -----------------------------------------------------
    def gap_efforts(self) -> dict[str, str]:
        """Item id → the mark the user set (容易・要調整・不可); unmarked items are absent."""
        return self.store.gap_efforts(self.evaluation_id)

    def set_gap_effort(
        self, item_id: str, effort: str | None, *, source: str | None = None
    ) -> list[Change]:
        """Mark how hard meeting a sub-item would be (None clears it), as one audited action."""
        item = self.catalog.item(item_id)
        if effort is not None and effort not in EFFORTS:
            raise errors.InvalidInput(
                self.store.path,
                f"小項目 {item.label} の見込み「{effort}」は使えません"
                f"（{'・'.join(EFFORTS)} のいずれか）。",
            )
        return self.store.set_gap_effort(
            self.evaluation_id, item_id, effort, source=source, at=now_iso()
        )

    # --- the municipalities chosen to compare with (比較する市町村を自分で選ぶ) ---------------------
    def peer_choices(self) -> list[PeerChoice]:
        """The municipalities the user picked to compare with, in 通し番号 order."""
        return self.store.peer_choices(self.evaluation_id)

    def set_peer_choices(
        self, choices: list[PeerChoice], *, source: str | None = None
    ) -> list[Change]:
        """Replace the picked list (empty clears it) as one audited action."""
        choices = sorted(set(choices), key=lambda c: c.serial)  # each once, 通し番号 order
        if len({c.serial for c in choices}) != len(choices):
            raise errors.InvalidInput(self.store.path, "同じ通し番号の市町村が二つあります。")
        if len(choices) > MAX_PEER_CHOICES:
            raise errors.InvalidInput(
                self.store.path,
                f"比較する市町村は{MAX_PEER_CHOICES}まで選べます（{len(choices)}選ばれています）。",
            )
        for choice in choices:
            refuse_long_text(self.store.path, "市町村名", choice.display_name)
        return self.store.set_peer_choices(
            self.evaluation_id, choices, source=source, at=now_iso()
        )

    def item_texts(self) -> dict[str, ItemText]:
        """The official sub-item texts this evaluation holds (pasted, or from a pack)."""
        return self.store.item_texts(self.evaluation_id)

    def set_item_texts(
        self, texts: dict[str, str | None], *, kind: str, origin: str = "", source: str | None = None
    ) -> list[Change]:
        """Store official texts for this evaluation as one action (pasted, or from a pack)."""
        for item_id, text in texts.items():
            if not (self.catalog.has_item(item_id) or self.catalog.has_part(item_id)):
                raise KeyError(item_id)
            refuse_long_text(self.path, "公式文言", text)
        return self.store.set_item_texts(
            self.evaluation_id, texts, kind=kind, origin=origin, source=source, at=now_iso()
        )

    # --- inferred prerequisites ------------------------------------------------------------
    def waived_prerequisites(self) -> set[str]:
        return self.store.waived_prerequisites(self.evaluation_id)

    def set_prerequisite_waived(
        self, item_id: str, waived: bool, *, source: str | None = None
    ) -> list[Change]:
        """「この前提条件を適用しない」: only for a prerequisite we inferred, never an official one."""
        item = self.catalog.item(item_id)
        if waived and not (item.requires and item.requires_inferred):
            raise errors.InvalidInput(
                self.store.path,
                f"小項目 {item.label} の前提条件は推定ではないため、外せません。",
            )
        return self.store.set_prerequisite_waived(
            self.evaluation_id, item_id, waived, source=source, at=now_iso()
        )

    def score_with(self, raw: dict[str, str | None]) -> ScoreTree:
        """What the totals would be with these answers too (None clears); nothing is saved.

        Import previews show this before anything is written, and the window paints it
        while an answer is being saved.
        """
        answers: dict[str, str | None] = dict(self.answers())
        answers.update(self.validate_answers(raw))
        present = {k: v for k, v in answers.items() if v is not None}
        return score(self.catalog, present, self.waived_prerequisites())

    # --- answering -------------------------------------------------------------
    def validate_answers(self, raw: dict[str, str | None]) -> dict[str, str | None]:
        """Normalized values per stored id (all-of items expanded to their parts).

        Raises KeyError (unknown id) or AnswerError (value not allowed).
        """
        values: dict[str, str | None] = {}
        for target_id, raw_value in raw.items():
            if not self.catalog.has_target(target_id):
                raise KeyError(target_id)
            value = normalize(self.catalog, target_id, raw_value)
            values.update(expand_all_of(self.catalog, target_id, value))
        return values

    def answer(
        self, target_id: str, raw_value: str | None, *, source: str | None = None
    ) -> list[Change]:
        return self.set_answers({target_id: raw_value}, source=source)

    def set_answers(self, raw: dict[str, str | None], *, source: str | None = None) -> list[Change]:
        """Validate and record answers as one action; an indicator being answered becomes 入力中."""
        values = self.validate_answers(raw)
        change_set = ChangeSet(answers=values)
        self.mark_in_progress(change_set)
        changes = self.store.apply(self.evaluation_id, change_set, source=source)
        return changes

    def mark_in_progress(self, change_set: ChangeSet) -> None:
        """Add the 入力中 status for the indicators the change set's answers start."""
        notes = self.store.indicator_notes(self.evaluation_id)
        mark_in_progress(self.catalog, change_set.answers, notes, change_set.notes)

    # --- plans made earlier, written now --------------------------------------------------
    def apply(self, plan: Plan) -> list[Change]:
        """Write a plan that was made (and shown to the user) earlier, as one action.

        Inside the one transaction the plan first checks that what it was made from is
        unchanged, then says what to write. A workbook import and carrying a year
        forward are plans; a new kind of bulk change is a new plan, not a new write path.
        """
        with self.store.transaction():
            plan.check(self)
            change_set = plan.change_set(self)
            return self.store.apply(
                self.evaluation_id, change_set, source=plan.audit_source, carried=plan.carried
            )

    def apply_change_set(self, change_set: ChangeSet, *, source: str | None = None) -> list[Change]:
        """Write values exactly as given, as one action (undo and redo put back what was)."""
        return self.store.apply(self.evaluation_id, change_set, source=source)

    def note(self, indicator_id: str, *, source: str | None = None, **fields: str) -> list[Change]:
        if not self.catalog.has_indicator(indicator_id):
            raise KeyError(indicator_id)
        self._refuse_long_note_fields(fields)
        return self.store.update_indicator_note(
            self.evaluation_id, indicator_id, source=source, **fields
        )

    def set_notes(
        self, fields_by_indicator: dict[str, dict[str, str]], *, source: str | None = None
    ) -> list[Change]:
        """The same record fields for several indicators as one action (e.g. 担当課 for a goal)."""
        unknown = [i for i in fields_by_indicator if not self.catalog.has_indicator(i)]
        if unknown:
            raise KeyError(unknown[0])
        for fields in fields_by_indicator.values():
            self._refuse_long_note_fields(fields)
        return self.store.apply(
            self.evaluation_id, ChangeSet(notes=fields_by_indicator), source=source
        )

    def _refuse_long_note_fields(self, fields: dict[str, str]) -> None:
        for name, value in fields.items():
            refuse_long_text(self.store.path, NOTE_FIELD_LABELS.get(name, name), value)

    # --- the records of this evaluation --------------------------------------------------
    # The window, the workbooks and the report read and write through these, never
    # through the store: the session is the one door (docs/architecture.md).
    @property
    def path(self) -> Path:
        """The evaluation file (for messages, and so outputs never overwrite it)."""
        return self.store.path

    @property
    def last_backup(self) -> Path | None:
        return self.store.last_backup

    def backup(self, reason: str = "manual") -> Path:
        return self.store.backup(reason)

    def close(self) -> None:
        self.store.close()

    def notes(self) -> dict[str, IndicatorNote]:
        return self.store.indicator_notes(self.evaluation_id)

    def carried_items(self) -> set[str]:
        return self.store.carried_items(self.evaluation_id)

    def wordings(self) -> dict[str, str]:
        return self.store.wordings(self.evaluation_id)

    def set_wording(
        self, item_id: str, wording: str | None, *, source: str | None = None
    ) -> list[Change]:
        refuse_long_text(self.path, "小項目の文言", wording)
        return self.store.set_wording(self.evaluation_id, item_id, wording, source=source)

    def planned_responses(self) -> dict[str, str]:
        return self.store.planned_responses(self.evaluation_id)

    def set_planned_response(
        self, group_id: str, text: str, *, source: str | None = None
    ) -> list[Change]:
        refuse_long_text(self.path, "今後の対応", text)
        return self.store.set_planned_response(self.evaluation_id, group_id, text, source=source)

    def official_results(self) -> dict[str, float]:
        return self.store.official_results(self.evaluation_id)

    def set_official_results(self, values: dict[str, float | None]) -> list[Change]:
        return self.store.set_official_results(self.evaluation_id, values)

    def attachments(self, indicator_id: str | None = None) -> list[Attachment]:
        return self.store.attachments(self.evaluation_id, indicator_id)

    def add_attachment(
        self, indicator_id: str, *, name: str, location: str = "", file_path: Path | None = None
    ) -> Attachment:
        return self.store.add_attachment(
            self.evaluation_id, indicator_id, name=name, location=location, file_path=file_path
        )

    def remove_attachment(self, attachment_id: int) -> None:
        self.store.remove_attachment(self.evaluation_id, attachment_id)

    def attachment_content(self, attachment_id: int) -> bytes | None:
        return self.store.attachment_content(attachment_id)

    def evaluations(self) -> list[EvaluationRecord]:
        return self.store.evaluations()

    def of_year(self, record: EvaluationRecord) -> Session:
        """Another evaluation in the same file (last year's, to compare), with its own catalog."""
        return Session(self.store, record, pinned_catalog(self.store, record))

    @property
    def user(self) -> str:
        """The name the change history records for this session's changes."""
        return self.store.user

    def audit_log(self) -> list[AuditEntry]:
        """This evaluation's change history (and the file's own entries), oldest first."""
        return self.store.history(self.evaluation_id)

    def newest_audit_id(self) -> int:
        """The id of the file's newest change-history entry (0 for none): a high-water mark."""
        newest = self.store.history(limit=1, newest_first=True)
        return newest[0].id if newest else 0

    def history(self) -> list[AuditEntry]:
        """This evaluation's change history (and the file's own entries), newest first."""
        return self.store.history(self.evaluation_id, newest_first=True)

    # --- catalog revisions -----------------------------------------------------------
    def available_upgrade(self) -> Catalog | None:
        """A shipped catalog with the same id and a newer revision, if there is one."""
        from desktop.catalog import registry  # reads the shipped catalogs: not at opening

        try:
            shipped = registry.find(self.catalog.id)
        except (registry.UnknownCatalog, CatalogError):
            return None
        if (
            shipped.revision > self.catalog.revision
            and shipped.content_hash != self.catalog.content_hash
        ):
            return shipped
        return None

    def plan_upgrade(self, newer: Catalog) -> CatalogUpgrade:
        return plan_upgrade(self.catalog, newer, self.answers())

    def upgrade(self, newer: Catalog) -> CatalogUpgrade:
        # Pin exactly the text that was validated: a file changed since it was loaded
        # (an update, another session) is refused before anything is written.
        text = catalog_source_text(newer)
        if content_hash(text) != newer.content_hash:
            raise errors.InvalidInput(
                self.store.path,
                f"評価指標ファイル {newer.path} が読み込み後に変更されています。アプリを再起動してから更新してください。",
            )
        plan = self.plan_upgrade(newer)
        self.store.repin_catalog(
            self.evaluation_id,
            catalog_id=newer.id,
            revision=newer.revision,
            catalog_text=text,
            catalog_hash=newer.content_hash,
            drop_answers=plan.answers_dropped,
            summary=plan.summary(),
        )
        self.record = self.store.evaluation(self.evaluation_id)
        self.catalog = pinned_catalog(self.store, self.record)
        return plan


def refuse_long_text(path: Path, label: str, text: str | None) -> None:
    """Raise InvalidInput (shown like any other input error) for a text over the limit."""
    message = too_long_message(label, text)
    if message is not None:
        raise errors.InvalidInput(path, message)


def create_evaluation(
    store: EvaluationFile,
    catalog: Catalog,
    *,
    municipality: Municipality | None = None,
    carried_from: int | None = None,
) -> Session:
    """Start the evaluation of ``catalog``'s fiscal year in ``store`` (one action per step)."""
    text = catalog_source_text(catalog)
    if content_hash(text) != catalog.content_hash:
        raise errors.InvalidInput(
            store.path,
            f"評価指標ファイル {catalog.path} が読み込み後に変更されています。アプリを再起動してください。",
        )
    if municipality is not None:
        for label, name in (("市町村名", municipality.name), ("都道府県名", municipality.prefecture)):
            refuse_long_text(store.path, label, name)
    with store.transaction():  # one action: the municipality and the new evaluation land together
        if municipality is not None:
            store.set_municipality(municipality)
        record = store.create_evaluation(
            catalog_id=catalog.id,
            revision=catalog.revision,
            fiscal_year=catalog.fiscal_year,
            catalog_text=text,
            catalog_hash=catalog.content_hash,
            carried_from=carried_from,
        )
    return Session(store, record, pinned_catalog(store, record))
