"""Moving an evaluation to a newer revision of its catalog: the plan, read-only.

:meth:`desktop.evaluation.session.Session.upgrade` writes it (after asking the user).
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.catalog.model import Catalog
from desktop.scoring.answers import normalize


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


def plan_upgrade(current: Catalog, newer: Catalog, answers: dict[str, str]) -> CatalogUpgrade:
    """What re-pinning an evaluation with ``answers`` from ``current`` to ``newer`` changes."""
    old_items = {i.id: i for i in current.all_items()}
    new_items = {i.id: i for i in newer.all_items()}
    old_targets = set(old_items) | {p.id for i in old_items.values() for p in i.parts}
    new_targets = set(new_items) | {p.id for i in new_items.values() for p in i.parts}
    return CatalogUpgrade(
        current=current,
        newer=newer,
        added=sorted(set(new_items) - set(old_items)),
        removed=sorted(set(old_items) - set(new_items)),
        points_changed=_points_changed(current, newer),
        answers_dropped=sorted(
            target
            for target in answers
            if (target in old_targets and target not in new_targets)
            or not still_valid(newer, target, answers[target])
        ),
    )


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


def still_valid(catalog: Catalog, target: str, value: str) -> bool:
    """Whether a stored answer means the same under ``catalog`` (the id exists, the value is allowed)."""
    if not catalog.has_target(target):
        return False
    try:
        return normalize(catalog, target, value) == value
    except (ValueError, KeyError):
        return False
