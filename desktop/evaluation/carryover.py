"""前年度から引き継ぐ: start a fiscal year's evaluation from the previous one.

The catalog crosswalk (``desktop.catalog.registry.crosswalk``) says where each id of
last year went. Only what a one-to-one ``same`` mapping allows is carried, and only
values the new catalog still accepts:

* answers, written with ``carried=True`` so they show 「前年度から引継ぎ・要確認」
  until someone confirms them;
* indicator notes (memo, evidence, section, assignee) and attached evidence of
  indicators that map, and the municipality's own sub-item wordings.

Not carried, on purpose: the state-scored estimates (they were guesses about last
year's national ranking, not this year's), last year's 今後の対応 (this year's report
needs this year's plans) and the indicators' 状況 (new work starts 入力中 where
answers were carried). Split, merged and removed ids are listed for a person to
answer again.

Everything is written as ONE action: the new evaluation appears with all that is
carried, or not at all. Nothing of last year is written.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from desktop.attachment_files import safe_file_name
from desktop.catalog import registry
from desktop.catalog.crosswalk import (
    MERGED,
    NEW,
    REMOVED,
    SPLIT,
    STATUS_LABELS,
    Crosswalk,
)
from desktop.catalog.model import Catalog
from desktop.evaluation.session import Session, create_evaluation, mark_in_progress, pinned_catalog
from desktop.evaluation.upgrade import still_valid
from desktop.formats import year_label
from desktop.records import (
    NOTE_FIELDS,
    SOURCE_CARRY,
    Attachment,
    ChangeSet,
    EvaluationRecord,
    PeerChoice,
)
from desktop.report.wording import target_reference
from desktop.store.evaluation_file import EvaluationFile

CARRIED_NOTE_FIELDS = tuple(name for name in NOTE_FIELDS if name != "status")
CARRIED_MARK = "前年度から引継ぎ・要確認"


class CarryError(Exception):
    """Carrying cannot start; the message says why in Japanese."""


@dataclass(frozen=True)
class CarriedAnswer:
    source_id: str
    target_id: str
    value: str
    name: str  # id-free name in the new catalog


@dataclass(frozen=True)
class NotCarried:
    source_id: str
    value: str
    name: str
    reason: str


@dataclass(frozen=True)
class CarryChange:
    """A crosswalk entry a person has to look at (new, split, merged, removed)."""

    status: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    names: str  # 「支援 目標Ⅰ 体制・取組指標群 2-イ・2-ウ → 2-イ・2-ウ・2-カ」
    note: str | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class CarryPlan:
    source: EvaluationRecord
    source_catalog: Catalog
    target_catalog: Catalog
    crosswalk: Crosswalk
    answers: list[CarriedAnswer] = field(default_factory=list)
    not_carried: list[NotCarried] = field(default_factory=list)
    notes: dict[str, dict[str, str]] = field(default_factory=dict)
    wordings: dict[str, str] = field(default_factory=dict)
    attachments: list[tuple[Attachment, str]] = field(default_factory=list)
    peers: list[PeerChoice] = field(default_factory=list)  # 比較する市町村（自分で選んだもの）
    new: list[CarryChange] = field(default_factory=list)
    split: list[CarryChange] = field(default_factory=list)
    merged: list[CarryChange] = field(default_factory=list)
    removed: list[CarryChange] = field(default_factory=list)
    changed: list[CarryChange] = field(default_factory=list)  # carried, but with a note (配点変更 …)

    # --- as a plan for Session.apply (into the new year's evaluation) -----------------
    audit_source = SOURCE_CARRY
    carried = True

    def check(self, session: Session) -> None:
        """The new year is created in the same transaction: nothing can have changed."""

    def change_set(self, session: Session) -> ChangeSet:
        return ChangeSet(
            answers={a.target_id: a.value for a in self.answers},
            notes=self.notes,
            wordings=dict(self.wordings),
        )

    @property
    def from_label(self) -> str:
        return self.source_catalog.year_label

    @property
    def to_label(self) -> str:
        return self.target_catalog.year_label

    @property
    def note_count(self) -> int:
        """Indicators whose memo, evidence, section or assignee are carried."""
        return sum(1 for fields in self.notes.values() if set(fields) - {"status"})

    def summary_lines(self) -> list[str]:
        """The summary shown after carrying (and by ``carry --dry-run``)."""
        lines = [
            f"{self.from_label} → {self.to_label}（{self.target_catalog.level_label}）",
            f"引き継ぐ回答: {len(self.answers)}件（「{CARRIED_MARK}」として表示）",
            f"引き継ぐ指標の記録（備考・根拠資料・担当）: {self.note_count}指標",
            f"引き継ぐ添付資料: {len(self.attachments)}件、小項目の文言: {len(self.wordings)}件",
        ]
        if self.peers:
            lines.append(f"引き継ぐ比較する市町村（自分で選んだもの）: {len(self.peers)}市町村")
        for title, changes in (
            ("新設（回答が必要）", self.new),
            ("分割・再編（回答し直しが必要）", self.split),
            ("統合（回答し直しが必要）", self.merged),
            ("廃止", self.removed),
            ("引き継いだが変更あり（要確認）", self.changed),
        ):
            lines.append(f"{title}: {len(changes)}件")
            for change in changes:
                note = f"（{change.note}）" if change.note else ""
                lines.append(f"　・{change.names}{note}")
        if self.not_carried:
            lines.append(f"引き継がない回答: {len(self.not_carried)}件")
            for item in self.not_carried:
                lines.append(f"　・{item.name}「{item.value}」: {item.reason}")
        return lines

    def to_dict(self) -> dict:
        def changes(items: list[CarryChange]) -> list[dict]:
            return [
                {
                    "status": c.status,
                    "from": list(c.sources),
                    "to": list(c.targets),
                    "name": c.names,
                    "note": c.note,
                }
                for c in items
            ]

        return {
            "from": self.source_catalog.id,
            "to": self.target_catalog.id,
            "carried_answers": [
                {"from": a.source_id, "to": a.target_id, "value": a.value} for a in self.answers
            ],
            "not_carried": [
                {"id": n.source_id, "value": n.value, "reason": n.reason} for n in self.not_carried
            ],
            "notes": sorted(self.notes),
            "wordings": sorted(self.wordings),
            "attachments": [a.name for a, _target in self.attachments],
            "peers": [p.display_name for p in self.peers],
            "new": changes(self.new),
            "split": changes(self.split),
            "merged": changes(self.merged),
            "removed": changes(self.removed),
            "changed": changes(self.changed),
        }


# --- planning ------------------------------------------------------------------------
def plan_carry(
    store: EvaluationFile,
    from_year: int | None = None,
    to_year: int | None = None,
    *,
    target_catalog: Catalog | None = None,
    crosswalk: Crosswalk | None = None,
) -> CarryPlan:
    """What carrying would do; reads only. ``from_year`` defaults to the newest evaluation."""
    records = store.evaluations()
    if not records:
        raise CarryError("評価ファイルに引き継ぎ元の評価がありません。")
    source = _find_source(records, from_year)
    source_catalog = pinned_catalog(store, source)
    if to_year is not None and to_year != source.fiscal_year + 1:
        raise CarryError(_not_next_year(source, to_year))
    if target_catalog is None:
        wanted = to_year if to_year is not None else source.fiscal_year + 1
        try:
            target_catalog = registry.for_year(wanted, source_catalog.level)
        except registry.UnknownCatalog:
            raise CarryError(
                f"引き継ぎ先の{year_label(wanted)}（{source.year_label}の翌年度）の評価指標は"
                "同梱されていません。"
            ) from None
    if target_catalog.fiscal_year != source.fiscal_year + 1:
        raise CarryError(_not_next_year(source, target_catalog.fiscal_year))
    if any(r.fiscal_year == target_catalog.fiscal_year for r in records):
        raise CarryError(
            f"{target_catalog.year_label}の評価はこのファイルにすでにあります。引き継ぎは新しい年度を作るときだけ使えます。"
        )
    if crosswalk is None:
        crosswalk = registry.crosswalk(source_catalog, target_catalog)
    if crosswalk is None:
        raise CarryError(
            f"{source_catalog.year_label}から{target_catalog.year_label}への対応表が同梱されていません。"
        )
    plan = CarryPlan(source, source_catalog, target_catalog, crosswalk)
    _plan_answers(store, plan)
    _plan_notes(store, plan)
    plan.peers = store.peer_choices(source.id)
    _list_changes(plan)
    return plan


def _not_next_year(source: EvaluationRecord, to_year: int) -> str:
    return (
        f"引き継げるのは翌年度だけです（{source.year_label} → {year_label(to_year)}は、"
        "1年ずつ順に引き継いでください）。"
    )


def _find_source(records: list[EvaluationRecord], from_year: int | None) -> EvaluationRecord:
    if from_year is None:
        return records[0]  # newest first
    for record in records:
        if record.fiscal_year == from_year:
            return record
    known = "、".join(r.year_label for r in records)
    raise CarryError(
        f"{year_label(from_year)}の評価はこのファイルにありません（あるのは {known}）。"
    )


def _plan_answers(store: EvaluationFile, plan: CarryPlan) -> None:
    source, target = plan.source_catalog, plan.target_catalog
    for source_id, value in sorted(store.answers(plan.source.id).items()):
        name = target_reference(source, source_id)
        mapping = plan.crosswalk.for_source(source_id)
        if mapping is None or not mapping.carries_answer:
            status = mapping.status if mapping else REMOVED
            plan.not_carried.append(
                NotCarried(source_id, value, name, _not_carried_reason(status, target))
            )
            continue
        target_id = mapping.targets[0]
        if _state_scored(target, target_id):
            plan.not_carried.append(
                NotCarried(
                    source_id,
                    value,
                    name,
                    "国が算定する項目の見込みのため引き継ぎません（今年度の見込みを入力してください）",
                )
            )
            continue
        if not still_valid(target, target_id, value):
            plan.not_carried.append(
                NotCarried(
                    source_id,
                    value,
                    name,
                    f"{target.year_label}の選択肢にない回答のため引き継ぎません",
                )
            )
            continue
        plan.answers.append(
            CarriedAnswer(source_id, target_id, value, target_reference(target, target_id))
        )


def _not_carried_reason(status: str, target: Catalog) -> str:
    label = STATUS_LABELS.get(status, status)
    if status == REMOVED:
        return f"{target.year_label}で廃止されたため引き継ぎません"
    return f"{target.year_label}で{label}されたため引き継ぎません（回答し直してください）"


def _state_scored(catalog: Catalog, target_id: str) -> bool:
    return catalog.has_target(target_id) and catalog.item_of_target(target_id).state_scored


def _target_indicator(plan: CarryPlan, source_indicator_id: str) -> str | None:
    mapping = plan.crosswalk.for_source(source_indicator_id)
    if mapping is None or not mapping.carries_answer:
        return None
    target_id = mapping.targets[0]
    return target_id if plan.target_catalog.has_indicator(target_id) else None


def _plan_notes(store: EvaluationFile, plan: CarryPlan) -> None:
    for indicator_id, note in store.indicator_notes(plan.source.id).items():
        target_id = _target_indicator(plan, indicator_id)
        if target_id is None:
            continue
        fields = {name: note.get(name) for name in CARRIED_NOTE_FIELDS if note.get(name)}
        if fields:
            plan.notes[target_id] = fields
    # An indicator whose answers were carried is being worked on, as answering would mark it.
    # The new year has no records yet, so every indicator with a carried answer is 未着手.
    carried = {answer.target_id: answer.value for answer in plan.answers}
    mark_in_progress(plan.target_catalog, carried, {}, plan.notes)
    for item_id, wording in store.wordings(plan.source.id).items():
        mapping = plan.crosswalk.for_source(item_id)
        if mapping is not None and mapping.carries_answer:
            target_id = mapping.targets[0]
            if plan.target_catalog.has_item(target_id):
                plan.wordings[target_id] = wording
    for attachment in store.attachments(plan.source.id):
        target_id = _target_indicator(plan, attachment.indicator_id)
        if target_id is not None:
            plan.attachments.append((attachment, target_id))


def _list_changes(plan: CarryPlan) -> None:
    source, target = plan.source_catalog, plan.target_catalog
    for mapping in plan.crosswalk.mappings:
        if mapping.status == NEW and _covered_by_parent(target, mapping.targets, plan, NEW):
            continue
        if mapping.status == REMOVED and _covered_by_parent(source, mapping.sources, plan, REMOVED):
            continue
        names = _names(source, mapping.sources, target, mapping.targets)
        change = CarryChange(mapping.status, mapping.sources, mapping.targets, names, mapping.note)
        if mapping.status == NEW:
            plan.new.append(change)
        elif mapping.status == SPLIT:
            plan.split.append(change)
        elif mapping.status == MERGED:
            plan.merged.append(change)
        elif mapping.status == REMOVED:
            plan.removed.append(change)
        elif mapping.note:
            plan.changed.append(change)


def _covered_by_parent(
    catalog: Catalog, ids: tuple[str, ...], plan: CarryPlan, status: str
) -> bool:
    """A new item of a new indicator (or a part of a new item) is listed once, as its parent."""
    for target_id in ids:
        if catalog.has_part(target_id):
            parent = catalog.part(target_id)[0].id
        elif catalog.has_item(target_id):
            parent = catalog.indicator_of(target_id).id
        else:
            return False
        if status == NEW:
            mapping = plan.crosswalk.for_target(parent)
        else:
            mapping = plan.crosswalk.for_source(parent)
        if mapping is None or mapping.status != status:
            return False
    return True


def _names(
    source: Catalog, sources: tuple[str, ...], target: Catalog, targets: tuple[str, ...]
) -> str:
    before = _joined_names(source, sources)
    after = _joined_names(target, targets)
    if before == after:  # the same id, named alike in both years
        return before
    if before and after:
        if _indicator_prefix(before) == _indicator_prefix(after):
            after = after[len(_indicator_prefix(after)) :]
        return f"{before} → {after}"
    return before or after


def _joined_names(catalog: Catalog, ids: tuple[str, ...]) -> str:
    """「支援 目標Ⅰ 体制・取組指標群 6-イ・ウ」: sub-items of one indicator share its name."""
    names = [target_reference(catalog, i) for i in ids]
    prefixes = {_indicator_prefix(name) for name in names}
    if len(names) > 1 and len(prefixes) == 1 and "" not in prefixes:
        prefix = prefixes.pop()
        return prefix + "・".join(name[len(prefix) :] for name in names)
    return "・".join(names)


def _indicator_prefix(name: str) -> str:
    """The part of a sub-item's name up to its label: 「… 指標群 6-」 of 「… 指標群 6-イ」."""
    head, dash, _label = name.rpartition("-")
    return head + dash if dash else ""


# --- carrying --------------------------------------------------------------------------
def carry_forward(
    store: EvaluationFile,
    from_year: int | None = None,
    to_year: int | None = None,
    *,
    target_catalog: Catalog | None = None,
    crosswalk: Crosswalk | None = None,
) -> tuple[Session, CarryPlan]:
    """Create the next year's evaluation from ``from_year`` in one action; returns it and the plan."""
    if store.read_only:
        raise CarryError("読み取り専用で開いているため、引き継げません。")
    plan = plan_carry(store, from_year, to_year, target_catalog=target_catalog, crosswalk=crosswalk)
    # A new year is a big change to the file: keep the state before it, like an import.
    store.backup("before-carry")
    with tempfile.TemporaryDirectory(prefix="hyoka-carry-") as scratch, store.transaction():
        session = create_evaluation(store, plan.target_catalog, carried_from=plan.source.id)
        session.apply(plan)
        if plan.peers:  # the same comparison next year, until the user changes it
            session.set_peer_choices(plan.peers, source=SOURCE_CARRY)
        for attachment, indicator_id in plan.attachments:
            _copy_attachment(store, session.evaluation_id, attachment, indicator_id, scratch)
    return session, plan


def _copy_attachment(
    store: EvaluationFile, evaluation_id: int, attachment: Attachment, indicator_id: str, scratch
) -> None:
    """Copy an attachment through the store's own API (the content goes via a scratch file)."""
    if not attachment.has_content:
        store.add_attachment(
            evaluation_id, indicator_id, name=attachment.name, location=attachment.location
        )
        return
    content = store.attachment_content(attachment.id) or b""
    folder = Path(scratch) / str(attachment.id)
    folder.mkdir()
    # The stored name is untrusted (the file may come from elsewhere): a safe base name only.
    copy = folder / safe_file_name(attachment.file_name)
    copy.write_bytes(content)
    store.add_attachment(
        evaluation_id,
        indicator_id,
        name=attachment.name,
        # Never the scratch copy's path: it is gone once carrying ends.
        location=attachment.location or copy.name,
        file_path=copy,
    )
