"""Last year's figures beside this year's, and where the allocation changed.

The previous year is the evaluation this one was carried from, or else the one of
the fiscal year before, in the same file. Its figures are taken the way the report
takes them (official results where entered, else the self-assessment with
estimates), from its own pinned catalog. Goal and group ids are stable across
years, so figures are matched by id; where a node's points or the points of the
sub-items inside it changed, a note says so, because a rise or fall may then come
from the new allocation rather than from the municipality's work.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.catalog.model import Catalog
from desktop.records import EvaluationRecord
from desktop.report.official import resolve
from desktop.scoring import score
from desktop.scoring import tree as T
from desktop.scoring.tree import ScoreTree

COMPARED_LEVELS = (T.TOTAL, T.GRANT, T.GOAL, T.GROUP)


@dataclass(frozen=True)
class PreviousFigure:
    node_id: str
    points: float
    max_points: int
    note: str | None  # 「配点変更（前年度 68点）」 …


@dataclass(frozen=True)
class YearComparison:
    previous_year_label: str  # 令和7年度
    previous_catalog: Catalog
    figures: dict[str, PreviousFigure]  # by this year's node id
    new_nodes: tuple[str, ...]  # this year's goals/groups that did not exist last year

    def previous_points(self, node_id: str) -> float | None:
        figure = self.figures.get(node_id)
        return figure.points if figure else None

    def note(self, node_id: str) -> str | None:
        if node_id in self.new_nodes:
            return f"{self.previous_year_label}にはない区分"
        figure = self.figures.get(node_id)
        return figure.note if figure else None


def previous_record(evaluations, record: EvaluationRecord) -> EvaluationRecord | None:
    """The evaluation this one follows: the one it was carried from, else the year before.

    ``evaluations`` is anything that lists the file's evaluations (a session).
    """
    records = evaluations.evaluations()
    if record.carried_from is not None:
        for candidate in records:
            if candidate.id == record.carried_from:
                return candidate
    for candidate in records:
        if candidate.fiscal_year == record.fiscal_year - 1:
            return candidate
    return None


def compare_with_previous(session) -> YearComparison | None:
    """Last year's figures for this session's goals and groups, or None without a last year."""
    previous = previous_record(session, session.record)
    if previous is None:
        return None
    last_year = session.of_year(previous)
    previous_catalog = last_year.catalog
    previous_tree = score(previous_catalog, last_year.answers())
    previous_official = last_year.official_results()
    return build_comparison(
        session.catalog,
        session.score(),
        previous_catalog,
        previous_tree,
        previous_official,
        previous.year_label,
    )


def build_comparison(
    catalog: Catalog,
    tree: ScoreTree,
    previous_catalog: Catalog,
    previous_tree: ScoreTree,
    previous_official: dict[str, float],
    previous_year_label: str,
) -> YearComparison:
    previous_figures = resolve(previous_tree, previous_official)
    figures: dict[str, PreviousFigure] = {}
    new_nodes = []
    for node in tree.index.values():
        if node.level not in COMPARED_LEVELS:
            continue
        before = previous_tree.get(node.id)
        if before is None or node.id not in previous_figures:
            new_nodes.append(node.id)
            continue
        figures[node.id] = PreviousFigure(
            node.id,
            previous_figures[node.id].points,
            before.max_points,
            allocation_note(catalog, previous_catalog, node.id, before.max_points, node.max_points),
        )
    return YearComparison(previous_year_label, previous_catalog, figures, tuple(new_nodes))


def allocation_note(
    catalog: Catalog, previous_catalog: Catalog, node_id: str, previous_max: int, current_max: int
) -> str | None:
    """Say how the allocation of a node changed since last year, or None if it did not."""
    if previous_max != current_max:
        return f"配点変更（前年度 {previous_max}点 → {current_max}点）"
    before = _item_points(previous_catalog, node_id)
    after = _item_points(catalog, node_id)
    if before == after:
        return None
    added = len(set(after) - set(before))
    removed = len(set(before) - set(after))
    changed = sum(1 for item_id in set(before) & set(after) if before[item_id] != after[item_id])
    parts = []
    if added:
        parts.append(f"新設 {added}")
    if removed:
        parts.append(f"廃止 {removed}")
    if changed:
        parts.append(f"配点変更 {changed}")
    return f"配分変更あり（小項目: {'・'.join(parts)}）"


def _item_points(catalog: Catalog, node_id: str) -> dict[str, int]:
    """Points of every sub-item under a node (total, grant, goal or group) of a catalog."""
    if node_id == "total":
        indicators = list(catalog.all_indicators(with_frames=False))
    elif any(grant.id == node_id for grant in catalog.grants):
        grant = next(g for g in catalog.grants if g.id == node_id)
        indicators = [
            ind
            for goal in catalog.goals_of(grant)
            for group in goal.groups
            for ind in group.indicators
        ]
    elif any(goal.id == node_id for goal in catalog.all_goals()):
        goal = next(g for g in catalog.all_goals() if g.id == node_id)
        indicators = [ind for group in goal.groups for ind in group.indicators]
    else:
        frames = {frame.id: frame for frame in catalog.frames}
        if node_id in frames:
            indicators = list(frames[node_id].indicators)
        else:
            try:
                indicators = list(catalog.group(node_id).indicators)
            except KeyError:
                return {}
    return {item.id: item.points for indicator in indicators for item in indicator.items}


def previous_points(session) -> dict[str, int]:
    """node id → last year's points, for the dashboard's 前年度 column (empty without one).

    Last year's figure is the one its report used: official results where entered,
    else the self-assessment including estimates. Rounded to whole points for display.
    """
    comparison = compare_with_previous(session)
    if comparison is None:
        return {}
    return {node_id: round(figure.points) for node_id, figure in comparison.figures.items()}


def allocation_notes(session) -> dict[str, str]:
    """node id → 「配点変更（前年度 68点 → 64点）」 where the allocation changed."""
    comparison = compare_with_previous(session)
    if comparison is None:
        return {}
    notes = {}
    for node_id in list(comparison.figures) + list(comparison.new_nodes):
        note = comparison.note(node_id)
        if note:
            notes[node_id] = note
    return notes
