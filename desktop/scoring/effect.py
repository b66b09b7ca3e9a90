"""What a set of answer changes is worth: totals before → after and each sub-item's change.

An import preview lists dozens of answers; the coordinator wants to see which of them
move the totals, and by how much, before anything is written. Pure: two score trees in,
figures out.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.catalog.model import Catalog
from desktop.scoring.tree import ScoreNode, ScoreTree


@dataclass(frozen=True)
class ScoreEffect:
    before: ScoreTree
    after: ScoreTree

    def item_delta(self, catalog: Catalog, target: str) -> int:
        """Points the sub-item of ``target`` (an item or an all-of part) gains or loses.

        State-scored items count by their estimate (見込み), the others by 自己評価.
        """
        item_id = catalog.item_of_target(target).id
        return _points(self.after.node(item_id)) - _points(self.before.node(item_id))

    def total_line(self) -> str:
        """「合計 自己評価 82点 → 90点（+8点）・見込み 82点 → 90点（+8点）」."""
        old, new = self.before.root, self.after.root
        return (
            f"合計 自己評価 {old.points}点 → {new.points}点（{signed(new.points - old.points)}点）"
            f"・見込み {old.projected_points}点 → {new.projected_points}点"
            f"（{signed(new.projected_points - old.projected_points)}点）"
        )

    def grant_lines(self) -> list[str]:
        """One line per grant that moves: 自己評価, and 見込み too when it moves differently."""
        lines = []
        for old, new in zip(self.before.grants, self.after.grants, strict=True):
            own = new.points - old.points
            projected = new.projected_points - old.projected_points
            if not (own or projected):
                continue
            line = f"{new.label} {old.points}点 → {new.points}点（{signed(own)}点）"
            if projected != own:
                line += (
                    f"・見込み {old.projected_points}点 → {new.projected_points}点"
                    f"（{signed(projected)}点）"
                )
            lines.append(line)
        return lines


def signed(value: int) -> str:
    """「+4」, 「−2」 (a real minus sign), 「±0」."""
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{-value}"
    return "±0"


def _points(node: ScoreNode) -> int:
    return node.projected_points if node.state_scored else node.points
