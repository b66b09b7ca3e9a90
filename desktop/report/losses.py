"""Where points are lost (主な減点に関する項目): the self-assessable sub-items not fully met.

A sub-item is lost when the municipality's own answer earns less than the item's
points: not met, met only in part (a count reached イ① but not イ③, an all-of with a
part missing), met but blocked by an unmet prerequisite, or not answered yet. Items
the state scores are never losses here: their entered value is only an estimate, so
the report marks their groups 見込み / 国が算定 instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.catalog.model import (
    ALL_OF,
    CUMULATIVE_RULES,
    MET,
    NONE_OPTION,
    Catalog,
    Item,
)
from desktop.report.wording import indicator_heading, item_description, points_text
from desktop.scoring import tree as T
from desktop.scoring.tree import ScoreNode, ScoreTree


@dataclass(frozen=True)
class LostItem:
    item_id: str
    indicator_id: str
    indicator_heading: str  # 「2 介護保険事業計画の進捗状況…を分析しているか。」
    label: str  # ア, イ②
    description: str | None  # wording / own wording / ［参考］hint
    lost_points: int  # item points − points earned
    max_points: int
    status: str  # tree status: not_met / blocked / unanswered / scored (partly met)
    detail: str | None  # why: 未回答, the prerequisite, the missing all-of parts …
    national_rate_pct: float | None

    @property
    def line(self) -> str:
        """「エ モニタリングの結果を公表している（4点）」 without the indicator."""
        text = self.label
        if self.description:
            text += f" {self.description}"
        text += f"（{points_text(self.lost_points)}）"
        if self.detail:
            text += f"［{self.detail}］"
        return text

    @property
    def text(self) -> str:
        """The full, stand-alone wording: indicator, sub-item and points."""
        return f"{self.indicator_heading} — {self.line}"


def lost_items(
    catalog: Catalog,
    tree: ScoreTree,
    group_id: str,
    user_wordings: dict[str, str] | None = None,
    *,
    include_state_scored: bool = False,
) -> list[LostItem]:
    """Every self-assessable sub-item of a group (or frame) earning less than its points
    (with ``include_state_scored``, the ones the state scores as well)."""
    group = tree.node(group_id)
    found = []
    for indicator_node in group.children:
        indicator = catalog.indicator(indicator_node.id)
        for node in indicator_node.children:
            if (node.state_scored and not include_state_scored) or node.points >= node.max_points:
                continue
            item = catalog.item(node.id)
            found.append(
                LostItem(
                    item_id=item.id,
                    indicator_id=indicator.id,
                    indicator_heading=indicator_heading(indicator),
                    label=item.label,
                    description=item_description(item, user_wordings),
                    lost_points=node.max_points - node.points,
                    max_points=node.max_points,
                    status=node.status,
                    detail=_detail(item, node),
                    national_rate_pct=_national_rate(item),
                )
            )
    return found


def _detail(item: Item, node: ScoreNode) -> str | None:
    if node.status == T.BLOCKED:
        return node.reason
    if item.rule == ALL_OF and node.parts and any(p["answer"] is not None for p in node.parts):
        return _missing_parts(item, node)
    if node.status == T.UNANSWERED or node.answer is None:
        return "未回答"
    if item.rule in CUMULATIVE_RULES and node.answer != NONE_OPTION:
        return f"{node.answer}まで達成"
    return None


def _missing_parts(item: Item, node: ScoreNode) -> str:
    """「未該当: ②ケアプラン等の点検・③縦覧点検…（未回答）」 for an all-of item met in part."""
    parts = {part.id: part for part in item.parts}
    missing = []
    for answer in node.parts:
        if answer["answer"] == MET:
            continue
        part = parts[answer["id"]]
        text = f"{part.label}{part.wording or part.hint or ''}"  # short: the condition's name
        if answer["answer"] is None:
            text += "（未回答）"
        missing.append(text)
    return f"未該当: {'・'.join(missing)}"


def _national_rate(item: Item) -> float | None:
    """National share meeting the item in full (the top option for tiers/count)."""
    if item.national_rate_pct is not None:
        return item.national_rate_pct
    if item.options:
        if item.rule in CUMULATIVE_RULES:
            return item.options[-1].national_rate_pct
        rates = [o.national_rate_pct for o in item.options if o.national_rate_pct is not None]
        return min(rates) if rates else None
    return None


def group_by_indicator(items: list[LostItem]) -> list[tuple[str, list[LostItem]]]:
    """(indicator heading, its lost items) in order: one block per indicator."""
    blocks: list[tuple[str, list[LostItem]]] = []
    current = None
    for item in items:
        if item.indicator_id != current:
            current = item.indicator_id
            blocks.append((item.indicator_heading, []))
        blocks[-1][1].append(item)
    return blocks


def lines_by_indicator(items: list[LostItem]) -> list[str]:
    """The lost items grouped under their indicator, as the report's cell shows them."""
    lines: list[str] = []
    current = None
    for item in items:
        if item.indicator_id != current:
            current = item.indicator_id
            lines.append(item.indicator_heading)
        lines.append(f"　・{item.line}")
    return lines
