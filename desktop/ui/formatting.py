"""How figures and states read on screen, and which colour says what.

One place for this so that the tree, the indicator panel and the dashboard say the
same thing the same way (「12 / 16点」, 「75.0%」, 見込み in amber …).
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from desktop.formats import fmt_points
from desktop.records import (
    STATUS_FINAL,
    STATUS_IN_PROGRESS,
    STATUS_NOT_STARTED,
    STATUS_REVIEW,
)
from desktop.scoring import tree as T
from desktop.ui.colors import (  # noqa: F401  (set_text_colour: the views use it as fmt.…)
    BAD,
    BLOCKED,
    ESTIMATE,
    GOOD,
    MUTED,
    NEUTRAL,
    WARN,
    set_text_colour,
)

ESTIMATE_MARK = "見込み"
ESTIMATE_SHORT = "見込"  # in narrow columns
STATE_SCORED_BADGE = "見込み（国が算定）"
EXTERNAL_BADGE = "見込み／国の通知"
OUTSIDE_TOTAL_MARK = "別枠"
INFERRED_TIER_TIP = (  # beside a tier marked （推定）
    "「推定」: この段階の基準は、国の評価指標の文ではなく、全国の該当率から読み取ったものです。"
    "国の評価指標に基準が書かれているときは、そちらに従って選んでください。"
)

# How far below the national average (in rate points) still counts as "a little".
WARN_MARGIN = 0.10

STATUS_COLORS = {
    STATUS_NOT_STARTED: MUTED,
    STATUS_IN_PROGRESS: NEUTRAL,
    STATUS_REVIEW: WARN,
    STATUS_FINAL: GOOD,
}

ITEM_STATUS_COLORS = {
    T.SCORED: GOOD,
    T.NOT_MET: BAD,
    T.BLOCKED: BLOCKED,
    T.UNANSWERED: MUTED,
    T.STATE_SCORED: ESTIMATE,
}


def points(value: float | int | None) -> str:
    return fmt_points(value, empty="—")


def rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def percent(value: float | None) -> str:
    """A percentage already in 0–100 (全国該当率)."""
    return "—" if value is None else f"{value:.1f}%"


def compare_color(rate_value: float | None, average_rate: float | None) -> QColor:
    """Green at or above the national average, amber a little below, red well below."""
    if rate_value is None or average_rate is None:
        return NEUTRAL
    if rate_value >= average_rate:
        return GOOD
    if rate_value >= average_rate - WARN_MARGIN:
        return WARN
    return BAD


def is_state_scored_node(node: T.ScoreNode) -> bool:
    """A node whose figures come only from the state (activity, outcome, 別枠)."""
    return node.answerable == 0 and node.estimable > 0


def score_text(node: T.ScoreNode) -> str:
    """「得点/配点」 (compact, for the tree); 見込 where only the state scores the node."""
    if is_state_scored_node(node):
        return f"{ESTIMATE_SHORT}{node.projected_points}/{node.max_points}"
    return f"{node.points}/{node.max_points}"


def score_tooltip(node: T.ScoreNode) -> str:
    return (
        f"自己評価 {points(node.points)}点・{ESTIMATE_MARK} {points(node.projected_points)}点"
        f"／配点 {node.max_points}点"
    )


def completion_text(node: T.ScoreNode) -> str:
    """Answered / all self-assessed sub-items; estimates counted for state-scored nodes."""
    if node.answerable:
        mark = "✓" if node.answered == node.answerable else ""
        return f"{mark}{node.answered}/{node.answerable}"
    if node.estimable:
        return f"{ESTIMATE_SHORT}{node.estimated}/{node.estimable}"
    return ""


def completion_long(node: T.ScoreNode) -> str:
    """The completion for a header line: 「回答 3/5」 or 「見込み入力 1/2」."""
    if node.answerable:
        return f"回答 {node.answered}/{node.answerable}"
    if node.estimable:
        return f"見込み入力 {node.estimated}/{node.estimable}"
    return ""


def set_style(widget, css: str) -> None:
    """Give a widget a style sheet only when it differs from the one it has.

    Setting a style sheet re-polishes the widget even when nothing changes; the
    indicator panel refreshes every row after each answer, so unconditional calls
    made each click lay out and paint the whole panel again.
    """
    if widget.styleSheet() != css:
        widget.setStyleSheet(css)
