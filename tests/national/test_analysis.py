"""Ranks, distributions, peers, prefecture view and the amount estimate."""

from __future__ import annotations

import pytest

from desktop.catalog import registry
from desktop.national.analysis import (
    amount_estimate,
    distribution,
    far_below_line,
    find_municipality,
    item_rates,
    peers,
    prefecture_view,
    rank_of,
    standing,
    what_if,
)
from desktop.national.dataset import NationalDataset, NationalMunicipality
from desktop.national.errors import NationalFileError
from desktop.national.frames import frames_for
from desktop.national.reader import read_national


def _muni(
    serial,
    total,
    *,
    pref=1,
    band=1,
    kaso=False,
    insurer=None,
    name=None,
    first=1000.0,
    suishin=None,
):
    suishin = total / 2 if suishin is None else suishin
    return NationalMunicipality(
        serial=serial,
        prefecture_no=pref,
        prefecture=["北海道", "青森県", "岩手県"][pref - 1],
        name=name or f"町{serial}",
        insurer=insurer,
        population=None,
        first_insured=first,
        band=band,
        kaso=kaso,
        row=18 + serial,
        points=[1.0 if serial % 2 else 0.0],
        totals={"total": total, "suishin": suishin, "shien": total - suishin},
    )


def _dataset(munis):
    return NationalDataset(
        2026, "municipal-r8", 1, "", "", "x.xlsx", "", ("suishin.I.process.features.a",), munis
    )


def test_ties_share_the_better_rank():
    values = [500, 480, 480, 480, 400]
    assert [rank_of(v, values) for v in values] == [1, 2, 2, 2, 5]
    assert rank_of(481, values) == 2
    assert rank_of(399, values) == 6


def test_distribution_mean_median_quartiles():
    d = distribution([1, 2, 3, 4, 5, 6, 7, 8, 9])
    assert (d.mean, d.median, d.q1, d.q3, d.minimum, d.maximum) == (5, 5, 3, 7, 1, 9)


def test_what_if_and_peer_ranks():
    munis = [
        _muni(1, 600, band=2),
        _muni(2, 500, band=1),
        _muni(3, 450, band=1, pref=2),
        _muni(4, 300, band=1, kaso=True),
    ]
    dataset = _dataset(munis)
    assert what_if(dataset, 450, 60) == 2  # 510: only 600 above
    assert what_if(dataset, 450, 0) == 3
    assert [m.serial for m in peers(dataset, munis[2], "band")] == [2, 3, 4]
    result = standing(dataset, munis[2], registry.for_year(2026))
    assert (result["rank"], result["of"]) == (3, 4)
    assert (result["band_rank"], result["band_of"]) == (2, 3)
    assert (result["prefecture_rank"], result["prefecture_of"]) == (1, 1)
    assert result["mean"] == 462.5 and result["median"] == 475
    assert {w["plus"]: w["rank"] for w in result["what_if"]}[50] == 2  # 500 ties for 2nd


def test_find_by_insurer_and_by_prefecture_and_name():
    munis = [
        _muni(1, 500, insurer="010001", name="府中市"),
        _muni(2, 400, pref=2, name="府中市"),
        _muni(3, 300, name="森町"),
    ]
    dataset = _dataset(munis)
    assert find_municipality(dataset, insurer="10001").serial == 1
    assert find_municipality(dataset, name="青森県/府中市").serial == 2
    assert find_municipality(dataset, name="森町").serial == 3
    with pytest.raises(NationalFileError, match="2件あります"):
        find_municipality(dataset, name="府中市")
    with pytest.raises(NationalFileError, match="保険者番号 999999"):
        find_municipality(dataset, insurer="999999")


def test_far_below_line_is_mean_minus_two_sd():
    munis = [_muni(i, t) for i, t in enumerate([400] * 10 + [600] * 10 + [100], 1)]
    dataset = _dataset(munis)
    line, rate = far_below_line(dataset, 800)
    totals = [m.total for m in munis]
    mean = sum(totals) / len(totals)
    sd = (sum((t - mean) ** 2 for t in totals) / len(totals)) ** 0.5
    assert line == pytest.approx(mean - 2 * sd)
    assert rate == pytest.approx(line / 800)
    view = prefecture_view(dataset, registry.for_year(2026), "北海道")
    assert [m["serial"] for m in view["far_below"]["municipalities"]] == [21]
    assert view["far_below"]["national_count"] == 1


def test_prefecture_tiers_rank_the_prefecture_averages():
    munis = [_muni(1, 600, pref=1), _muni(2, 500, pref=2), _muni(3, 400, pref=3)]
    view = prefecture_view(_dataset(munis), registry.for_year(2026), "青森")
    assert view["average_rank"] == 2 and view["average_of"] == 3
    reached = {t["tier"]: t["reached"] for t in view["tiers"]}
    # rank 2 of 3: within the top 70 % (2.1) and 50 %? floor(1.5) = 1 → no.
    assert reached == {"上位7割": True, "上位5割": False, "上位3割": False, "上位1割": False}


def test_amount_is_the_share_of_points_times_first_insured():
    munis = [_muni(1, 400, first=1000, suishin=200), _muni(2, 400, first=3000, suishin=100)]
    dataset = _dataset(munis)
    estimate = amount_estimate(dataset, munis[0], {"suishin": 1000.0})
    # weights: 200*1000 = 200,000 and 100*3000 = 300,000 → 40 %
    assert estimate["suishin"]["amount_thousand_yen"] == 400.0
    # one more point: 1000 * 201*1000 / 501,000
    assert estimate["suishin"]["per_point_thousand_yen"] == pytest.approx(
        1000 * 201000 / 501000 - 400, abs=1e-3
    )
    assert estimate["label"] == "試算"


def test_r6_frames_ship_and_others_are_entered():
    assert frames_for(2024) == {"suishin": 8122500.0, "shien": 16245000.0}
    assert frames_for(2026) == {"suishin": None, "shien": None}
    assert frames_for(2026, {"suishin": 100.0})["suishin"] == 100.0


def test_item_rates_match_the_generated_rows(national_r8):
    dataset = read_national(national_r8.path)
    rates = item_rates(dataset)
    key = "suishin.I.process.features.a"
    met = sum(1 for m in national_r8.municipalities if m.points[key] > 0)
    assert rates[key] == pytest.approx(met * 100 / len(national_r8.municipalities))
    tier_key = "suishin.I.activity.score-rank.tier:ア"
    assert rates["suishin.I.activity.score-rank.tier"] == rates[tier_key]


def test_every_group_has_its_median_and_quartiles():
    """Not only the nation: the prefecture, the 規模区分 and the 過疎 group each get mean,
    median and quartiles (the issue's 「mean, median and quartiles of each」)."""
    totals = {1: 600, 2: 500, 3: 450, 4: 300, 5: 420, 6: 380, 7: 200}
    munis = [
        _muni(1, 600, band=2),
        _muni(2, 500, band=1, kaso=True),
        _muni(3, 450, band=1, pref=2),
        _muni(4, 300, band=1, kaso=True),
        _muni(5, 420, band=1),
        _muni(6, 380, band=1, pref=2, kaso=True),
        _muni(7, 200, band=1, kaso=True),
    ]
    result = standing(_dataset(munis), munis[2], registry.for_year(2026))
    groups = {
        "prefecture": [totals[s] for s in (3, 6)],
        "band": [totals[s] for s in (2, 3, 4, 5, 6, 7)],
        "kaso": [totals[s] for s in (1, 3, 5)],
    }
    for prefix, values in groups.items():
        expected = distribution(values)
        assert result[f"{prefix}_of"] == len(values)
        assert result[f"{prefix}_median"] == expected.median
        assert (result[f"{prefix}_q1"], result[f"{prefix}_q3"]) == (expected.q1, expected.q3)
    # band: 200 300 380 450 500 420 → sorted 200 300 380 420 450 500
    assert (result["band_q1"], result["band_median"], result["band_q3"]) == (320, 400, 442.5)
