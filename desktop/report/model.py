"""The result report's figures (評価結果 公表資料), built once from a session.

Per grant, one table: for every goal a row per indicator group and a total row,
then the grant total; after both grants the 800-point total, and the R8 成果指向配分枠
as its own row outside the 800. Each row carries 配点, 得点, 得点率, 全国平均得点率,
the sub-items where points were lost, 今後の対応 and, when available, last year's
figure and the official result. The xlsx and PDF writers only lay this out; every
figure is decided here.

Which figure a row uses (see :mod:`desktop.report.official`): the ministry's official
result where entered, else the self-assessment; groups the state scores (活動・成果)
show the user's estimate marked 見込み until their official result is entered.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date

from desktop.catalog.model import STATE_SCORED_KINDS, Catalog
from desktop.national.standing import NationalStanding, session_standing
from desktop.report.comparison import YearComparison, compare_with_previous
from desktop.report.gaps import (
    CATALOG_RATES_LABEL,
    Gap,
    RateSource,
    find_gaps,
    high_share_note,
    indicator_sections,
    session_rate_source,
)
from desktop.report.losses import LostItem, group_by_indicator, lines_by_indicator, lost_items
from desktop.report.official import Figure, resolve
from desktop.report.wording import item_reference, points_text, self_name
from desktop.scoring.tree import ScoreNode, ScoreTree

ROW_GROUP = "group"
ROW_GOAL_TOTAL = "goal_total"
ROW_GRANT_TOTAL = "grant_total"
ROW_TOTAL = "total"
ROW_FRAME = "frame"

GAPS_IN_REPORT = 20
PLANNED_MISSING = "（未記入）"


@dataclass(frozen=True)
class ReportRow:
    kind: str  # ROW_*
    node_id: str
    goal_label: str  # 「目標Ⅰ 持続可能な…」 (empty on grant and total rows)
    label: str  # 「体制・取組指標群」「目標Ⅰ 計」「推進 計」「合計」
    max_points: int
    figure: Figure
    national_avg_rate: float | None
    national_avg_points: float | None
    lost: tuple[LostItem, ...] = ()
    state_scored: bool = False  # a group the state scores (活動・成果・成果指向配分枠)
    estimate_count: tuple[int, int] = (0, 0)  # estimates entered / state-scored items
    planned_response: str = ""
    previous_points: float | None = None
    previous_note: str | None = None
    outside_total: bool = False

    @property
    def points(self) -> float:
        return self.figure.points

    @property
    def rate(self) -> float | None:
        return self.figure.rate

    @property
    def is_estimate(self) -> bool:
        return self.figure.includes_estimate

    @property
    def is_total(self) -> bool:
        """A goal's, a grant's or the overall total: printed bold on grey."""
        return self.kind in (ROW_GOAL_TOTAL, ROW_GRANT_TOTAL, ROW_TOTAL)

    @property
    def is_group(self) -> bool:
        """An indicator group or a frame: the rows that lose points and plan responses."""
        return self.kind in (ROW_GROUP, ROW_FRAME)

    @property
    def shows_estimate(self) -> bool:
        """A group still scored with the user's estimate: marked 見込み in print."""
        return self.is_estimate and self.is_group

    @property
    def previous_difference(self) -> float | None:
        if self.previous_points is None:
            return None
        return self.points - self.previous_points

    @property
    def lost_text(self) -> str:
        """主な減点に関する項目, as one multi-line cell."""
        if not self.is_group:
            return ""
        if self.state_scored:
            if self.figure.official:
                return f"国による評価結果: {points_text(self.points)}／{self.max_points}点"
            entered, total = self.estimate_count
            missing = f"（見込み未入力 {total - entered}項目）" if entered < total else ""
            return f"国が算定（見込み {points_text(self.points)}）{missing}"
        if not self.lost:
            return "なし（満点）"
        return "\n".join(lines_by_indicator(list(self.lost)))

    @property
    def lost_blocks(self) -> list[tuple[str, list[LostItem]]]:
        """The lost sub-items by indicator: each block is printed whole, never split."""
        if not self.is_group or self.state_scored:
            return []
        return group_by_indicator(list(self.lost))

    @property
    def lost_summary(self) -> str:
        """The group row's own cell: 「減点 11点（3指標・5項目）」, 満点, or 国が算定."""
        if not self.is_group:
            return ""
        if self.state_scored or not self.lost:
            return self.lost_text
        lost = sum(item.lost_points for item in self.lost)
        blocks = len(self.lost_blocks)
        return f"減点 {points_text(lost)}（{blocks}指標・{len(self.lost)}項目、下に一覧）"

    @property
    def planned_text(self) -> str:
        """今後の対応; says 未記入 where points are lost and nothing is planned yet."""
        if self.planned_response.strip():
            return self.planned_response
        if self.is_group and self.lost and not self.state_scored:
            return PLANNED_MISSING
        return ""

    @property
    def remarks(self) -> str:
        """備考: where the figure comes from, official differences, allocation changes."""
        notes = []
        if self.figure.uses_official or self.is_estimate:
            notes.append(self.figure.basis)
        difference = self.figure.difference
        if difference is not None:
            notes.append(
                f"自己評価 {points_text(self.figure.self_points)}（差 {_signed(difference)}）"
            )
        if self.previous_note:
            notes.append(self.previous_note)
        if self.outside_total:
            notes.append("800点とは別枠")
        return "／".join(notes)


@dataclass(frozen=True)
class GrantTable:
    grant_id: str
    name: str  # 保険者機能強化推進交付金
    short_label: str  # 推進
    rows: tuple[ReportRow, ...]


@dataclass(frozen=True)
class Report:
    municipality: str
    year_label: str  # 令和8年度
    catalog_name: str
    created_on: date
    grants: tuple[GrantTable, ...]
    total: ReportRow
    frames: tuple[ReportRow, ...]
    gaps: tuple[Gap, ...]
    gap_count: int
    uses_official: bool
    has_estimates: bool
    previous_year_label: str | None
    notes: tuple[str, ...] = field(default=())
    self_name: str = "本市町村"  # 本市 / 本町 / 本村 / 本区
    # Rank and distribution among all municipalities, where the national results of the
    # year are imported and the municipality is picked (desktop.national.standing).
    national: NationalStanding | None = None
    # Where 伸びしろ's 全国該当率 come from (the year's national results, else the catalog).
    gap_rates_source: str = CATALOG_RATES_LABEL

    @property
    def high_share_note(self) -> str:
        return high_share_note(self.self_name)

    @property
    def title(self) -> str:
        return f"{self.year_label} 保険者機能強化推進交付金・介護保険保険者努力支援交付金 評価結果"

    def rows(self) -> list[ReportRow]:
        """Every row in reading order: grant tables, the total, the frames."""
        found = [row for table in self.grants for row in table.rows]
        return [*found, self.total, *self.frames]

    def row(self, kind: str, node_id: str, grant_id: str | None = None) -> ReportRow:
        """One row by kind and node id (the common 目標Ⅳ rows appear in both grants)."""
        tables = [t for t in self.grants if grant_id is None or t.grant_id == grant_id]
        for table in tables:
            for row in table.rows:
                if row.kind == kind and row.node_id == node_id:
                    return row
        for row in (self.total, *self.frames):
            if row.kind == kind and row.node_id == node_id:
                return row
        raise KeyError(f"{kind}:{node_id}")


def build_report(session, *, gap_limit: int = GAPS_IN_REPORT) -> Report:
    """Everything the report shows, from the session's answers and the file's records."""
    tree = session.score()
    report = assemble_report(
        session.catalog,
        tree,
        municipality=(session.municipality().name if session.municipality() else ""),
        official=session.official_results(),
        planned=session.planned_responses(),
        wordings=session.text_layers(),
        answers=session.answers(),
        waived=session.waived_prerequisites(),
        comparison=compare_with_previous(session),
        gap_limit=gap_limit,
        sections=indicator_sections(session),
        efforts=session.gap_efforts(),
        rate_source=session_rate_source(session),
    )
    return replace(report, national=session_standing(session))


def assemble_report(
    catalog: Catalog,
    tree: ScoreTree,
    *,
    municipality: str,
    official: dict[str, float],
    planned: dict[str, str],
    wordings: dict[str, str],
    answers: dict[str, str],
    comparison: YearComparison | None,
    gap_limit: int = GAPS_IN_REPORT,
    today: date | None = None,
    waived: Collection[str] = (),
    sections: dict[str, str] | None = None,
    efforts: dict[str, str] | None = None,
    rate_source: RateSource | None = None,
) -> Report:
    figures = resolve(tree, official)
    builder = _RowBuilder(catalog, tree, figures, planned, wordings, comparison)
    tables = []
    for grant_node in tree.grants:
        grant = grant_node.source
        rows: list[ReportRow] = []
        for goal in grant_node.children:
            goal_label = f"{goal.label} {goal.title}"
            for group in goal.children:
                rows.append(builder.group_row(group, goal_label))
            rows.append(builder.total_row(ROW_GOAL_TOTAL, goal, goal_label, f"{goal.label} 計"))
        rows.append(builder.total_row(ROW_GRANT_TOTAL, grant_node, "", f"{_short(grant.id)} 計"))
        tables.append(GrantTable(grant.id, grant.name, _short(grant.id), tuple(rows)))
    total = builder.total_row(ROW_TOTAL, tree.root, "", f"合計（{tree.root.max_points}点満点）")
    frames = tuple(builder.group_row(frame, "", kind=ROW_FRAME) for frame in tree.frames)
    rate_source = rate_source or RateSource()
    gaps = rate_source.apply(
        find_gaps(
            catalog,
            answers,
            tree=tree,
            user_wordings=wordings,
            waived=waived,
            sections=sections,
            efforts=efforts,
        )
    )
    uses_official = any(figure.uses_official for figure in figures.values())
    has_estimates = total.is_estimate or any(row.is_estimate for row in frames)
    notes = []
    if uses_official:
        notes.append(
            "国による評価結果が入力された区分は、その得点を用いています（備考に自己評価との差）。"
        )
    if has_estimates:
        notes.append(
            "活動指標群・成果指標群など国が算定する区分の得点は、国による評価結果を入力するまで見込みです。"
        )
    if comparison is not None:
        notes.append(
            f"前年度 = {comparison.previous_year_label}の得点（国による評価結果があればその値）。"
        )
    if waived:
        names = "、".join(  # each with its indicator's title: the footnote is read out of context
            f"{item_reference(catalog, item_id)}"
            f"（{catalog.indicator_of(item_id).title.rstrip('。')}）"
            for item_id in sorted(waived)
        )
        notes.append(
            f"次の小項目は、前提条件（国の資料の文言ではなく推定したもの）を適用せずに採点しています: {names}。"
        )
    notes.append(
        "得点率 = 得点 ÷ 配点。全国平均得点率 = 全国平均得点 ÷ 配点（評価指標の資料による）。"
    )
    if not any(text.strip() for text in planned.values()):
        notes.append(
            "今後の対応はまだ記入されていません（指標群ごとに記入すると、この資料に載ります）。"
        )
    return Report(
        municipality=municipality,
        year_label=catalog.year_label,
        catalog_name=catalog.display_name(),
        created_on=today or date.today(),
        grants=tuple(tables),
        total=total,
        frames=frames,
        gaps=tuple(gaps[:gap_limit]) if gap_limit else tuple(gaps),
        gap_count=len(gaps),
        uses_official=uses_official,
        has_estimates=has_estimates,
        previous_year_label=comparison.previous_year_label if comparison else None,
        notes=tuple(notes),
        self_name=self_name(municipality),
        gap_rates_source=rate_source.label,
    )


@dataclass(frozen=True)
class _RowBuilder:
    catalog: Catalog
    tree: ScoreTree
    figures: dict[str, Figure]
    planned: dict[str, str]
    wordings: dict[str, str]
    comparison: YearComparison | None

    def _previous(self, node_id: str) -> tuple[float | None, str | None]:
        if self.comparison is None:
            return None, None
        return self.comparison.previous_points(node_id), self.comparison.note(node_id)

    def group_row(self, node: ScoreNode, goal_label: str, kind: str = ROW_GROUP) -> ReportRow:
        state_scored = node.group in STATE_SCORED_KINDS
        previous, note = self._previous(node.id)
        return ReportRow(
            kind=kind,
            node_id=node.id,
            goal_label=goal_label,
            label=node.label,
            max_points=node.max_points,
            figure=self.figures[node.id],
            national_avg_rate=node.national_avg_rate,
            national_avg_points=node.national_avg_points,
            lost=tuple(lost_items(self.catalog, self.tree, node.id, self.wordings)),
            state_scored=state_scored,
            estimate_count=(node.estimated, node.estimable),
            planned_response=self.planned.get(node.id, ""),
            previous_points=previous,
            previous_note=note,
            outside_total=node.outside_total,
        )

    def total_row(self, kind: str, node: ScoreNode, goal_label: str, label: str) -> ReportRow:
        previous, note = self._previous(node.id)
        return ReportRow(
            kind=kind,
            node_id=node.id,
            goal_label=goal_label,
            label=label,
            max_points=node.max_points,
            figure=self.figures[node.id],
            national_avg_rate=node.national_avg_rate,
            national_avg_points=node.national_avg_points,
            previous_points=previous,
            previous_note=note,
        )


def _short(grant_id: str) -> str:
    return {"suishin": "推進", "shien": "支援"}.get(grant_id, grant_id)


def _signed(value: float) -> str:
    text = points_text(abs(value))
    return f"+{text}" if value > 0 else (f"-{text}" if value < 0 else "±0点")
