"""How the report names goals, groups, indicators and sub-items for a reader.

The report goes to the council and the public, so ids never appear in it: a sub-item
is named by its indicator's number and title, its label (ア, イ②…) and the best
wording we have (desktop/catalog/wording.py decides which), with a small mark saying
where the text comes from (〔公式〕, 〔公式・貼り付け〕, 〔要旨〕, 〔参考〕 …).
"""

from __future__ import annotations

from desktop.catalog.model import Catalog, Frame, Goal, Grant, Group, Indicator
from desktop.catalog.wording import HINT, SOURCE_MARKS, marked, wording_for
from desktop.formats import fmt_points

HINT_MARK = f"〔{SOURCE_MARKS[HINT]}〕"
SELF_NAMES = {"市": "本市", "町": "本町", "村": "本村", "区": "本区"}
SELF_NAME_UNKNOWN = "本市町村"


def self_name(municipality: str) -> str:
    """How the municipality calls itself in its report: 本市 / 本町 / 本村 / 本区.

    From the last character of its name (北塩原村 → 本村); 本市町村 when the name does
    not end in one of them (a 広域連合, an empty name).
    """
    name = (municipality or "").strip()
    return SELF_NAMES.get(name[-1:], SELF_NAME_UNKNOWN)


def grant_name(grant: Grant) -> str:
    return grant.name


def goal_title(goal: Goal) -> str:
    return f"{goal.label} {goal.name}"


def group_title(group: Group | Frame) -> str:
    if isinstance(group, Frame):
        return group.name
    return group.name


def item_description(item, layers=None) -> str | None:
    """The sub-item's (or all-of condition's) text with its source mark, or None.

    ``layers``: the evaluation's :class:`~desktop.catalog.wording.TextLayers`, or just
    its own summaries as a dict. Stable name: the workbooks and the report use it.
    """
    text, source = wording_for(item, layers)
    return marked(text, source) or None


def sub_item_title(catalog: Catalog, item_id: str, layers=None) -> str:
    """A sub-item out of context, in full: 「4 評価結果を…活用しているか。 ア 〔公式〕年に１回以上…」.

    For workbook rows, report lines and 伸びしろ rows that show a sub-item without its
    indicator above it. Stable name for the workbook and report layouts.
    """
    if catalog.has_part(item_id):
        item, part = catalog.part(item_id)
        label, target = f"{item.label}{part.label}", part
    else:
        item = catalog.item(item_id)
        label, target = item.label, item
    indicator = catalog.indicator_of(item.id)
    description = item_description(target, layers)
    return f"{indicator_heading(indicator)} {label}" + (f" {description}" if description else "")


def indicator_heading(indicator: Indicator) -> str:
    """「2 介護保険事業計画の進捗状況…を分析しているか。」"""
    return f"{indicator.number} {indicator.title}".strip()


def item_reference(catalog: Catalog, item_id: str) -> str:
    """A short, id-free name for a sub-item: 「推進 目標Ⅰ 体制・取組指標群 2-エ」."""
    item = catalog.item(item_id)
    indicator = catalog.indicator_of(item_id)
    return f"{indicator_reference(catalog, indicator.id)}-{item.label}"


def indicator_reference(catalog: Catalog, indicator_id: str) -> str:
    """「推進 目標Ⅰ 体制・取組指標群 2」 (the common 目標Ⅳ has no grant prefix)."""
    indicator = catalog.indicator(indicator_id)
    owner = catalog.group_of(indicator_id)
    if isinstance(owner, Frame):
        return f"{_grant_short(catalog, owner.grant)} {owner.name} {indicator.number}"
    goal = catalog.goal_of(owner.id)
    prefix = (
        "" if goal is catalog.common else f"{_grant_short(catalog, goal_grant(catalog, goal))} "
    )
    return f"{prefix}{goal.label} {owner.name} {indicator.number}"


def part_reference(catalog: Catalog, part_id: str) -> str:
    item, part = catalog.part(part_id)
    return f"{item_reference(catalog, item.id)}{part.label}"


def target_reference(catalog: Catalog, target_id: str) -> str:
    """Name any id the crosswalk lists: indicator, item or all-of part."""
    if catalog.has_part(target_id):
        return part_reference(catalog, target_id)
    if catalog.has_item(target_id):
        return item_reference(catalog, target_id)
    if catalog.has_indicator(target_id):
        return indicator_reference(catalog, target_id)
    return target_id


def goal_grant(catalog: Catalog, goal: Goal) -> str | None:
    for grant in catalog.grants:
        if goal in grant.goals:
            return grant.id
    return None


def _grant_short(catalog: Catalog, grant_id: str | None) -> str:
    for grant in catalog.grants:
        if grant.id == grant_id:
            return (
                "推進"
                if grant.id == "suishin"
                else "支援"
                if grant.id == "shien"
                else grant.short_name
            )
    return ""


def points_text(points: float | int) -> str:
    """「4点」, 「2.5点」: whole numbers without a decimal point."""
    return f"{fmt_points(points)}点"


def node_title(catalog: Catalog, node) -> str:
    """An id-free name for any score-tree node above the sub-items."""
    level = node.level
    if level == "total":
        return f"合計（{node.max_points}点満点）"
    if level == "grant":
        return node.title
    if level == "goal":
        return f"{_grant_prefix(catalog, node.grant)}{node.label} {node.title}"
    if level == "group":
        if node.outside_total:
            return f"{node.label}（{catalog.total_max}点とは別枠）"
        goal = catalog.goal_of(node.id)
        return f"{_grant_prefix(catalog, node.grant)}{goal.label} {node.label}"
    if level == "indicator":
        return f"{indicator_reference(catalog, node.id)} {node.title}"
    return node.title or node.id


def _grant_prefix(catalog: Catalog, grant_id: str | None) -> str:
    short = _grant_short(catalog, grant_id)
    return f"{short} " if short else ""
