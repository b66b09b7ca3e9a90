"""Score an evaluation: catalog + answers → score tree. A pure function, recomputed in full.

Two totals are kept apart everywhere:

* ``points`` (自己評価): what the municipality's own answers earn. Items scored by
  the state count 0 here.
* ``projected_points`` (見込み): the same plus the user's estimates for the items the
  state scores. Estimates are never counted as 自己評価.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from desktop.catalog.model import (
    ALL_OF,
    CHECK,
    COMBINE_BEST_OF,
    EXTERNAL,
    MET,
    NONE_OPTION,
    NOT_MET,
    OPTION_RULES,
    Catalog,
    Frame,
    Goal,
    Grant,
    Group,
    Indicator,
    Item,
)
from desktop.scoring import tree as T
from desktop.scoring.tree import ScoreNode, ScoreTree


def score(
    catalog: Catalog,
    answers: Mapping[str, str | None],
    waived: Collection[str] = (),
) -> ScoreTree:
    """The score tree; ``waived``: items whose inferred prerequisites the user switched off."""
    return _Scorer(catalog, answers, waived).run()


class _Scorer:
    def __init__(
        self, catalog: Catalog, answers: Mapping[str, str | None], waived: Collection[str] = ()
    ):
        self.catalog = catalog
        self.answers = answers
        self.waived = frozenset(waived)
        self.index: dict[str, ScoreNode] = {}
        self._item_nodes: dict[str, ScoreNode] = {}
        self._in_progress: set[str] = set()

    def run(self) -> ScoreTree:
        catalog = self.catalog
        common = self.goal(catalog.common, {"grant": "common"}) if catalog.common else None
        grants = [self.grant(grant, common) for grant in catalog.grants]
        frames = [self.frame(frame) for frame in catalog.frames]
        root = ScoreNode(
            level=T.TOTAL,
            id="total",
            label="合計",
            title=f"{catalog.year_label} 合計（{catalog.total_max}点満点）",
            max_points=catalog.total_max,
            national_avg_points=catalog.national_avg_total,
            children=grants + frames,
        )
        self.aggregate(root, grants)  # the frames stand outside the total
        self.index[root.id] = root
        return ScoreTree(root=root, index=self.index)

    # --- aggregates -------------------------------------------------------------
    def aggregate(
        self, node: ScoreNode, counted: list[ScoreNode], best_of=False, sum_averages=True
    ) -> None:
        """Points of ``node`` from the ``counted`` children, capped at its maximum; where the
        catalog prints no national average for it, ``sum_averages`` sums the children's."""
        cap = node.max_points
        if best_of:
            node.points = min(cap, max((c.points for c in counted), default=0))
            node.projected_points = min(cap, max((c.projected_points for c in counted), default=0))
        else:
            node.points = min(cap, sum(c.points for c in counted))
            node.projected_points = min(cap, sum(c.projected_points for c in counted))
        node.answered = sum(c.answered for c in counted)
        node.answerable = sum(c.answerable for c in counted)
        node.estimated = sum(c.estimated for c in counted)
        node.estimable = sum(c.estimable for c in counted)
        if node.answered < node.answerable:
            node.status = T.UNANSWERED
        elif node.answerable == 0 and node.estimable:
            node.status = T.STATE_SCORED
        elif node.points > 0:
            node.status = T.SCORED
        else:
            node.status = T.NOT_MET
        if sum_averages and node.national_avg_points is None:
            self.derive_average(node, counted)

    @staticmethod
    def derive_average(node: ScoreNode, children: list[ScoreNode]) -> None:
        """Sum the children's national averages when the catalog prints none for this node."""
        if children and all(c.national_avg_points is not None for c in children):
            node.national_avg_points = sum(c.national_avg_points for c in children)
            node.national_avg_derived = True

    def branch(
        self,
        level: str,
        source: Grant | Goal | Group | Frame | Indicator,
        children: list[ScoreNode],
        label: str,
        title: str,
        *,
        best_of=False,
        sum_averages=True,
        **where,
    ) -> ScoreNode:
        """The node of a catalog level over its scored ``children``, all of them counted.

        ``where``: the grant id, goal code and group kind the node stands under (each level
        adds its own), and ``outside_total`` for a frame."""
        node = ScoreNode(
            level=level,
            id=source.id,
            label=label,
            title=title,
            max_points=source.max_points,
            national_avg_points=getattr(source, "national_avg_points", None),  # frames print none
            children=children,
            source=source,
            **where,
        )
        self.aggregate(node, children, best_of, sum_averages)
        self.index[node.id] = node
        return node

    def grant(self, grant: Grant, common: ScoreNode | None) -> ScoreNode:
        where = {"grant": grant.id}
        goals = [self.goal(goal, where) for goal in grant.goals]
        if common is not None:
            goals.append(common)
        return self.branch(T.GRANT, grant, goals, grant.short_name, grant.name, **where)

    def goal(self, goal: Goal, where: dict[str, str]) -> ScoreNode:
        where = {**where, "goal": goal.code}
        groups = [self.group(group, where) for group in goal.groups]
        return self.branch(T.GOAL, goal, groups, goal.label, goal.name, **where)

    def group(self, group: Group, where: dict[str, str]) -> ScoreNode:
        where = {**where, "group": group.kind}
        indicators = [self.indicator(indicator) for indicator in group.indicators]
        return self.branch(T.GROUP, group, indicators, group.name, group.name, **where)

    def frame(self, frame: Frame) -> ScoreNode:
        indicators = [self.indicator(indicator) for indicator in frame.indicators]
        title = f"{frame.name}（{frame.max_points}点・{self.catalog.total_max}点とは別枠）"
        return self.branch(
            T.GROUP,
            frame,
            indicators,
            frame.name,
            title,
            # a frame keeps no national average, even where its indicators print one
            sum_averages=False,
            grant=frame.grant,
            group="outcome_oriented_frame",
            outside_total=True,
        )

    def indicator(self, indicator: Indicator) -> ScoreNode:
        items = [self.item(item) for item in indicator.items]
        return self.branch(
            T.INDICATOR,
            indicator,
            items,
            indicator.number,
            indicator.title,
            best_of=indicator.combine == COMBINE_BEST_OF,
        )

    # --- items --------------------------------------------------------------------
    def item(self, item: Item) -> ScoreNode:
        if item.id in self._item_nodes:
            return self._item_nodes[item.id]
        self._in_progress.add(item.id)
        node = ScoreNode(
            level=T.ITEM,
            id=item.id,
            label=item.label,
            title=item.wording or item.hint or "",
            max_points=item.points,
            rule=item.rule,
            allowed=item.allowed_answers(),
            state_scored=item.state_scored,
            national_rate_pct=item.national_rate_pct,
            source=item,
        )
        earned = self.earned(item, node)
        if item.state_scored:
            node.estimable = 1
            node.estimated = 1 if node.answer is not None else 0
            node.points = 0
            node.projected_points = earned
            node.status = T.STATE_SCORED
        else:
            node.answerable = 1
            node.answered = 1 if node.answer is not None else 0
            blocked_by = self.unmet_prerequisites(item) if earned > 0 else []
            if blocked_by:
                node.points = node.projected_points = 0
                node.status = T.BLOCKED
                labels = "・".join(self.describe(ref, item) for ref in blocked_by)
                inferred = "（前提条件は該当率などからの推定）" if item.requires_inferred else ""
                node.reason = f"前提となる {labels} が該当していないため 0 点です{inferred}。"
            else:
                node.points = node.projected_points = earned
                if node.answer is None:
                    node.status = T.UNANSWERED
                elif earned > 0:
                    node.status = T.SCORED
                else:
                    node.status = T.NOT_MET
        self._in_progress.discard(item.id)
        self._item_nodes[item.id] = node
        self.index[node.id] = node
        return node

    def earned(self, item: Item, node: ScoreNode) -> int:
        """Points the answer gives before prerequisites; sets ``node.answer``."""
        if item.rule == ALL_OF:
            part_answers = [self.answers.get(part.id) for part in item.parts]
            node.parts = [
                {"id": part.id, "label": part.label, "answer": answer}
                for part, answer in zip(item.parts, part_answers, strict=True)
            ]
            if part_answers and all(a == MET for a in part_answers):
                node.answer = MET
            elif any(a == NOT_MET for a in part_answers):
                node.answer = NOT_MET
            else:
                node.answer = None
            return item.points if node.answer == MET else 0
        answer = self.answers.get(item.id)
        if item.rule == CHECK:
            node.answer = answer if answer in (MET, NOT_MET) else None
            return item.points if node.answer == MET else 0
        if item.rule in OPTION_RULES:
            if answer == NONE_OPTION:
                node.answer = NONE_OPTION
                return 0
            if answer is not None and item.option(answer) is not None:
                node.answer = answer
                return item.option_points(answer)
            node.answer = None
            return 0
        if item.rule == EXTERNAL:
            try:
                value = int(answer) if answer is not None else None
            except ValueError:
                value = None
            if value is None or not 0 <= value <= item.points:
                node.answer = None
                return 0
            node.answer = str(value)
            return value
        raise ValueError(f"unknown rule {item.rule}")

    def unmet_prerequisites(self, item: Item) -> list[str]:
        if item.requires_inferred and item.id in self.waived:
            return []  # only a prerequisite we inferred may be switched off, never an official one
        unmet = []
        for ref in item.requires:
            if ref in self._in_progress:  # a cycle; validation rejects it, stay safe anyway
                unmet.append(ref)
                continue
            prerequisite = self.item(self.catalog.item(ref))
            if prerequisite.projected_points <= 0:
                unmet.append(ref)
        return unmet

    def describe(self, item_id: str, owner: Item) -> str:
        """ア for a sibling; 1-ア for an item of another indicator."""
        item = self.catalog.item(item_id)
        indicator = self.catalog.indicator_of(item_id)
        if self.catalog.indicator_of(owner.id).id == indicator.id:
            return item.label
        return f"{indicator.number}-{item.label}"
