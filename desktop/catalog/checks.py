"""Checks beyond one field: allocations that must add up, rates in range, and across
the whole catalog once it is built: references between sub-items,
prerequisite cycles, frames naming their grant, rules that fit their scoring.
"""

from __future__ import annotations

from desktop.catalog import errors as E
from desktop.catalog.model import EXTERNAL, Catalog, Item
from desktop.catalog.yamlsource import LocatedDict


class CrossChecks:
    """Mixed into the loader's builder: needs ``problem(line, code, message)``."""

    def check_sum(self, data: LocatedDict, what: str, max_points, children, child_name: str):
        self.check_allocation(
            data.line_of("max"),
            max_points,
            children,
            lambda actual: f"{what} の配点 {max_points} と{child_name}の配点の合計 {actual} が一致しません。",
        )

    def check_allocation(self, line: int, max_points, children, mismatch) -> None:
        """``mismatch(actual)`` when the children's points do not add up to ``max_points``."""
        if max_points is None or not children:
            return
        actual = sum(child.max_points for child in children)
        if actual != max_points:
            self.problem(line, E.ALLOCATION_MISMATCH, mismatch(actual))

    def check_rate(self, data: LocatedDict, key: str, rate, what: str) -> None:
        if rate is not None and not 0 <= rate <= 100:
            self.problem(
                data.line_of(key),
                E.BAD_RATE,
                f"{what} の全国該当率 {rate} は 0〜100 の範囲にありません。",
            )

    def check_references(self, catalog: Catalog) -> None:
        items = {item.id: item for item in catalog.all_items()}
        for item in items.values():
            for ref in item.requires:
                if ref not in items:
                    self.problem(
                        item.line,
                        E.UNKNOWN_REFERENCE,
                        f"小項目 {item.id} の前提条件「{ref}」という小項目はありません。",
                    )
                elif ref == item.id:
                    self.problem(
                        item.line,
                        E.REQUIRES_CYCLE,
                        f"小項目 {item.id} が自分自身を前提にしています。",
                    )
        self.check_cycles(items)
        for frame in catalog.frames:
            if frame.grant not in {g.id for g in catalog.grants}:
                self.problem(
                    frame.line,
                    E.UNKNOWN_REFERENCE,
                    f"配分枠 {frame.id} の交付金「{frame.grant}」がありません。",
                )
        for item in items.values():
            if item.rule == EXTERNAL and not item.state_scored:
                self.problem(
                    item.line,
                    E.BAD_VALUE,
                    f"小項目 {item.id} は external（国が算定）なので state_scored を false にできません。",
                )

    def check_cycles(self, items: dict[str, Item]) -> None:
        """Report each prerequisite cycle once, naming both ends of the closing edge."""
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        reported: set[frozenset] = set()

        def visit(item_id: str, path: list[str]) -> None:
            state[item_id] = 1
            path.append(item_id)
            for ref in items[item_id].requires:
                if ref not in items or ref == item_id:
                    continue
                if state.get(ref) == 1:
                    cycle = path[path.index(ref) :]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        chain = " → ".join([*cycle, ref])
                        self.problem(
                            items[item_id].line,
                            E.REQUIRES_CYCLE,
                            f"前提条件が循環しています: {item_id} は {ref} を前提にし、"
                            f"{ref} も（間接的に）{item_id} を前提にしています（{chain}、"
                            f"{ref} は {items[ref].line} 行目）。",
                        )
                elif state.get(ref) is None:
                    visit(ref, path)
            path.pop()
            state[item_id] = 2

        for item_id in items:
            if state.get(item_id) is None:
                visit(item_id, [])
