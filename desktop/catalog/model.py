"""The immutable catalog model: what a fiscal year's evaluation asks and what it is worth.

A catalog is built once by :mod:`desktop.catalog.loader` from a YAML file and never
changes afterwards; the scoring engine, the store and the views only read it.

Structure (R6–R8, municipal)::

    Catalog
    ├─ grants: 推進 (suishin), 支援 (shien)
    │   └─ goals 目標Ⅰ…Ⅲ → groups (process/activity) → indicators → items
    ├─ common: 目標Ⅳ, one goal whose score counts in both grants
    └─ frames: allocations outside the 800 points (R8 成果指向配分枠)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from desktop.formats import NamedFiscalYear

# Rule kinds an item may have (a closed list; see docs/catalog-format.md).
CHECK = "check"  # met or not; its points when met
TIERS = "tiers"  # cumulative tiers: reaching one scores it and every lower one
COUNT = "count"  # count thresholds (縦覧点検 2/3/4 帳票): cumulative like tiers
CHOICE = "choice"  # exactly one of several options, each with its own points
ALL_OF = "all_of"  # scores only when every part is met
EXTERNAL = "external"  # points computed by the state, entered as a number

ITEM_RULES = (CHECK, TIERS, COUNT, CHOICE, ALL_OF, EXTERNAL)
OPTION_RULES = (TIERS, COUNT, CHOICE)
CUMULATIVE_RULES = (TIERS, COUNT)

# How an indicator combines its items.
COMBINE_SUM = "sum"  # items add up (capped at the indicator's max)
COMBINE_BEST_OF = "best_of"  # alternative series: only the best one counts (capped)
COMBINE_RULES = (COMBINE_SUM, COMBINE_BEST_OF)

GROUP_KINDS = ("process", "activity", "outcome", "outcome_oriented_frame")
GROUP_NAMES = {
    "process": "体制・取組指標群",
    "activity": "活動指標群",
    "outcome": "成果指標群",
    "outcome_oriented_frame": "成果指向配分枠",
}
STATE_SCORED_KINDS = ("activity", "outcome", "outcome_oriented_frame")

GOAL_NUMERALS = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ"}

# Answers a check-like item takes.
MET = "該当"
NOT_MET = "非該当"
NONE_OPTION = "なし"  # an option item answered "no tier reached"
CLEAR = "未回答"

REFERENCE_MARK = "参考（公式文言ではありません）"


@dataclass(frozen=True)
class Option:
    """One column of a tiers/count/choice item (ア 全国上位7割, イ① 2帳票 …)."""

    label: str
    points: int
    note: str | None = None
    national_rate_pct: float | None = None
    at: int | None = None  # count threshold, for rule "count"
    line: int = 0


@dataclass(frozen=True)
class Part:
    """One condition of an all-of item; answered 該当/非該当 on its own."""

    id: str
    label: str
    wording: str | None = None
    hint: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Item:
    """A sub-item (小項目): the unit a municipality answers."""

    id: str
    label: str
    rule: str
    points: int  # the most this item can give on its own
    wording: str | None = None  # official wording, where our sources have it
    wording_source: str | None = None
    hint: str | None = None  # short unofficial description (参考)
    national_rate_pct: float | None = None
    options: tuple[Option, ...] = ()
    parts: tuple[Part, ...] = ()
    requires: tuple[str, ...] = ()
    requires_inferred: bool = False
    state_scored: bool = False
    note: str | None = None  # shown to users (plain Japanese, checked by the loader)
    provenance: str | None = None  # maintainers only: never shown in the window or outputs
    line: int = 0

    @property
    def has_official_wording(self) -> bool:
        return bool(self.wording)

    def option(self, label: str) -> Option | None:
        for option in self.options:
            if option.label == label:
                return option
        return None

    def option_points(self, label: str) -> int:
        """Points an option answer gives: cumulative for tiers/count, own for choice."""
        total = 0
        for option in self.options:
            if self.rule in CUMULATIVE_RULES:
                total += option.points
                if option.label == label:
                    return total
            elif option.label == label:
                return option.points
        raise KeyError(label)

    def allowed_answers(self) -> list[tuple[str, int]]:
        """Every value this item accepts with the points it gives (not counting caps)."""
        if self.rule in (CHECK, ALL_OF):
            return [(MET, self.points), (NOT_MET, 0)]
        if self.rule in OPTION_RULES:
            return [(NONE_OPTION, 0)] + [
                (o.label, self.option_points(o.label)) for o in self.options
            ]
        if self.rule == EXTERNAL:
            return [(str(n), n) for n in range(self.points + 1)]
        raise ValueError(self.rule)

    @property
    def letter(self) -> str:
        """The ア/イ/ウ… letter the official item counts are taken at."""
        return self.label[:1]


@dataclass(frozen=True)
class Indicator:
    """An evaluation indicator (評価指標)."""

    id: str
    number: str  # official number shown to users ("1", "2" …); moves between years
    title: str
    max_points: int
    items: tuple[Item, ...]
    combine: str = COMBINE_SUM
    title_source: str | None = None
    national_avg_points: float | None = None
    note: str | None = None  # shown to users (plain Japanese, checked by the loader)
    provenance: str | None = None  # maintainers only: never shown in the window or outputs
    line: int = 0

    @property
    def reachable_points(self) -> int:
        if not self.items:
            return 0
        if self.combine == COMBINE_BEST_OF:
            return max(item.points for item in self.items)
        return sum(item.points for item in self.items)

    @property
    def official_item_count(self) -> int:
        """Sub-items counted the ministry's way (ア/イ/ウ level, ①–④ folded)."""
        if self.combine == COMBINE_BEST_OF:
            return 1
        return len({item.letter for item in self.items})


@dataclass(frozen=True)
class Group:
    """An indicator group (指標群) of a goal."""

    id: str
    kind: str
    max_points: int
    indicators: tuple[Indicator, ...]
    national_avg_points: float | None = None
    line: int = 0

    @property
    def name(self) -> str:
        return GROUP_NAMES[self.kind]


@dataclass(frozen=True)
class Goal:
    """A goal (目標Ⅰ…Ⅳ) of a grant, or the common 目標Ⅳ."""

    id: str
    code: str  # I, II, III, IV
    name: str
    max_points: int
    groups: tuple[Group, ...]
    national_avg_points: float | None = None
    line: int = 0

    @property
    def label(self) -> str:
        return f"目標{GOAL_NUMERALS.get(self.code, self.code)}"


@dataclass(frozen=True)
class Grant:
    """One of the two grants, with its own goals."""

    id: str  # suishin / shien
    name: str
    short_name: str
    max_points: int
    goals: tuple[Goal, ...]  # its own goals; the common goal is added by the catalog
    national_avg_points: float | None = None
    line: int = 0


@dataclass(frozen=True)
class Frame:
    """An allocation outside the 800 points (R8 成果指向配分枠)."""

    id: str
    grant: str
    name: str
    max_points: int
    indicators: tuple[Indicator, ...]
    line: int = 0


@dataclass(frozen=True)
class Catalog(NamedFiscalYear):
    """A fiscal year's indicators and points, as the ministry sets them."""

    id: str
    title: str
    fiscal_year: int  # FY2026 = 令和8年度
    level: str  # municipal
    revision: int
    status: str  # draft / final
    sources: tuple[str, ...]
    total_max: int
    grants: tuple[Grant, ...]
    common: Goal | None
    frames: tuple[Frame, ...] = ()
    national_avg_total: float | None = None
    content_hash: str = ""
    path: str = ""
    _index: dict = field(default_factory=dict, compare=False, repr=False, hash=False)

    # --- naming -------------------------------------------------------------
    @property
    def level_label(self) -> str:
        return {"municipal": "市町村分", "prefectural": "都道府県分"}.get(self.level, self.level)

    # --- walking ----------------------------------------------------------------
    def goals_of(self, grant: Grant) -> tuple[Goal, ...]:
        """A grant's goals including the common 目標Ⅳ, in display order."""
        return grant.goals + ((self.common,) if self.common else ())

    def all_goals(self) -> Iterator[Goal]:
        """Every goal once (the common goal once, not per grant)."""
        for grant in self.grants:
            yield from grant.goals
        if self.common:
            yield self.common

    def all_groups(self) -> Iterator[Group]:
        for goal in self.all_goals():
            yield from goal.groups

    def all_indicators(self, *, with_frames: bool = True) -> Iterator[Indicator]:
        for group in self.all_groups():
            yield from group.indicators
        if with_frames:
            for frame in self.frames:
                yield from frame.indicators

    def all_items(self) -> Iterator[Item]:
        for indicator in self.all_indicators():
            yield from indicator.items

    def item(self, item_id: str) -> Item:
        return self._lookup("item", item_id)

    def indicator(self, indicator_id: str) -> Indicator:
        return self._lookup("indicator", indicator_id)

    def indicator_of(self, item_id: str) -> Indicator:
        return self._lookup("indicator_of", item_id)

    def part(self, part_id: str) -> tuple[Item, Part]:
        return self._lookup("part", part_id)

    def has_item(self, item_id: str) -> bool:
        return item_id in self._build_index()["item"]

    def has_part(self, part_id: str) -> bool:
        return part_id in self._build_index()["part"]

    def has_target(self, target_id: str) -> bool:
        """Whether an answer can be stored under this id (an item or an all-of part)."""
        return self.has_item(target_id) or self.has_part(target_id)

    def item_of_target(self, target_id: str) -> Item:
        """The item an answer id belongs to: the item itself, or the item of an all-of part."""
        if self.has_part(target_id):
            return self.part(target_id)[0]
        return self.item(target_id)

    def indicator_of_target(self, target_id: str) -> Indicator:
        return self.indicator_of(self.item_of_target(target_id).id)

    def has_indicator(self, indicator_id: str) -> bool:
        return indicator_id in self._build_index()["indicator"]

    def group_of(self, indicator_id: str) -> Group | Frame:
        return self._lookup("group_of", indicator_id)

    def goal_of(self, group_id: str) -> Goal | None:
        return self._build_index()["goal_of"].get(group_id)

    def group(self, group_id: str) -> Group:
        return self._lookup("group", group_id)

    def _lookup(self, kind: str, key: str):
        try:
            return self._build_index()[kind][key]
        except KeyError:
            raise KeyError(f"{self.id}: {key}") from None

    def _build_index(self) -> dict:
        if self._index:
            return self._index
        index: dict[str, dict] = {
            "item": {},
            "indicator": {},
            "indicator_of": {},
            "part": {},
            "group_of": {},
            "goal_of": {},
            "group": {},
        }
        for goal in self.all_goals():
            for group in goal.groups:
                index["group"][group.id] = group
                index["goal_of"][group.id] = goal
                for indicator in group.indicators:
                    index["group_of"][indicator.id] = group
        for frame in self.frames:
            for indicator in frame.indicators:
                index["group_of"][indicator.id] = frame
        for indicator in self.all_indicators():
            index["indicator"][indicator.id] = indicator
            for item in indicator.items:
                index["item"][item.id] = item
                index["indicator_of"][item.id] = indicator
                for part in item.parts:
                    index["part"][part.id] = (item, part)
        # The dataclass is frozen; the index is a cache filled once, in place.
        self._index.update(index)
        return self._index

    def display_name(self) -> str:
        """What users call a catalog: the year and the level (ids and revisions are internal)."""
        return f"{self.year_label} {self.level_label}（{self.status_label}）"

    @property
    def status_label(self) -> str:
        return {"draft": "暫定版", "final": "確定版"}.get(self.status, self.status)
