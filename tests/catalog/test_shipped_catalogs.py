"""The shipped catalogs reproduce the ministry's published figures.

The expected numbers below are transcribed from the seeds (shared/seeds): seed 003
(令和8年度評価指標: allocations and sub-item counts) and seed 001 (2024年度 = 令和6年度
national results: allocations and national averages). They are the reference the
catalogs were built to match, so a change to a catalog that breaks them fails here.
"""

from __future__ import annotations

import pytest

from desktop.catalog.model import STATE_SCORED_KINDS

# (grant, goal, group) → 配点, identical in seed 001 (R6) and seed 003 (R8, 市町村).
ALLOCATIONS = {
    ("suishin", "I", "process"): 64,
    ("suishin", "I", "activity"): 36,
    ("suishin", "II", "process"): 68,
    ("suishin", "II", "activity"): 32,
    ("suishin", "III", "process"): 64,
    ("suishin", "III", "activity"): 36,
    ("shien", "I", "process"): 52,
    ("shien", "I", "activity"): 48,
    ("shien", "II", "process"): 64,
    ("shien", "II", "activity"): 36,
    ("shien", "III", "process"): 68,
    ("shien", "III", "activity"): 32,
    ("common", "IV", "outcome"): 100,
}

# Seed 003 「令和8年度評価指標項目数」 市町村 (ア〜エ等の小項目レベル).
R8_ITEM_COUNTS = {
    ("suishin", "I", "process"): 16,
    ("suishin", "I", "activity"): 3,
    ("common", "IV", "outcome"): 5,
    ("suishin", "II", "process"): 9,
    ("suishin", "II", "activity"): 2,
    ("suishin", "III", "process"): 10,
    ("suishin", "III", "activity"): 3,
    ("shien", "I", "process"): 33,
    ("shien", "I", "activity"): 12,
    ("shien", "II", "process"): 14,
    ("shien", "II", "activity"): 3,
    ("shien", "III", "process"): 13,
    ("shien", "III", "activity"): 4,
}

# Seed 001: 平均点 per goal × group (R6).
R6_GROUP_AVERAGES = {
    "suishin.I.process": 46.3,
    "suishin.I.activity": 9.8,
    "suishin.II.process": 42.4,
    "suishin.II.activity": 17.5,
    "suishin.III.process": 33.8,
    "suishin.III.activity": 7.2,
    "common.IV.outcome": 48.6,
    "shien.I.process": 31.4,
    "shien.I.activity": 20.1,
    "shien.II.process": 42.4,
    "shien.II.activity": 12.1,
    "shien.III.process": 49.3,
    "shien.III.activity": 12.8,
}

# Seed 001: per-indicator averages printed for 推進Ⅰ, 推進Ⅲ and 支援Ⅰ (R6), by official number.
R6_INDICATOR_AVERAGES = {
    ("suishin.I.process", "1"): 13.9,
    ("suishin.I.process", "2"): 12.4,
    ("suishin.I.process", "3"): 12.0,
    ("suishin.I.process", "4"): 8.1,
    ("suishin.I.activity", "1"): 4.8,
    ("suishin.I.activity", "2"): 4.8,
    ("suishin.I.activity", "3"): 0.2,
    ("suishin.III.process", "1"): 14.9,
    ("suishin.III.process", "2"): 18.9,
    ("suishin.III.activity", "1"): 1.6,
    ("suishin.III.activity", "2"): 1.8,
    ("suishin.III.activity", "3"): 3.8,
    ("shien.I.process", "1"): 4.2,
    ("shien.I.process", "2"): 5.1,
    ("shien.I.process", "3"): 5.1,
    ("shien.I.process", "4"): 4.5,
    ("shien.I.process", "5"): 3.8,
    ("shien.I.process", "6"): 5.1,
    ("shien.I.process", "7"): 3.6,
    ("shien.I.activity", "1"): 1.6,
    ("shien.I.activity", "2"): 5.1,
    ("shien.I.activity", "3"): 1.6,
    ("shien.I.activity", "4"): 3.2,
    ("shien.I.activity", "5"): 1.0,
    ("shien.I.activity", "6"): 1.1,
    ("shien.I.activity", "7"): 1.6,
    ("shien.I.activity", "8"): 2.6,
    ("shien.I.activity", "9"): 2.3,
}


def group_key(catalog, group):
    goal = catalog.goal_of(group.id)
    grant = group.id.split(".")[0]
    return (grant, goal.code, group.kind)


def column_average(indicator) -> float:
    """Σ(points × national rate) over every column (ア, イ①, …) of an indicator."""
    total = 0.0
    for item in indicator.items:
        if item.options:
            total += sum(o.points * (o.national_rate_pct or 0) / 100 for o in item.options)
        else:
            total += item.points * (item.national_rate_pct or 0) / 100
    return total


@pytest.mark.parametrize("year", ["R6", "R7", "R8"])
def test_allocations_match_the_seeds(catalogs, year):
    catalog = catalogs[year]
    found = {group_key(catalog, group): group.max_points for group in catalog.all_groups()}
    assert found == ALLOCATIONS
    goals = {goal.id: goal.max_points for goal in catalog.all_goals()}
    assert all(points == 100 for points in goals.values()), goals
    assert [(g.id, g.max_points) for g in catalog.grants] == [("suishin", 400), ("shien", 400)]
    assert catalog.total_max == 800
    # Each grant = its three goals + the common 目標Ⅳ.
    for grant in catalog.grants:
        assert sum(goal.max_points for goal in catalog.goals_of(grant)) == 400


@pytest.mark.parametrize("year", ["R6", "R7", "R8"])
def test_indicator_maxima_add_up(catalogs, year):
    catalog = catalogs[year]
    for group in catalog.all_groups():
        assert sum(i.max_points for i in group.indicators) == group.max_points, group.id


def test_r8_sub_item_counts_match_seed_003(r8):
    counts = {}
    for group in r8.all_groups():
        counts[group_key(r8, group)] = sum(i.official_item_count for i in group.indicators)
    assert counts == R8_ITEM_COUNTS
    process = sum(v for k, v in counts.items() if k[2] == "process")
    others = sum(v for k, v in counts.items() if k[2] != "process")
    assert (process, others) == (
        95,
        32,
    )  # seed 003: プロセス指標 95, アウトプット・アウトカム指標 32


def test_r6_indicator_averages_reproduce_seed_001(r6):
    by_number = {(r6.group_of(i.id).id, i.number): i for i in r6.all_indicators(with_frames=False)}
    for key, printed in R6_INDICATOR_AVERAGES.items():
        computed = column_average(by_number[key])
        assert computed == pytest.approx(printed, abs=0.15), key


def test_r6_group_averages_reproduce_seed_001(r6):
    for group in r6.all_groups():
        computed = sum(column_average(indicator) for indicator in group.indicators)
        assert computed == pytest.approx(R6_GROUP_AVERAGES[group.id], abs=0.15), group.id
        assert group.national_avg_points == R6_GROUP_AVERAGES[group.id]


def test_r6_header_averages_are_seed_001(r6):
    assert r6.national_avg_total == 422.4
    assert {g.id: g.national_avg_points for g in r6.grants} == {"suishin": 205.6, "shien": 216.7}


@pytest.mark.parametrize("year", ["R6", "R7", "R8"])
def test_recorded_indicator_averages_match_their_columns(catalogs, year):
    for indicator in catalogs[year].all_indicators(with_frames=False):
        if indicator.national_avg_points is not None:
            assert column_average(indicator) == pytest.approx(
                indicator.national_avg_points, abs=0.15
            ), indicator.id


@pytest.mark.parametrize("year", ["R6", "R7", "R8"])
def test_state_scored_items_are_exactly_the_activity_and_outcome_groups(catalogs, year):
    catalog = catalogs[year]
    for group in catalog.all_groups():
        for indicator in group.indicators:
            for item in indicator.items:
                assert item.state_scored == (group.kind in STATE_SCORED_KINDS), item.id


def test_common_goal_iv_is_counted_once_per_grant(r8):
    assert r8.common is not None and r8.common.code == "IV"
    for grant in r8.grants:
        assert [g.code for g in r8.goals_of(grant)] == ["I", "II", "III", "IV"]
        assert all(goal.code != "IV" for goal in grant.goals)


def test_outcome_oriented_frame_is_outside_the_800(r8, r6, r7):
    assert [(f.id, f.grant, f.max_points) for f in r8.frames] == [
        ("suishin.outcome-frame", "suishin", 100)
    ]
    assert r6.frames == () and r7.frames == ()
    frame_items = {item.id for f in r8.frames for ind in f.indicators for item in ind.items}
    assert not frame_items & {
        item.id for ind in r8.all_indicators(with_frames=False) for item in ind.items
    }


def test_catalog_headers(catalogs):
    for code, fiscal_year in (("R6", 2024), ("R7", 2025), ("R8", 2026)):
        catalog = catalogs[code]
        assert catalog.fiscal_year == fiscal_year
        assert catalog.year_label == f"令和{fiscal_year - 2018}年度"
        assert catalog.level == "municipal" and catalog.level_label == "市町村分"
        assert catalog.revision >= 1 and catalog.status in ("draft", "final")
        assert catalog.sources
        assert len(catalog.content_hash) == 64


def test_official_wording_is_shipped_only_where_an_official_source_was_quoted(catalogs):
    """Only R8 has sub-item texts quoted from the ministry's document; each names its source."""
    for catalog in catalogs.values():
        for item in catalog.all_items():
            if catalog.fiscal_year != 2026:
                assert item.wording is None, item.id
            elif item.wording:
                assert item.wording_source and "令和8年度" in item.wording_source, item.id


def test_ids_are_stable_across_years_where_the_indicator_is_the_same(r6, r7, r8):
    r6_ids = {i.id for i in r6.all_indicators()}
    r8_ids = {i.id for i in r8.all_indicators()}
    # Same subject, different official number: 支援Ⅱ's process indicators were reordered in R7.
    assert "shien.II.process.supporters" in r6_ids and "shien.II.process.supporters" in r8_ids
    numbers = {c.year_code: c.indicator("shien.II.process.supporters").number for c in (r6, r8)}
    assert numbers == {"R6": "3", "R8": "1"}
    assert "shien.II.process.initial-support-team" in r6_ids - r8_ids
    assert "shien.II.process.hearing-loss" in {i.id for i in r7.all_indicators()} - r6_ids
