"""伸びしろ with the real rates of the year (no Qt).

Where the national results of the evaluation's year are imported and the municipality
is picked, each unmet sub-item's 該当率 is the share of all municipalities that scored
it that year (it replaces the catalog's stored rate, so 「全国60%以上」 and the default
order follow the real figure), and beside it the share among the peers: the
municipalities of the same 規模区分. An item most peers score (≥ 50 %) is marked. What
meeting an item is worth is its points × one point's worth (試算) of its grant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.national.analysis import item_rates, peers
from desktop.national.standing import SessionNational, per_point_values, session_national
from desktop.national.views import MOST_PEERS_PCT
from desktop.report.gaps import Gap, RateSource

ESTIMATE_WORD = "試算"


@dataclass(frozen=True)
class GapRates:
    year_label: str
    peers_label: str  # 「規模区分3の市町村（122）」
    national: dict[str, float]  # item id → % of all municipalities scoring it
    among_peers: dict[str, float]  # item id → % of the peers scoring it
    per_point: dict[str, float | None] = field(default_factory=dict)  # grant → 千円

    def peer_rate(self, item_id: str) -> float | None:
        return self.among_peers.get(item_id)

    def most_peers(self, item_id: str) -> bool:
        rate = self.peer_rate(item_id)
        return rate is not None and rate >= MOST_PEERS_PCT

    def value(self, gap: Gap) -> float | None:
        """The item's added points × one point's worth (千円, 試算).

        目標Ⅳ (common) counts in both grants' totals, so a point there is worth both.
        """
        grants = ("suishin", "shien") if gap.grant == "common" else (gap.grant,)
        worth = [self.per_point.get(grant) for grant in grants]
        if not worth or any(w is None for w in worth):
            return None
        return gap.gain * sum(worth)

    @property
    def has_values(self) -> bool:
        return any(v is not None for v in self.per_point.values())


def gap_rates(found: SessionNational, per_point: dict[str, float | None]) -> GapRates:
    members = peers(found.dataset, found.municipality, "band")
    band = found.municipality.band
    label = "同じ規模区分" if band is None else f"規模区分{band}"
    return GapRates(
        year_label=found.dataset.year_label,
        peers_label=f"{label}の市町村（{len(members)}）",
        national=item_rates(found.dataset),
        among_peers=item_rates(found.dataset, members),
        per_point=per_point,
    )


def with_real_rates(gaps: list[Gap], rates: GapRates) -> list[Gap]:
    """The gaps with the year's national 該当率 in place of the catalog's, ranked again
    (the rule of :class:`desktop.report.gaps.RateSource`)."""
    return RateSource(f"{rates.year_label}の全国集計結果", rates.national).apply(gaps)


def session_gap_rates(session) -> GapRates | None:
    """The real rates for ``session``'s year and picked municipality, or None."""
    found = session_national(session)
    if found is None:
        return None
    return gap_rates(found, per_point_values(found.dataset, found.municipality, found.frames))
