"""What people do with the national results by hand today, computed (no Qt, no I/O).

* ranks: ties share the better rank (one plus the number strictly above);
* distribution: mean, median, quartiles, standard deviation (population SD), for the
  nation and for every comparison group (:func:`group_figures`);
* standing of one municipality: national, prefecture, 規模区分 and 過疎 ranks, per goal;
* what-if: the rank with N more points;
* peers, and each column's rate among all and among peers;
* the prefecture view: its municipalities, its average among the 47 prefectures'
  averages (the tiers 上位7割/5割/3割/1割 the prefecture indicators use), and those
  under the "far below" line (score rate under the national mean rate − 2 × SD).
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from desktop.catalog.model import GOAL_NUMERALS, Catalog
from desktop.national.columns import split_key
from desktop.national.dataset import NationalDataset, NationalMunicipality
from desktop.national.errors import NationalFileError
from desktop.national.text import norm

WHAT_IF_STEPS = (5, 10, 20, 50)
TIERS = ((0.7, "上位7割"), (0.5, "上位5割"), (0.3, "上位3割"), (0.1, "上位1割"))
PEER_KINDS = {
    "band": "同じ規模区分",
    "kaso": "同じ過疎区分",
    "band_kaso": "同じ規模区分・過疎区分",
    "prefecture": "同じ都道府県",
}


# --- ranks and distributions --------------------------------------------------------------
class Ranking:
    """Ranks within one set of values: ties share the better rank."""

    def __init__(self, values: Iterable[float]):
        self.sorted = sorted(values)

    @property
    def count(self) -> int:
        return len(self.sorted)

    def rank(self, value: float) -> int:
        """One plus the number of values strictly above ``value``."""
        return 1 + len(self.sorted) - bisect.bisect_right(self.sorted, value)


def rank_of(value: float, values: Iterable[float]) -> int:
    return Ranking(values).rank(value)


@dataclass(frozen=True)
class Distribution:
    count: int
    mean: float
    median: float
    q1: float
    q3: float
    sd: float
    minimum: float
    maximum: float

    def to_dict(self) -> dict:
        return {
            "count": self.count,
            "mean": round(self.mean, 2),
            "median": self.median,
            "q1": self.q1,
            "q3": self.q3,
            "sd": round(self.sd, 2),
            "min": self.minimum,
            "max": self.maximum,
        }


def distribution(values: Sequence[float]) -> Distribution:
    values = sorted(values)
    if not values:
        return Distribution(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    if len(values) == 1:
        v = values[0]
        return Distribution(1, v, v, v, v, 0.0, v, v)
    q1, _q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return Distribution(
        len(values),
        statistics.fmean(values),
        statistics.median(values),
        q1,
        q3,
        statistics.pstdev(values),
        values[0],
        values[-1],
    )


# --- finding a municipality -----------------------------------------------------------------
def find_municipality(
    dataset: NationalDataset, *, insurer: str | None = None, name: str | None = None
) -> NationalMunicipality:
    """By 保険者番号, or by 「都道府県名/市町村名」 (the prefecture may be left out when unique)."""
    if insurer:
        wanted = norm(insurer).zfill(6)
        for m in dataset.municipalities:
            if m.insurer and norm(m.insurer).zfill(6) == wanted:
                return m
        raise NationalFileError(
            f"保険者番号 {insurer} の市町村は{dataset.year_label}の全国集計結果にありません"
            "（広域連合の構成市町村は --name 都道府県名/市町村名 で指定します）。"
        )
    if not name:
        raise NationalFileError("市町村を保険者番号か「都道府県名/市町村名」で指定してください。")
    prefecture, _sep, town = norm(name).rpartition("/")
    matches = [
        m
        for m in dataset.municipalities
        if norm(m.name) == town and (not prefecture or norm(m.prefecture) == prefecture)
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NationalFileError(f"「{name}」は{dataset.year_label}の全国集計結果にありません。")
    places = "、".join(m.prefecture for m in matches)
    raise NationalFileError(
        f"「{name}」は{len(matches)}件あります（{places}）。「都道府県名/市町村名」で指定してください。"
    )


# --- standing -------------------------------------------------------------------------------
def _members(dataset: NationalDataset, keep) -> list[NationalMunicipality]:
    return [m for m in dataset.municipalities if keep(m)]


def peers(
    dataset: NationalDataset, municipality: NationalMunicipality, kind: str
) -> list[NationalMunicipality]:
    """The municipality's peers (itself included): band, kaso, band_kaso or prefecture."""
    if kind == "band":
        return _members(dataset, lambda m: m.band == municipality.band)
    if kind == "kaso":
        return _members(dataset, lambda m: m.kaso == municipality.kaso)
    if kind == "band_kaso":
        return _members(
            dataset, lambda m: m.band == municipality.band and m.kaso == municipality.kaso
        )
    if kind == "prefecture":
        return _members(dataset, lambda m: m.prefecture_no == municipality.prefecture_no)
    raise ValueError(kind)


def standing(
    dataset: NationalDataset, municipality: NationalMunicipality, catalog: Catalog
) -> dict:
    """The ``national rank --json`` figures (names are a contract)."""
    totals = [m.total for m in dataset.municipalities]
    national = distribution(totals)
    result = {
        "year": dataset.year_code,
        "serial": municipality.serial,
        "insurer": municipality.insurer,
        "name": municipality.name,
        "total": municipality.total,
        "rank": rank_of(municipality.total, totals),
        "of": len(totals),
        "mean": round(national.mean, 2),
        "median": national.median,
        "q1": national.q1,
        "q3": national.q3,
        "sd": round(national.sd, 2),
    }
    for kind in ("prefecture", "band", "kaso"):
        group = [m.total for m in peers(dataset, municipality, kind)]
        result.update(group_figures(municipality.total, group, kind))
    result["prefecture"] = municipality.prefecture
    result["band"] = municipality.band
    result["band_derived"] = dataset.band_derived
    result["kaso"] = municipality.kaso
    goals = []
    for grant in catalog.grants:
        for goal in catalog.goals_of(grant):
            values = [m.totals.get(goal.id, 0.0) for m in dataset.municipalities]
            goals.append(
                {
                    "grant": grant.id,
                    "grant_name": grant.short_name,
                    "goal": goal.id,
                    "label": f"目標{GOAL_NUMERALS.get(goal.code, goal.code)}",
                    "max": goal.max_points,
                    "points": municipality.totals.get(goal.id, 0.0),
                    "national_mean": round(statistics.fmean(values), 2),
                    "rank": rank_of(municipality.totals.get(goal.id, 0.0), values),
                }
            )
    result["goals"] = goals
    result["what_if"] = [
        {"plus": plus, "rank": rank_of(municipality.total + plus, totals)} for plus in WHAT_IF_STEPS
    ]
    return result


def group_figures(total: float, group: Sequence[float], prefix: str) -> dict:
    """``{prefix}_rank``, ``_of``, ``_mean``, ``_median``, ``_q1`` and ``_q3`` of ``total``
    within ``group`` (the municipality's own total included): the same figures for every
    comparison group, the nation's and a list the user picked alike."""
    stats = distribution(group)
    return {
        f"{prefix}_rank": rank_of(total, group),
        f"{prefix}_of": len(group),
        f"{prefix}_mean": round(stats.mean, 2),
        f"{prefix}_median": stats.median,
        f"{prefix}_q1": stats.q1,
        f"{prefix}_q3": stats.q3,
    }


def what_if(dataset: NationalDataset, total: float, extra: float = 0) -> int:
    """The national rank ``total + extra`` points would have had (others unchanged)."""
    return rank_of(total + extra, [m.total for m in dataset.municipalities])


# --- rates ---------------------------------------------------------------------------------
def column_rates(
    dataset: NationalDataset, members: Sequence[NationalMunicipality] | None = None
) -> dict[str, float]:
    """Share (%) of ``members`` (default: all) scoring each column."""
    members = dataset.municipalities if members is None else members
    if not members:
        return {}
    n = len(members)
    by_column = list(zip(*(m.points for m in members), strict=True))
    return {key: (n - by_column[i].count(0)) * 100.0 / n for i, key in enumerate(dataset.columns)}


def item_rates(
    dataset: NationalDataset, members: Sequence[NationalMunicipality] | None = None
) -> dict[str, float]:
    """Per sub-item id: share (%) scoring it; an option item counts its first option
    (any points), and each option also appears as ``item:option``."""
    rates = column_rates(dataset, members)
    result: dict[str, float] = dict(rates)
    for key, rate in rates.items():
        item_id, option = split_key(key)
        if option is None:
            result[item_id] = rate
        else:
            result[item_id] = max(result.get(item_id, 0.0), rate)
    return result


# --- prefecture view -----------------------------------------------------------------------
def far_below_line(dataset: NationalDataset, total_max: int) -> tuple[float, float]:
    """(line in points, line as a score rate): national mean rate − 2 × SD."""
    totals = [m.total for m in dataset.municipalities]
    mean_rate = statistics.fmean(totals) / total_max
    sd_rate = statistics.pstdev(totals) / total_max
    rate = mean_rate - 2 * sd_rate
    return rate * total_max, rate


def prefecture_averages(dataset: NationalDataset) -> dict[int, float]:
    sums: dict[int, list[float]] = {}
    for m in dataset.municipalities:
        sums.setdefault(m.prefecture_no, []).append(m.total)
    return {no: statistics.fmean(values) for no, values in sums.items()}


def find_prefecture(dataset: NationalDataset, name: str) -> int:
    wanted = norm(name)
    for m in dataset.municipalities:
        if norm(m.prefecture) == wanted or norm(m.prefecture).rstrip("都道府県") == wanted.rstrip(
            "都道府県"
        ):
            return m.prefecture_no
    raise NationalFileError(f"都道府県「{name}」は{dataset.year_label}の全国集計結果にありません。")


def prefecture_view(dataset: NationalDataset, catalog: Catalog, name: str) -> dict:
    """The ``national prefecture --json`` figures (names are a contract)."""
    number = find_prefecture(dataset, name)
    members = sorted(
        (m for m in dataset.municipalities if m.prefecture_no == number),
        key=lambda m: (-m.total, m.serial),
    )
    national = Ranking(m.total for m in dataset.municipalities)
    local = Ranking(m.total for m in members)
    averages = prefecture_averages(dataset)
    average = averages[number]
    prefecture_rank = rank_of(average, averages.values())
    of = len(averages)
    tiers = [
        {"tier": label, "reached": prefecture_rank <= math.floor(of * share + 1e-9)}
        for share, label in TIERS
    ]
    line_points, line_rate = far_below_line(dataset, catalog.total_max)
    group_ids = [g.id for g in catalog.all_groups()]
    goal_ids = [g.id for g in catalog.all_goals()]

    def row(m: NationalMunicipality) -> dict:
        return {
            "serial": m.serial,
            "insurer": m.insurer,
            "name": m.name,
            "total": m.total,
            "rank": national.rank(m.total),
            "prefecture_rank": local.rank(m.total),
            "band": m.band,
            "kaso": m.kaso,
            "suishin": m.totals.get("suishin", 0.0),
            "shien": m.totals.get("shien", 0.0),
            "goals": {g: m.totals.get(g, 0.0) for g in goal_ids},
            "groups": {g: m.totals.get(g, 0.0) for g in group_ids},
        }

    return {
        "year": dataset.year_code,
        "prefecture": members[0].prefecture,
        "count": len(members),
        "municipalities": [row(m) for m in members],
        "average": round(average, 2),
        "national_mean": round(statistics.fmean(national.sorted), 2),
        "average_rank": prefecture_rank,
        "average_of": of,
        "tiers": tiers,
        "far_below": {
            "line_points": round(line_points, 2),
            "line_rate": round(line_rate, 4),
            "national_count": sum(1 for v in national.sorted if v < line_points),
            "municipalities": [row(m) for m in members if m.total < line_points],
        },
    }


# --- amount estimate (試算) ----------------------------------------------------------------
ESTIMATE_LABEL = "試算"
ESTIMATE_NOTE = (
    "基本配分枠を「得点 × 第1号被保険者数」の比で分けた試算です。実際の交付額には追加配分枠・"
    "激変緩和措置があり、所要見込額との低い方になるため、この額とは異なります。"
)


def amount_estimate(
    dataset: NationalDataset, municipality: NationalMunicipality, frames: dict[str, float]
) -> dict:
    """Per grant: points, estimated basic allocation and one point's worth (千円)."""
    result: dict = {"label": ESTIMATE_LABEL, "note": ESTIMATE_NOTE, "year": dataset.year_code}
    for grant_id, frame in frames.items():
        weight = sum(
            m.totals.get(grant_id, 0.0) * (m.first_insured or 0) for m in dataset.municipalities
        )
        points = municipality.totals.get(grant_id, 0.0)
        first = municipality.first_insured or 0
        if weight <= 0 or frame is None:
            result[grant_id] = {
                "points": points,
                "frame_thousand_yen": frame,
                "amount_thousand_yen": None,
                "per_point_thousand_yen": None,
            }
            continue
        amount = frame * points * first / weight
        # One more point raises the municipality's share and, a little, the denominator.
        one_more = frame * (points + 1) * first / (weight + first)
        result[grant_id] = {
            "points": points,
            "frame_thousand_yen": frame,
            "amount_thousand_yen": round(amount, 1),
            "per_point_thousand_yen": round(one_more - amount, 3),
        }
    return result
