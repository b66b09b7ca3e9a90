"""The score tree: points and maxima for every sub-item, indicator, group, goal and grant.

A tree is built fresh by :func:`desktop.scoring.engine.score` on every change and
never mutated afterwards. The common 目標Ⅳ node is one object that appears under
both grants, so its figures are the same in both places by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Levels (also the JSON contract of `hyoka-desk show --json`).
TOTAL = "total"
GRANT = "grant"
GOAL = "goal"
GROUP = "group"
INDICATOR = "indicator"
ITEM = "item"

# Statuses.
SCORED = "scored"  # points > 0 (self-assessed)
NOT_MET = "not_met"  # answered, no points
BLOCKED = "blocked"  # met, but a prerequisite is not: scores 0 (reason says why)
UNANSWERED = "unanswered"
STATE_SCORED = "state_scored"  # computed by the state; only an estimate is entered

STATUS_LABELS = {
    SCORED: "得点",
    NOT_MET: "非該当",
    BLOCKED: "前提未充足",
    UNANSWERED: "未回答",
    STATE_SCORED: "国が算定（見込み）",
}


@dataclass
class ScoreNode:
    """The points of one level (total, grant, goal, group, indicator or sub-item)."""

    level: str
    id: str
    label: str
    title: str
    max_points: int
    points: int = 0  # 自己評価
    projected_points: int = 0  # 見込み: 自己評価 + estimates for state-scored items
    national_avg_points: float | None = None
    national_avg_derived: bool = False  # summed from the children, not printed by the ministry
    status: str = UNANSWERED
    reason: str | None = None
    children: list[ScoreNode] = field(default_factory=list)
    answered: int = 0  # self-assessed items answered
    answerable: int = 0  # self-assessed items
    estimated: int = 0  # state-scored items with an estimate
    estimable: int = 0  # state-scored items
    grant: str | None = None
    goal: str | None = None
    group: str | None = None
    outside_total: bool = False
    # items only
    rule: str | None = None
    answer: str | None = None
    allowed: list[tuple[str, int]] | None = None
    state_scored: bool = False
    national_rate_pct: float | None = None
    parts: list[dict] | None = None  # all-of parts: id, label, answer
    source: object = field(default=None, repr=False, compare=False)  # the catalog object

    # --- derived figures ---------------------------------------------------------
    @property
    def rate(self) -> float | None:
        """得点率 (0–1) of the self-assessment."""
        return self.points / self.max_points if self.max_points else None

    @property
    def projected_rate(self) -> float | None:
        return self.projected_points / self.max_points if self.max_points else None

    @property
    def national_avg_rate(self) -> float | None:
        if self.national_avg_points is None or not self.max_points:
            return None
        return self.national_avg_points / self.max_points

    @property
    def lost_points(self) -> int:
        return self.max_points - self.points

    @property
    def is_complete(self) -> bool:
        return self.answered == self.answerable

    def walk(self):
        """Every node below and including this one, depth first (shared nodes once per parent)."""
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict:
        """The stable JSON form (see README: `hyoka-desk show --json`)."""
        data: dict = {
            "level": self.level,
            "id": self.id,
            "label": self.label,
            "title": self.title,
            "points": self.points,
            "projected_points": self.projected_points,
            "max_points": self.max_points,
            "status": self.status,
        }
        if self.reason:
            data["reason"] = self.reason
        if self.grant is not None and self.level in (GRANT, GOAL, GROUP):
            data["grant"] = self.grant
        if self.goal is not None and self.level in (GOAL, GROUP):
            data["goal"] = self.goal
        if self.level == GROUP:
            data["group"] = self.group
        if self.outside_total:
            data["outside_total"] = True
        if self.level != ITEM:
            data["answered"] = self.answered
            data["answerable"] = self.answerable
        if (
            self.level in (INDICATOR, GROUP, GOAL, GRANT, TOTAL)
            and self.national_avg_points is not None
        ):
            data["national_avg_points"] = round(self.national_avg_points, 2)
            if self.national_avg_derived:
                data["national_avg_derived"] = True
        if self.level == ITEM:
            data["rule"] = self.rule
            data["answer"] = self.answer
            data["allowed"] = [{"value": v, "points": p} for v, p in (self.allowed or [])]
            data["state_scored"] = self.state_scored
            if self.national_rate_pct is not None:
                data["national_rate_pct"] = self.national_rate_pct
            if self.parts:
                data["parts"] = self.parts
        data["children"] = [child.to_dict() for child in self.children]
        return data


@dataclass
class ScoreTree:
    """Every node of a scored evaluation, from the total down, found by id."""

    root: ScoreNode
    index: dict[str, ScoreNode]

    def node(self, node_id: str) -> ScoreNode:
        return self.index[node_id]

    def get(self, node_id: str) -> ScoreNode | None:
        return self.index.get(node_id)

    @property
    def grants(self) -> list[ScoreNode]:
        return [child for child in self.root.children if child.level == GRANT]

    @property
    def frames(self) -> list[ScoreNode]:
        return [child for child in self.root.children if child.outside_total]

    def items(self):
        return [node for node in self.index.values() if node.level == ITEM]
