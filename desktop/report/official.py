"""Official results (国による評価結果) against the self-assessment.

After the ministry's notice the user enters the official points of any goal, group or
indicator (or a grant or the total). From then on every figure that can be taken from
the official results is: a node's figure is its official points where entered, else
the sum of its parts' figures (capped like the score engine caps), else the
self-assessment including estimates (見込み). The report and the dashboard use these
figures and show official minus self where both exist.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from desktop.catalog.model import Catalog
from desktop.report.wording import node_title
from desktop.scoring import tree as T
from desktop.scoring.tree import ScoreNode, ScoreTree

# Levels an official figure may be entered for (sub-items are never notified).
OFFICIAL_LEVELS = (T.TOTAL, T.GRANT, T.GOAL, T.GROUP, T.INDICATOR)

BASIS_SELF = "自己評価"
BASIS_ESTIMATE = "見込み（国が算定）"
BASIS_WITH_ESTIMATE = "見込みを含む"
BASIS_OFFICIAL = "国による評価結果"
BASIS_MIXED = "自己評価と国による評価結果"
BASIS_MIXED_ESTIMATE = "国による評価結果と見込みを含む"


class OfficialResultError(ValueError):
    """An official figure that cannot be stored; the message says which and why."""


@dataclass(frozen=True)
class Figure:
    """The figure the report uses for one node, and where it comes from."""

    node_id: str
    max_points: int
    points: float  # what the report shows
    self_points: int  # 自己評価 including the user's estimates (見込み)
    entered: bool  # the official figure was entered for this very node
    official: bool  # the figure comes from official results only
    uses_official: bool  # some official figure went into it
    includes_estimate: bool  # some part is still the user's estimate of a state score
    state_scored_only: bool  # every part is scored by the state (活動・成果指標群)

    @property
    def rate(self) -> float | None:
        return self.points / self.max_points if self.max_points else None

    @property
    def difference(self) -> float | None:
        """Official minus self, where the figure uses official results."""
        if not self.uses_official:
            return None
        return self.points - self.self_points

    @property
    def basis(self) -> str:
        if self.official:
            return BASIS_OFFICIAL
        if self.uses_official:
            return BASIS_MIXED_ESTIMATE if self.includes_estimate else BASIS_MIXED
        if self.includes_estimate:
            return BASIS_ESTIMATE if self.state_scored_only else BASIS_WITH_ESTIMATE
        return BASIS_SELF


def resolve(tree: ScoreTree, official: dict[str, float]) -> dict[str, Figure]:
    """The figure of every node above the sub-items, official results taking precedence."""
    figures: dict[str, Figure] = {}

    def visit(node: ScoreNode) -> Figure:
        if node.id in figures:  # the common 目標Ⅳ sits under both grants
            return figures[node.id]
        parts = [
            visit(child)
            for child in node.children
            if child.level != T.ITEM and not child.outside_total
        ]
        for child in node.children:  # frames are resolved too, outside the total
            if child.outside_total:
                visit(child)
        state_only = node.answerable == 0 and node.estimable > 0
        if node.id in official:
            figure = Figure(
                node.id,
                node.max_points,
                float(official[node.id]),
                node.projected_points,
                entered=True,
                official=True,
                uses_official=True,
                includes_estimate=False,
                state_scored_only=state_only,
            )
        elif parts and any(part.uses_official for part in parts):
            figure = Figure(
                node.id,
                node.max_points,
                min(float(node.max_points), sum(part.points for part in parts)),
                node.projected_points,
                entered=False,
                official=all(part.official for part in parts),
                uses_official=True,
                includes_estimate=any(part.includes_estimate for part in parts),
                state_scored_only=state_only,
            )
        else:
            # Nothing official below: exactly the engine's figure, estimates included.
            figure = Figure(
                node.id,
                node.max_points,
                node.projected_points,
                node.projected_points,
                entered=False,
                official=False,
                uses_official=False,
                includes_estimate=node.estimable > 0,
                state_scored_only=state_only,
            )
        figures[node.id] = figure
        return figure

    visit(tree.root)
    return figures


def official_figures(tree: ScoreTree, official: dict[str, float]) -> dict[str, float]:
    """node id → official points, for the dashboard's 国の評価 column.

    Entered figures, plus every node whose parts are all official (a goal whose
    groups were all entered has an official figure too).
    """
    return {
        node_id: figure.points
        for node_id, figure in resolve(tree, official).items()
        if figure.official
    }


def session_official_figures(session) -> dict[str, float]:
    """:func:`official_figures` for an open :class:`desktop.evaluation.session.Session`."""
    return official_figures(session.score(), session.official_results())


@dataclass(frozen=True)
class OfficialDifference:
    node_id: str
    level: str
    title: str
    max_points: int
    self_points: int
    official_points: float
    entered: bool

    @property
    def difference(self) -> float:
        return self.official_points - self.self_points


def compare(
    catalog: Catalog, tree: ScoreTree, official: dict[str, float]
) -> list[OfficialDifference]:
    """Self against official for every node with an official figure, in tree order."""
    figures = resolve(tree, official)
    rows = []
    for node in official_nodes(tree):
        figure = figures[node.id]
        if not figure.official:
            continue
        rows.append(
            OfficialDifference(
                node.id,
                node.level,
                node_title(catalog, node),
                node.max_points,
                figure.self_points,
                figure.points,
                figure.entered,
            )
        )
    return rows


def official_nodes(tree: ScoreTree) -> list[ScoreNode]:
    """Every node an official figure may be entered for, once each, in display order."""
    seen: set[str] = set()
    ordered = []
    for node in tree.root.walk():
        if node.level in OFFICIAL_LEVELS and node.id not in seen:
            seen.add(node.id)
            ordered.append(node)
    return ordered


# --- entering ------------------------------------------------------------------------
_POINTS = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def parse_points(text: str | float | int | None, where: str) -> float | None:
    """「12」「12.5」「１２」 → a number; empty, 「未入力」 or 「clear」 → None (clears)."""
    if text is None:
        return None
    if isinstance(text, int | float):
        value = float(text)
    else:
        cleaned = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "")
        if cleaned in ("", "未入力", "clear", "-", "—"):
            return None
        cleaned = cleaned.removesuffix("点").strip()
        # Digits 0-9 only: float() would also read 「٥」, 「1_0」, 「1e3」 or 「inf」.
        if not _POINTS.fullmatch(cleaned):
            raise OfficialResultError(
                f"{where}: 「{text}」は数値ではありません（例: 52、52.5）。"
            )
        value = float(cleaned)
    if not math.isfinite(value):
        raise OfficialResultError(f"{where}: 「{text}」は数値ではありません。")
    return value


def validate(
    catalog: Catalog, tree: ScoreTree, values: dict[str, str | float | int | None]
) -> dict[str, float | None]:
    """Check every entered figure; all problems are reported together, nothing is kept."""
    checked: dict[str, float | None] = {}
    problems = []
    for node_id, raw in values.items():
        node = tree.get(node_id)
        if node is None or node.level not in OFFICIAL_LEVELS:
            problems.append(
                f"「{node_id}」は{catalog.year_label}の目標・指標群・評価指標の ID ではありません。"
            )
            continue
        where = node_title(catalog, node)
        try:
            value = parse_points(raw, where)
        except OfficialResultError as exc:
            problems.append(str(exc))
            continue
        if value is not None and not 0 <= value <= node.max_points:
            problems.append(f"{where}: {raw}点は配点（0〜{node.max_points}点）の範囲外です。")
            continue
        checked[node_id] = value
    if problems:
        raise OfficialResultError("\n".join(problems))
    return checked


def enter_official_results(session, values: dict[str, str | float | int | None]) -> list:
    """Validate and store official figures as one action (None / 空欄 clears one)."""
    tree = session.score()
    checked = validate(session.catalog, tree, values)
    return session.set_official_results(checked)
