"""The municipality's official points per sub-item (from the national results) beside the
evaluation's own answers: where the ministry's result and the self-assessment differ.

The official-results columns take indicators and above (the ministry's notice has no
sub-items); the national results do have them, so this comparison is its own table:
per sub-item the answer, the self-assessed points (見込み for items the state scores),
the official points, the official points read back as an answer, and the difference.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.national.columns import split_key
from desktop.national.dataset import NationalDataset, NationalMunicipality
from desktop.national.seed import official_answers
from desktop.national.views import Table

SAME = "一致"
OFFICIAL_HIGHER = "国の得点が高い"
OFFICIAL_LOWER = "国の得点が低い"
UNANSWERED = "未回答"


@dataclass(frozen=True)
class ItemComparison:
    item_id: str
    reference: str  # 「推進 目標Ⅰ 体制・取組指標群 2-エ」
    text: str
    max_points: int
    answer: str | None  # the evaluation's answer (None: not answered)
    self_points: float  # 自己評価, or the estimate (見込み) for an item the state scores
    estimated: bool  # the item is scored by the state: self_points is the user's estimate
    official_points: float
    official_answer: str | None  # the official points as an answer (該当・非該当・選択肢)

    @property
    def difference(self) -> float | None:
        """Official minus self (None while the item is unanswered)."""
        if self.answer is None:
            return None
        return self.official_points - self.self_points

    @property
    def verdict(self) -> str:
        difference = self.difference
        if difference is None:
            return UNANSWERED
        if difference == 0:
            return SAME
        return OFFICIAL_HIGHER if difference > 0 else OFFICIAL_LOWER


def compare_items(
    session, dataset: NationalDataset, municipality: NationalMunicipality
) -> list[ItemComparison]:
    """Every sub-item of the session's catalog that the national results score, in
    catalog order. The dataset must be of the evaluation's fiscal year."""
    from desktop.catalog import registry
    from desktop.report.wording import target_reference

    catalog = session.catalog
    if dataset.fiscal_year != catalog.fiscal_year:
        raise ValueError("年度が違います")
    columns: dict[str, list[int]] = {}
    for index, key in enumerate(dataset.columns):
        columns.setdefault(split_key(key)[0], []).append(index)
    as_answers = official_answers(registry.find(dataset.catalog_id), dataset, municipality)
    tree = session.score()
    rows = []
    for item in catalog.all_items():
        found = columns.get(item.id)
        node = tree.get(item.id)
        if not found or node is None:
            continue  # not in the national results (成果指向型配分枠)
        official = min(float(item.points), sum(municipality.points[i] for i in found))
        answer = node.answer
        self_points = node.projected_points if item.state_scored else node.points
        rows.append(
            ItemComparison(
                item_id=item.id,
                reference=target_reference(catalog, item.id),
                text=item.wording or item.hint or "",
                max_points=item.points,
                answer=answer,
                self_points=float(self_points),
                estimated=item.state_scored,
                official_points=official,
                official_answer=as_answers.get(item.id),
            )
        )
    return rows


def comparison_table(rows: list[ItemComparison], title: str) -> Table:
    """The comparison as a sortable, exportable table: differences first, and the verdict
    and the difference beside the sub-item's name (the long text last)."""
    order = {OFFICIAL_LOWER: 0, OFFICIAL_HIGHER: 1, UNANSWERED: 2, SAME: 3}
    shown = sorted(rows, key=lambda r: order[r.verdict])
    return Table(
        title,
        (
            "小項目",
            "比べた結果",
            "差（国−自己評価）",
            "自己評価の回答",
            "国の評価を回答にすると",
            "自己評価(点)",
            "国の評価(点)",
            "配点",
            "内容",
        ),
        [
            (
                r.reference,
                r.verdict,
                r.difference,
                (r.answer or "未回答") + ("（見込み）" if r.estimated and r.answer else ""),
                r.official_answer or "",
                r.self_points if r.answer is not None else None,
                r.official_points,
                r.max_points,
                r.text,
            )
            for r in shown
        ],
        (False, False, True, False, False, True, True, True, False),
    )


def comparison_summary(rows: list[ItemComparison]) -> str:
    """「小項目 120件: 一致 100件、国の得点が低い 8件、国の得点が高い 2件、未回答 10件」."""
    counts = {v: 0 for v in (SAME, OFFICIAL_LOWER, OFFICIAL_HIGHER, UNANSWERED)}
    for row in rows:
        counts[row.verdict] += 1
    parts = "、".join(f"{verdict} {count}件" for verdict, count in counts.items())
    return f"小項目 {len(rows)}件: {parts}"
