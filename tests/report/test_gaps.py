"""Gap analysis (伸びしろ): ranking and the effect of meeting each item, by rescoring."""

from __future__ import annotations

import pytest

from desktop.report.gaps import (
    HIGH_SHARE_NOTE,
    RateSource,
    find_gaps,
    high_share_note,
    session_gaps,
)
from desktop.scoring import score


def ids(gaps) -> list[str]:
    return [gap.item_id for gap in gaps]


def test_high_national_share_ranks_above_low_share_of_equal_points(session_r8):
    catalog = session_r8.catalog
    high, low = "shien.II.process.supporters.a", "shien.II.process.supporters.e"
    assert catalog.item(high).points == catalog.item(low).points == 4
    assert catalog.item(high).national_rate_pct >= 60 > catalog.item(low).national_rate_pct
    session_r8.set_answers({high: "非該当", low: "非該当"})
    gaps = {gap.item_id: gap for gap in session_gaps(session_r8)}
    assert gaps[high].gain == gaps[low].gain == 4
    order = ids(session_gaps(session_r8))
    assert order.index(high) < order.index(low)
    assert gaps[high].high_share
    # said once above the list, never repeated on every row
    assert "全国の多く" not in gaps[high].note
    assert high_share_note("本村") == HIGH_SHARE_NOTE.format(self_name="本村")
    assert "本村は未該当" in high_share_note("本村")
    assert not gaps[low].high_share


def test_real_rates_replace_the_catalogs_and_items_without_a_figure_keep_theirs(session_r8):
    """The year's rates (desktop.national.year_rates) replace the catalog's item by item;
    an item the national results have no column for keeps the catalog's rate."""
    high, low = "shien.II.process.supporters.a", "shien.II.process.supporters.e"
    other = "suishin.I.process.features.b"
    session_r8.set_answers({high: "非該当", low: "非該当", other: "非該当"})
    catalog = {gap.item_id: gap.national_rate_pct for gap in session_gaps(session_r8)}
    assert catalog[high] >= 60 > catalog[low]
    real = RateSource("令和8年度の全国集計結果", {high: 12.5, low: 75.0})
    gaps = {gap.item_id: gap for gap in real.apply(session_gaps(session_r8))}
    assert (gaps[high].national_rate_pct, gaps[low].national_rate_pct) == (12.5, 75.0)
    assert gaps[other].national_rate_pct == catalog[other]  # no figure: the catalog's
    assert gaps[low].high_share and not gaps[high].high_share
    order = ids(real.apply(session_gaps(session_r8)))
    assert order.index(low) < order.index(high)  # ranked again by the real rates
    assert ids(RateSource().apply(session_gaps(session_r8))) == ids(session_gaps(session_r8))


def test_high_share_items_come_first_even_with_fewer_points(session_r8):
    common, rare = "suishin.I.process.features.b", "suishin.II.process.optimization-programs.d"
    assert session_r8.catalog.item(common).points < session_r8.catalog.item(rare).points
    session_r8.set_answers({common: "非該当", rare: "非該当"})
    order = ids(session_gaps(session_r8))
    assert order.index(common) < order.index(rare)


def test_within_high_share_more_points_rank_first(session_r8):
    eight, four = "suishin.II.process.optimization-plan.b", "suishin.I.process.features.b"
    session_r8.set_answers({eight: "非該当", four: "非該当"})
    gaps = {gap.item_id: gap for gap in session_gaps(session_r8)}
    assert gaps[eight].high_share and gaps[four].high_share
    assert gaps[eight].gain == 8 and gaps[four].gain == 4
    order = ids(session_gaps(session_r8))
    assert order.index(eight) < order.index(four)


def test_gaps_are_exactly_the_unmet_self_assessable_items(mixed_r8):
    tree = mixed_r8.score()
    expected = {
        node.id for node in tree.items() if not node.state_scored and node.points < node.max_points
    }
    gaps = session_gaps(mixed_r8)
    assert set(ids(gaps)) == expected
    assert len(gaps) == len(expected)
    assert "suishin.I.activity.score-rank.tier" not in ids(gaps)  # state-scored


def test_meeting_a_prerequisite_unblocks_what_was_already_ticked(mixed_r8):
    gaps = {gap.item_id: gap for gap in session_gaps(mixed_r8)}
    prerequisite = gaps["shien.II.process.hearing-loss.a"]
    # ア itself (5) plus ウ, ticked but blocked until ア is met (5).
    assert prerequisite.gain == 10
    assert prerequisite.group_points_after - prerequisite.group_points_before == 10
    assert prerequisite.total_after - prerequisite.total_before == 10
    assert prerequisite.group_rate_after == pytest.approx(prerequisite.group_points_after / 64)

    blocked = gaps["shien.II.process.hearing-loss.c"]
    assert blocked.gain == 0
    assert blocked.prerequisites == ("shien.II.process.hearing-loss.a",)
    assert blocked.gain_with_prerequisites == 10
    assert "前提となる ア も必要" in blocked.note
    order = [gap.item_id for gap in session_gaps(mixed_r8)]
    assert order.index("shien.II.process.hearing-loss.c") > order.index(
        "shien.II.process.hearing-loss.a"
    )


def test_effect_on_group_and_total_is_found_by_rescoring(mixed_r8):
    answers = mixed_r8.answers()
    tree = mixed_r8.score()
    gaps = {gap.item_id: gap for gap in find_gaps(mixed_r8.catalog, answers, tree=tree)}
    all_of = gaps["suishin.II.process.optimization-programs.a"]
    rescored = score(
        mixed_r8.catalog,
        {
            **answers,
            "suishin.II.process.optimization-programs.a.p2": "該当",
            "suishin.II.process.optimization-programs.a.p3": "該当",
        },
    )
    assert all_of.gain == rescored.root.points - tree.root.points == 6
    assert all_of.group_points_after == rescored.node("suishin.II.process").points
    count = gaps["suishin.II.process.optimization-programs.b"]
    assert count.gain == 4  # from イ① to イ③
    assert count.national_rate_pct == pytest.approx(91.7)  # the share meeting イ③
