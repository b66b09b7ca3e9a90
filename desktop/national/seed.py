"""Start a year's evaluation from a municipality's official result in the national dataset.

Serves municipalities that never used the app last year: the official points of the
previous year (or of the same year) become answers of the new evaluation through the
catalog crosswalk — a full-points column → 該当, zero → 非該当, tiers and counts → the
option reached (なし when none). Only one-to-one ``same`` mappings carry, exactly as in
carrying forward (:mod:`desktop.evaluation.carryover`); every seeded answer is written
``carried=True`` and so shows 「前年度から引継ぎ・要確認」 until someone confirms it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.catalog import registry
from desktop.catalog.crosswalk import STATUS_LABELS
from desktop.catalog.model import (
    ALL_OF,
    CHECK,
    CUMULATIVE_RULES,
    EXTERNAL,
    MET,
    NONE_OPTION,
    NOT_MET,
    OPTION_RULES,
    Catalog,
)
from desktop.formats import year_code, year_label
from desktop.national.dataset import NationalDataset, NationalMunicipality
from desktop.national.errors import NationalFileError
from desktop.records import ChangeSet, Municipality
from desktop.scoring.answers import expand_all_of, normalize

SOURCE_NATIONAL = "全国集計結果から"


@dataclass
class SeedPlan:
    dataset_year: int
    target: Catalog
    municipality: NationalMunicipality
    answers: dict[str, str] = field(default_factory=dict)  # target item id → value
    not_seeded: list[tuple[str, str]] = field(default_factory=list)  # (source item id, reason)
    # What the preview lists: (source item id, target item id, answer) per seeded sub-item,
    # and the official points of every source sub-item the national results score.
    seeded: list[tuple[str, str, str]] = field(default_factory=list)
    official_points: dict[str, float] = field(default_factory=dict)
    source: Catalog | None = None

    def summary_lines(self) -> list[str]:
        source = f"{year_label(self.dataset_year)}"
        m = self.municipality
        lines = [
            f"{source}の全国集計結果（{m.prefecture}{m.name}、合計{m.total:g}点）→ {self.target.year_label}の評価",
            f"回答にする小項目: {len(self.seeded)}件（「前年度から引継ぎ・要確認」として表示）",
        ]
        if self.not_seeded:
            lines.append(f"回答にしない小項目: {len(self.not_seeded)}件（回答し直してください）")
        return lines

    def detail_lines(self) -> list[str]:
        """What will be set, readable: per indicator of the new year, each sub-item with
        the answer it gets and the official points it comes from; then the sub-items
        left to answer again, each with its official points and the reason."""
        from desktop.report.wording import indicator_reference, target_reference

        target, source = self.target, self.source or self.target
        by_indicator: dict[str, list[tuple[str, str, str]]] = {}
        for entry in self.seeded:
            by_indicator.setdefault(target.indicator_of(entry[1]).id, []).append(entry)
        lines = [f"回答にする小項目（{len(self.seeded)}件）"]
        for indicator in target.all_indicators():
            entries = by_indicator.get(indicator.id)
            if not entries:
                continue
            lines.append(f"{indicator_reference(target, indicator.id)} {indicator.title}")
            for source_id, target_id, value in entries:
                item = target.item(target_id)
                points = self.official_points.get(source_id, 0.0)
                line = f"　{item.label}: {_shown(item, value)}（国の得点 {points:g}点／{item.points}点）"
                before = target_reference(source, source_id)
                if source is not target and before != target_reference(target, target_id):
                    line += f"　{source.year_label}の{before}から"
                lines.append(line)
        if self.not_seeded:
            lines.append(f"回答にしない小項目（{len(self.not_seeded)}件、回答し直してください）")
            for source_id, reason in self.not_seeded:
                points = self.official_points.get(source_id, 0.0)
                lines.append(
                    f"　{source.year_label} {target_reference(source, source_id)}: "
                    f"国の得点 {points:g}点（{reason}）"
                )
        return lines

    def to_dict(self) -> dict:
        return {
            "from_national": f"{year_code(self.dataset_year)}",
            "to": self.target.id,
            "answers": dict(sorted(self.answers.items())),
            "not_seeded": [{"id": i, "reason": r} for i, r in self.not_seeded],
        }


def _shown(item, value: str) -> str:
    """An answer as the window shows it: 該当, なし, 「ア（全国上位7割）」, 「3点」."""
    option = item.option(value) if item.options else None
    if option is not None:
        return f"{option.label}（{option.note}）" if option.note else option.label
    if item.rule == EXTERNAL:
        return f"{value}点"
    return value


def official_item_points(
    catalog: Catalog, dataset: NationalDataset, municipality: NationalMunicipality
) -> dict[str, float]:
    """Per sub-item of ``catalog`` that the national results score: its official points
    (the sum of its columns, tiers included, never above the item's points)."""
    from desktop.national.columns import split_key

    sums: dict[str, float] = {}
    for index, key in enumerate(dataset.columns):
        item_id = split_key(key)[0]
        sums[item_id] = sums.get(item_id, 0.0) + municipality.points[index]
    return {
        item.id: min(float(item.points), sums[item.id])
        for item in catalog.all_items()
        if item.id in sums
    }


def official_answers(
    catalog: Catalog, dataset: NationalDataset, municipality: NationalMunicipality
) -> dict[str, str]:
    """The municipality's official points as answers of ``catalog`` (the dataset's own)."""
    index = dataset.column_index()
    points = municipality.points
    answers: dict[str, str] = {}
    for item in catalog.all_items():
        if item.options:
            got = [
                points[index[f"{item.id}:{o.label}"]]
                for o in item.options
                if f"{item.id}:{o.label}" in index
            ]
            if len(got) != len(item.options):
                continue
            if item.rule in CUMULATIVE_RULES:
                reached = NONE_OPTION
                for option, value in zip(item.options, got, strict=True):
                    if value > 0:
                        reached = option.label
                    else:
                        break
                answers[item.id] = reached
            elif item.rule in OPTION_RULES:
                chosen = [o.label for o, v in zip(item.options, got, strict=True) if v > 0]
                answers[item.id] = chosen[0] if len(chosen) == 1 else NONE_OPTION
        elif item.id in index:
            value = points[index[item.id]]
            if item.rule in (CHECK, ALL_OF):
                answers[item.id] = MET if value > 0 else NOT_MET
            elif item.rule == EXTERNAL:
                answers[item.id] = str(int(value))
    return answers


def plan_seed(
    target: Catalog, dataset: NationalDataset, municipality: NationalMunicipality
) -> SeedPlan:
    """What seeding ``target`` from ``municipality``'s result in ``dataset`` would answer."""
    source = registry.find(dataset.catalog_id)
    if dataset.fiscal_year not in (target.fiscal_year, target.fiscal_year - 1):
        raise NationalFileError(
            f"{target.year_label}の評価は、前年度か同じ年度の全国集計結果からだけ始められます"
            f"（指定は{year_label(dataset.fiscal_year)}）。"
        )
    crosswalk = None
    if source.fiscal_year != target.fiscal_year:
        crosswalk = registry.crosswalk(source, target)
        if crosswalk is None:
            raise NationalFileError(
                f"{source.year_label}から{target.year_label}への対応表が同梱されていません。"
            )
    plan = SeedPlan(dataset.fiscal_year, target, municipality, source=source)
    plan.official_points = official_item_points(source, dataset, municipality)
    for item_id, value in official_answers(source, dataset, municipality).items():
        if crosswalk is None:
            target_id = item_id if target.has_item(item_id) else None
            reason = "評価指標にない小項目"
        else:
            mapping = crosswalk.for_source(item_id)
            target_id = mapping.targets[0] if mapping and mapping.carries_answer else None
            status = mapping.status if mapping else "removed"
            reason = f"{target.year_label}で{STATUS_LABELS.get(status, status)}"
        if target_id is None or not target.has_item(target_id):
            plan.not_seeded.append((item_id, reason))
            continue
        try:
            if normalize(target, target_id, value) != value:
                raise ValueError(value)
        except (ValueError, KeyError):
            plan.not_seeded.append((item_id, f"{target.year_label}の選択肢にない回答"))
            continue
        plan.seeded.append((item_id, target_id, value))
        for answer_id, answer in expand_all_of(target, target_id, value).items():
            plan.answers[answer_id] = answer
    return plan


def seed_target(dataset_year: int, held: set[int]) -> Catalog | None:
    """The catalog to start from a year's national result: the year after it, else its
    own year, that the file does not hold yet and is shipped (None when neither)."""
    for year in (dataset_year + 1, dataset_year):
        if year in held:
            continue
        try:
            return registry.for_year(year)
        except registry.UnknownCatalog:
            continue
    return None


def seeded_municipality(found: NationalMunicipality) -> Municipality:
    """The municipality as the national result names it, for a file that has none yet."""
    insured = int(found.first_insured) if found.first_insured is not None else None
    return Municipality(found.name, found.insurer, found.prefecture, insured)


def apply_seed(document, plan: SeedPlan, *, municipality=None):
    """Create ``plan.target``'s evaluation in the open ``document`` with the seeded answers
    (one action, after a safety backup of a file that already holds evaluations, as
    carrying does); returns its session."""
    if document.read_only:
        raise NationalFileError("読み取り専用で開いているため、評価を作れません。")
    if plan.target.fiscal_year in document.fiscal_years():
        raise NationalFileError(f"{plan.target.year_label}の評価はこのファイルにすでにあります。")
    return document.start_evaluation(plan.target, _SeedWrite(plan), municipality=municipality)


@dataclass
class _SeedWrite:
    """The seeded answers as a plan for Session.apply, into the new evaluation: marked as
    carried (to be confirmed), and their indicators 入力中 as answering would make them."""

    plan: SeedPlan
    audit_source: str = SOURCE_NATIONAL
    carried: bool = True

    def check(self, session) -> None:
        """The evaluation is created in the same transaction: nothing can have changed."""

    def change_set(self, session) -> ChangeSet:
        change_set = ChangeSet(answers=dict(self.plan.answers))
        session.mark_in_progress(change_set)
        return change_set
