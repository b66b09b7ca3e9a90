"""One evaluation at work: its file, its pinned catalog and its answers, scored.

The command line, the main window, the workbooks and the report all go through a
:class:`Session`, so that validation (what an answer may be), the automatic status
(未着手 → 入力中) and the catalog pinning behave the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from desktop.catalog import registry
from desktop.catalog.errors import CatalogError
from desktop.catalog.loader import content_hash, load_catalog_text
from desktop.catalog.model import Catalog
from desktop.catalog.wording import PACK, TextLayers
from desktop.scoring import ScoreTree, score
from desktop.scoring.answers import expand_all_of, normalize
from desktop.store import errors
from desktop.store.evaluation_file import EvaluationFile, now_iso
from desktop.store.records import (
    NOTE_FIELD_LABELS,
    STATUS_IN_PROGRESS,
    STATUS_NOT_STARTED,
    AuditEntry,
    Change,
    ChangeSet,
    EvaluationRecord,
    Municipality,
)
from desktop.text_limits import too_long_message


@lru_cache(maxsize=16)
def _parse_snapshot(text: str, name: str) -> Catalog:
    return load_catalog_text(text, name)


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


@dataclass
class CatalogUpgrade:
    """What moving an evaluation to a newer catalog revision would change."""

    current: Catalog
    newer: Catalog
    added: list[str]
    removed: list[str]
    points_changed: list[tuple[str, int, int]]
    answers_dropped: list[str]

    def summary(self) -> str:
        parts = [f"{self.newer.year_label} {self.newer.level_label}の評価指標を更新"]
        if self.added:
            parts.append(f"追加 {len(self.added)} 件")
        if self.removed:
            parts.append(f"削除 {len(self.removed)} 件")
        if self.points_changed:
            parts.append(f"配点変更 {len(self.points_changed)} 件")
        if self.answers_dropped:
            parts.append(f"消える回答 {len(self.answers_dropped)} 件")
        if len(parts) == 1:
            parts.append("小項目と配点の変更なし（文言・注記のみ）")
        return "、".join(parts)


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
        for item_id, stored in self.store.item_texts(self.evaluation_id).items():
            copies[item_id] = (stored.text, stored.source)
        return TextLayers(copies=copies, own=self.store.wordings(self.evaluation_id))

    def set_item_texts(
        self, texts: dict[str, str | None], *, kind: str, origin: str = "", source: str | None = None
    ) -> list[Change]:
        """Store official texts for this evaluation as one action (pasted, or from a pack)."""
        for item_id in texts:
            if not (self.catalog.has_item(item_id) or self.catalog.has_part(item_id)):
                raise KeyError(item_id)
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

        Import previews show this before anything is written.
        """
        answers: dict[str, str | None] = dict(self.answers())
        answers.update(self.validate_answers(raw))
        return score(self.catalog, {k: v for k, v in answers.items() if v is not None})

    # --- answering -------------------------------------------------------------
    def validate_answers(self, raw: dict[str, str | None]) -> dict[str, str | None]:
        """Normalized values per stored id (all-of items expanded to their parts).

        Raises KeyError (unknown id) or AnswerError (value not allowed).
        """
        values: dict[str, str | None] = {}
        for target_id, raw_value in raw.items():
            if not (self.catalog.has_item(target_id) or self.catalog.has_part(target_id)):
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
        notes = self.store.indicator_notes(self.evaluation_id)
        for indicator_id in self._indicators_touched(values):
            note = notes.get(indicator_id)
            if note is None or note.status == STATUS_NOT_STARTED:
                change_set.notes[indicator_id] = {"status": STATUS_IN_PROGRESS}
        changes = self.store.apply(self.evaluation_id, change_set, source=source)
        return changes

    def _indicators_touched(self, values: dict[str, str | None]) -> list[str]:
        touched = []
        for target_id, value in values.items():
            if value is None:
                continue
            if self.catalog.has_part(target_id):
                item, _part = self.catalog.part(target_id)
                indicator = self.catalog.indicator_of(item.id)
            else:
                indicator = self.catalog.indicator_of(target_id)
            if indicator.id not in touched:
                touched.append(indicator.id)
        return touched

    def note(self, indicator_id: str, *, source: str | None = None, **fields: str) -> list[Change]:
        if not self.catalog.has_indicator(indicator_id):
            raise KeyError(indicator_id)
        for name, value in fields.items():
            refuse_long_text(self.store.path, NOTE_FIELD_LABELS.get(name, name), value)
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
        return self.store.apply(
            self.evaluation_id, ChangeSet(notes=fields_by_indicator), source=source
        )

    def history(self) -> list[AuditEntry]:
        """This evaluation's change history (and the file's own entries), newest first."""
        return self.store.history(self.evaluation_id, newest_first=True)

    # --- catalog revisions -----------------------------------------------------------
    def available_upgrade(self) -> Catalog | None:
        """A shipped catalog with the same id and a newer revision, if there is one."""
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
        old_items = {i.id: i for i in self.catalog.all_items()}
        new_items = {i.id: i for i in newer.all_items()}
        old_targets = set(old_items) | {p.id for i in old_items.values() for p in i.parts}
        new_targets = set(new_items) | {p.id for i in new_items.values() for p in i.parts}
        answers = self.answers()
        return CatalogUpgrade(
            current=self.catalog,
            newer=newer,
            added=sorted(set(new_items) - set(old_items)),
            removed=sorted(set(old_items) - set(new_items)),
            points_changed=_points_changed(self.catalog, newer),
            answers_dropped=sorted(
                target
                for target in answers
                if (target in old_targets and target not in new_targets)
                or not _still_valid(newer, target, answers[target])
            ),
        )

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


def _points_signature(item) -> tuple:
    """What an item is worth: its points, and each option's points in order (labels aside)."""
    return (item.points, tuple(o.points for o in item.options))


def _points_changed(current: Catalog, newer: Catalog) -> list[tuple[str, int, int]]:
    """Items and indicators whose points differ, as (id, old max, new max)."""
    old_items = {i.id: i for i in current.all_items()}
    new_items = {i.id: i for i in newer.all_items()}
    changed = [
        (item_id, old_items[item_id].points, new_items[item_id].points)
        for item_id in set(old_items) & set(new_items)
        if _points_signature(old_items[item_id]) != _points_signature(new_items[item_id])
    ]
    old_indicators = {i.id: i for i in current.all_indicators()}
    new_indicators = {i.id: i for i in newer.all_indicators()}
    changed += [
        (
            indicator_id,
            old_indicators[indicator_id].max_points,
            new_indicators[indicator_id].max_points,
        )
        for indicator_id in set(old_indicators) & set(new_indicators)
        if old_indicators[indicator_id].max_points != new_indicators[indicator_id].max_points
    ]
    return sorted(changed)


def _still_valid(catalog: Catalog, target: str, value: str) -> bool:
    if not (catalog.has_item(target) or catalog.has_part(target)):
        return False
    try:
        return normalize(catalog, target, value) == value
    except ValueError:
        return False


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
