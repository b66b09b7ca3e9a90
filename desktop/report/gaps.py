"""Gap analysis (伸びしろ): which unmet sub-items are worth the most, and how common they are.

Every self-assessable sub-item that earns less than its points is a gap. What
meeting it would add is found by scoring the evaluation again with the item met
(:func:`desktop.scoring.score`), so caps, best-of series and prerequisites count
exactly as they will: an item behind an unmet prerequisite adds nothing on its own,
and one that unblocks an item already ticked adds both.

Ranking: items most municipalities already meet (national share ≥ 60 %:
「全国の多くが該当しているのに本町は未該当」) come first, then the rest; within
each, by points added, then by national share. Items that add nothing on their own
come last, and after them the state-scored ones where listed.

Which 全国該当率 a row shows: the share of all municipalities that scored the item in
the national results of the evaluation's year, where they are imported beside the
file; else (and for an item the results have no column for) the catalog's stored
rate. :func:`session_rate_source` decides it for the report, the command line and
the window alike.

Each row carries an effort mark (容易・要調整・不可) the user sets per evaluation;
until then the state-scored items read 不可 and the rest 未設定
(:func:`desktop.records.default_effort`). The state-scored items themselves
are listed only on request (``include_state_scored``): nobody can tick them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

from desktop.catalog.model import (
    ALL_OF,
    CHECK,
    CUMULATIVE_RULES,
    EXTERNAL,
    MET,
    OPTION_RULES,
    Catalog,
    Item,
)
from desktop.national.year_rates import session_year_rates
from desktop.records import EFFORT_UNSET, default_effort
from desktop.report.losses import LostItem, lost_items
from desktop.report.wording import item_reference
from desktop.scoring import score
from desktop.scoring import tree as T
from desktop.scoring.tree import ScoreTree

HIGH_SHARE_PCT = 60.0
# Said once above the list (not on every row); the row is marked by high_share.
HIGH_SHARE_NOTE = "全国の多くが該当しているのに{self_name}は未該当"


def high_share_note(self_name: str = "本市町村") -> str:
    return HIGH_SHARE_NOTE.format(self_name=self_name)


@dataclass(frozen=True)
class Gap:
    lost: LostItem
    reference: str  # 「推進 目標Ⅰ 体制・取組指標群 2-エ」
    grant: str  # suishin / shien / common
    group_id: str
    gain: int  # 自己評価の合計 added by meeting this item alone
    group_points_before: int
    group_points_after: int
    group_max: int
    total_before: int
    total_after: int
    total_max: int
    prerequisites: tuple[str, ...]  # unmet prerequisites it needs (ids)
    prerequisite_labels: tuple[str, ...]
    gain_with_prerequisites: int  # added when the prerequisites are met too
    section: str = ""  # 担当課 of the indicator, where set
    state_scored: bool = False  # the state scores it (listed only on request)
    effort_mark: str | None = None  # 容易・要調整・不可 as set by the user, or the default

    @property
    def effort(self) -> str:
        """The mark as shown: 「未設定」 when there is none."""
        return self.effort_mark or EFFORT_UNSET

    @property
    def item_id(self) -> str:
        return self.lost.item_id

    @property
    def indicator_title(self) -> str:
        """「2 介護保険事業計画の進捗状況…を分析しているか。」"""
        return self.lost.indicator_heading

    @property
    def unanswered(self) -> bool:
        """Not answered yet (as opposed to answered 非該当 or met only in part)."""
        return self.lost.status == T.UNANSWERED
    @property
    def national_rate_pct(self) -> float | None:
        return self.lost.national_rate_pct

    @property
    def high_share(self) -> bool:
        rate = self.national_rate_pct
        return rate is not None and rate >= HIGH_SHARE_PCT

    @property
    def group_rate_before(self) -> float | None:
        return self.group_points_before / self.group_max if self.group_max else None

    @property
    def group_rate_after(self) -> float | None:
        return self.group_points_after / self.group_max if self.group_max else None

    @property
    def note(self) -> str:
        """What only this row needs said (the high-share remark is said once, above)."""
        notes = []
        if self.state_scored:  # its points come from the state's figures, not from a tick
            notes.append("国が採点する小項目（加点は国の算定による）")
        elif self.prerequisites:
            notes.append(
                f"前提となる {'・'.join(self.prerequisite_labels)} も必要"
                f"（合わせて +{self.gain_with_prerequisites}点）"
            )
        elif self.gain <= 0:
            notes.append("上限に達しているため加点なし")
        return "。".join(notes)

    def to_dict(self) -> dict:
        return {
            "item_id": self.item_id,
            "reference": self.reference,
            "text": self.lost.text,
            "grant": self.grant,
            "group_id": self.group_id,
            "gain": self.gain,
            "national_rate_pct": self.national_rate_pct,
            "high_share": self.high_share,
            "group_points_before": self.group_points_before,
            "group_points_after": self.group_points_after,
            "group_max": self.group_max,
            "group_rate_before": _round(self.group_rate_before),
            "group_rate_after": _round(self.group_rate_after),
            "total_before": self.total_before,
            "total_after": self.total_after,
            "total_max": self.total_max,
            "prerequisites": list(self.prerequisites),
            "gain_with_prerequisites": self.gain_with_prerequisites,
            "status": self.lost.status,
            "indicator_title": self.indicator_title,
            "section": self.section,
            "note": self.note,
            "state_scored": self.state_scored,
            "effort": self.effort_mark,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def met_answers(catalog: Catalog, item: Item) -> dict[str, str]:
    """The answers that meet ``item`` in full (all parts of an all-of, the top option …)."""
    if item.rule == ALL_OF:
        return {part.id: MET for part in item.parts}
    if item.rule == CHECK:
        return {item.id: MET}
    if item.rule in CUMULATIVE_RULES:
        return {item.id: item.options[-1].label}
    if item.rule in OPTION_RULES:
        best = max(item.options, key=lambda option: item.option_points(option.label))
        return {item.id: best.label}
    if item.rule == EXTERNAL:
        return {item.id: str(item.points)}
    raise ValueError(item.rule)


def find_gaps(
    catalog: Catalog,
    answers: dict[str, str],
    *,
    tree: ScoreTree | None = None,
    user_wordings=None,
    waived: Collection[str] = (),
    sections: dict[str, str] | None = None,
    efforts: dict[str, str] | None = None,
    include_state_scored: bool = False,
) -> list[Gap]:
    """Every self-assessable unmet sub-item, ranked (see the module docstring).

    ``user_wordings``: the evaluation's TextLayers (or own summaries as a dict);
    ``waived``: inferred prerequisites the user switched off (scored accordingly);
    ``sections``: indicator id → its 担当課, shown on each row;
    ``efforts``: item id → the effort mark the user set;
    ``include_state_scored``: list the items the state scores too.
    """
    tree = tree or score(catalog, answers, waived)
    sections = sections or {}
    efforts = efforts or {}
    gaps = []
    for group_id in [g.id for g in catalog.all_groups()] + [f.id for f in catalog.frames]:
        for lost in lost_items(
            catalog, tree, group_id, user_wordings, include_state_scored=include_state_scored
        ):
            gap = _gap(catalog, answers, tree, group_id, lost, waived)
            state_scored = catalog.item(lost.item_id).state_scored
            gaps.append(
                replace(
                    gap,
                    section=sections.get(lost.indicator_id, ""),
                    state_scored=state_scored,
                    effort_mark=efforts.get(lost.item_id) or default_effort(state_scored),
                )
            )
    return rank(gaps)


def rank(gaps: list[Gap]) -> list[Gap]:
    order = {id(gap): index for index, gap in enumerate(gaps)}
    return sorted(
        gaps,
        key=lambda gap: (
            gap.state_scored,  # nobody can tick these: after every other row
            gap.gain <= 0,
            not gap.high_share,
            -gap.gain,
            -(gap.national_rate_pct if gap.national_rate_pct is not None else -1.0),
            order[id(gap)],
        ),
    )


# Where the 全国該当率 come from when the year's national results are not imported.
CATALOG_RATES_LABEL = "評価指標の資料"


@dataclass(frozen=True)
class RateSource:
    """Where 伸びしろ's 全国該当率 come from: ``label`` says it in words
    (「令和8年度の全国集計結果」, else 「評価指標の資料」), ``rates`` holds the year's
    real rates by item id (empty: the catalog's stored rates stand)."""

    label: str = CATALOG_RATES_LABEL
    rates: Mapping[str, float] = field(default_factory=dict)

    @property
    def imported(self) -> bool:
        return bool(self.rates)

    def apply(self, gaps: list[Gap]) -> list[Gap]:
        """The gaps with the real rates in place of the catalog's, ranked again; an item
        the national results have no column for keeps the catalog's rate."""
        if not self.rates:
            return gaps
        return rank(
            [
                replace(gap, lost=replace(gap.lost, national_rate_pct=self.rates[gap.item_id]))
                if gap.item_id in self.rates
                else gap
                for gap in gaps
            ]
        )


def session_rate_source(session) -> RateSource:
    """The year's imported national rates for ``session``, else the catalog's."""
    found = session_year_rates(session)
    if found is None:
        return RateSource()
    return RateSource(f"{found.year_label}の全国集計結果", found.rates)


def session_gaps(
    session, *, include_state_scored: bool = False, rates: RateSource | None = None
) -> list[Gap]:
    """:func:`find_gaps` for an open :class:`desktop.evaluation.session.Session`, with the
    全国該当率 of ``rates`` (default: :func:`session_rate_source`)."""
    rates = rates if rates is not None else session_rate_source(session)
    answers = session.answers()
    waived = session.waived_prerequisites()
    gaps = find_gaps(
        session.catalog,
        answers,
        tree=score(session.catalog, answers, waived),
        user_wordings=session.text_layers(),
        waived=waived,
        sections=indicator_sections(session),
        efforts=session.gap_efforts(),
        include_state_scored=include_state_scored,
    )
    return rates.apply(gaps)


def indicator_sections(session) -> dict[str, str]:
    """Indicator id → its 担当課 (only those set)."""
    notes = session.notes()
    return {key: note.section.strip() for key, note in notes.items() if note.section.strip()}


def _gap(
    catalog: Catalog,
    answers: dict[str, str],
    tree: ScoreTree,
    group_id: str,
    lost: LostItem,
    waived: Collection[str] = (),
) -> Gap:
    item = catalog.item(lost.item_id)
    group_before = tree.node(group_id)
    met = score(catalog, {**answers, **met_answers(catalog, item)}, waived)
    prerequisites = _unmet_prerequisites(catalog, tree, item)
    with_prerequisites = met
    if prerequisites:
        extra: dict[str, str] = {}
        for prerequisite in prerequisites:
            extra.update(met_answers(catalog, catalog.item(prerequisite)))
        with_prerequisites = score(
            catalog, {**answers, **extra, **met_answers(catalog, item)}, waived
        )
    return Gap(
        lost=lost,
        reference=item_reference(catalog, item.id),
        grant=group_before.grant or "",
        group_id=group_id,
        gain=met.root.points - tree.root.points + _frame_gain(tree, met, group_id),
        group_points_before=group_before.points,
        group_points_after=met.node(group_id).points,
        group_max=group_before.max_points,
        total_before=tree.root.points,
        total_after=met.root.points,
        total_max=tree.root.max_points,
        prerequisites=tuple(prerequisites),
        prerequisite_labels=tuple(_short_label(catalog, item, ref) for ref in prerequisites),
        gain_with_prerequisites=with_prerequisites.root.points
        - tree.root.points
        + _frame_gain(tree, with_prerequisites, group_id),
    )


def _frame_gain(before: ScoreTree, after: ScoreTree, group_id: str) -> int:
    """A frame sits outside the total, so its gain is counted from the frame itself."""
    node = before.node(group_id)
    if not node.outside_total:
        return 0
    return after.node(group_id).points - node.points


def _unmet_prerequisites(catalog: Catalog, tree: ScoreTree, item: Item) -> list[str]:
    """Prerequisites (and theirs, in turn) that do not score yet, in a stable order."""
    found: list[str] = []
    pending = list(item.requires)
    while pending:
        ref = pending.pop(0)
        if ref in found or ref == item.id:
            continue
        node = tree.node(ref)
        if node.projected_points > 0 and node.status != T.BLOCKED:
            continue
        found.append(ref)
        pending.extend(catalog.item(ref).requires)
    return found


def _short_label(catalog: Catalog, owner: Item, ref: str) -> str:
    if catalog.indicator_of(owner.id).id == catalog.indicator_of(ref).id:
        return catalog.item(ref).label
    return item_reference(catalog, ref)
