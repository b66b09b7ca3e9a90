"""Golden tests: one indicator per rule kind (tests/catalog/data/golden.yaml), scored by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.catalog.loader import load_catalog
from desktop.scoring import score
from desktop.scoring import tree as T
from desktop.scoring.answers import AnswerError, expand_all_of, normalize

GOLDEN = Path(__file__).resolve().parent.parent / "catalog" / "data" / "golden.yaml"


@pytest.fixture(scope="module")
def golden():
    return load_catalog(GOLDEN)


def points(catalog, answers, node_id):
    node = score(catalog, answers).node(node_id)
    return node.points, node.projected_points


def test_independent_checks_with_unequal_points(golden):
    assert points(
        golden, {"checks.a": "該当", "checks.d": "該当", "checks.c": "非該当"}, "checks"
    ) == (3, 3)
    tree = score(golden, {"checks.a": "該当", "checks.c": "非該当"})
    assert tree.node("checks.a").status == T.SCORED
    assert tree.node("checks.c").status == T.NOT_MET
    assert tree.node("checks.b").status == T.UNANSWERED
    assert tree.node("checks").answered == 2 and tree.node("checks").answerable == 4


def test_stage_by_area_matrix(golden):
    assert points(golden, {"matrix.a1": "該当", "matrix.b2": "該当"}, "matrix") == (2, 2)


@pytest.mark.parametrize(("answer", "expected"), [("なし", 0), ("イ①", 2), ("イ②", 4), ("イ③", 6)])
def test_count_thresholds_are_cumulative(golden, answer, expected):
    assert points(golden, {"count.b": answer}, "count") == (expected, expected)


def test_all_of_scores_only_when_every_part_is_met(golden):
    two = {"allof.a.p1": "該当", "allof.a.p2": "該当"}
    tree = score(golden, two)
    assert tree.node("allof.a").points == 0
    assert tree.node("allof.a").status == T.UNANSWERED
    tree = score(golden, two | {"allof.a.p3": "非該当"})
    assert tree.node("allof.a").points == 0 and tree.node("allof.a").answer == "非該当"
    tree = score(golden, two | {"allof.a.p3": "該当"})
    assert tree.node("allof.a").points == 6 and tree.node("allof.a").answer == "該当"
    assert [p["answer"] for p in tree.node("allof.a").parts] == ["該当", "該当", "該当"]


def test_answering_an_all_of_item_answers_each_part(golden):
    expanded = expand_all_of(golden, "allof.a", "該当")
    assert expanded == {"allof.a.p1": "該当", "allof.a.p2": "該当", "allof.a.p3": "該当"}
    assert points(golden, expanded, "allof") == (6, 6)


def test_prerequisites_block_with_a_reason(golden):
    tree = score(golden, {"prereq.c": "該当", "prereq.b": "該当"})
    blocked = tree.node("prereq.c")
    assert blocked.points == 0 and blocked.status == T.BLOCKED
    assert "ア" in blocked.reason and "イ" not in blocked.reason.split("が該当")[0]
    assert "推定" in blocked.reason  # the prerequisite is marked as inferred
    assert tree.node("prereq").points == 3
    tree = score(golden, {"prereq.a": "該当", "prereq.b": "該当", "prereq.c": "該当"})
    assert tree.node("prereq.c").status == T.SCORED
    assert tree.node("prereq").points == 10


def test_an_unmet_item_with_prerequisites_is_not_blocked_just_not_met(golden):
    tree = score(golden, {"prereq.c": "非該当"})
    assert tree.node("prereq.c").status == T.NOT_MET and tree.node("prereq.c").reason is None


def test_cap_below_the_sum_of_columns(golden):
    assert points(golden, {"capped.a": "該当", "capped.b": "該当"}, "capped") == (8, 8)


@pytest.mark.parametrize(("answer", "expected"), [("ア", 5), ("イ", 20), ("ウ", 10), ("なし", 0)])
def test_choice_scores_the_chosen_option_only(golden, answer, expected):
    assert points(golden, {"choice.x": answer}, "choice") == (expected, expected)


@pytest.mark.parametrize(
    ("answer", "expected"), [("ア", 3), ("イ", 6), ("ウ", 9), ("エ", 12), ("なし", 0)]
)
def test_cumulative_tiers_are_state_scored_estimates(golden, answer, expected):
    tree = score(golden, {"tiers.tier": answer})
    node = tree.node("tiers.tier")
    assert (node.points, node.projected_points) == (0, expected)
    assert node.status == T.STATE_SCORED and node.state_scored
    assert tree.node("g1.I.activity").points == 0
    assert tree.node("g1.I.activity").projected_points == expected


def test_several_tier_series_add_up(golden):
    assert points(golden, {"series.a": "ア③", "series.b": "イ①"}, "series") == (0, 4)


def test_alternative_series_count_only_the_best(golden):
    assert points(golden, {"best.a": "ア②", "best.b": "イ③"}, "best") == (0, 15)
    assert points(golden, {"best.a": "ア④", "best.b": "イ④"}, "best") == (0, 20)


def test_common_goal_counts_in_both_grants(golden):
    tree = score(golden, {"best.a": "ア④", "big.a": "該当", "checks.a": "該当"})
    g1, g2 = tree.grants
    assert g1.children[-1] is g2.children[-1]  # one node, shown under both grants
    assert (g1.points, g1.projected_points) == (1, 21)
    assert (g2.points, g2.projected_points) == (80, 100)
    assert (tree.root.points, tree.root.projected_points) == (81, 121)


def test_external_frame_stays_outside_the_total(golden):
    tree = score(golden, {"frame.efforts.points": "30", "big.a": "該当"})
    frame = tree.node("frame")
    assert frame.outside_total and (frame.points, frame.projected_points) == (0, 30)
    assert tree.root.projected_points == 80
    assert tree.frames == [frame]


def test_unknown_or_invalid_stored_values_score_nothing(golden):
    tree = score(golden, {"checks.a": "たぶん", "tiers.tier": "オ", "frame.efforts.points": "999"})
    assert tree.node("checks.a").answer is None and tree.node("checks.a").points == 0
    assert tree.node("tiers.tier").answer is None
    assert tree.node("frame.efforts.points").projected_points == 0


def test_self_assessment_and_projection_are_kept_apart_at_every_level(golden):
    tree = score(golden, {"checks.a": "該当", "tiers.tier": "エ"})
    for node_id in ("checks", "g1.I.process", "g1.I", "g1", "total"):
        assert tree.node(node_id).points == 1, node_id
    for node_id in ("tiers", "g1.I.activity"):
        assert tree.node(node_id).points == 0 and tree.node(node_id).projected_points == 12
    assert tree.node("g1").projected_points == 13


class TestNormalize:
    @pytest.mark.parametrize("raw", ["該当", "yes", "YES", "y", "はい", "1"])
    def test_check_yes(self, golden, raw):
        assert normalize(golden, "checks.a", raw) == "該当"

    @pytest.mark.parametrize("raw", ["非該当", "no", "No", "いいえ", "0"])
    def test_check_no(self, golden, raw):
        assert normalize(golden, "checks.a", raw) == "非該当"

    @pytest.mark.parametrize("raw", ["未回答", "", None, "clear"])
    def test_clear(self, golden, raw):
        assert normalize(golden, "checks.a", raw) is None

    def test_option_labels_full_and_half_width(self, golden):
        assert normalize(golden, "tiers.tier", "ウ") == "ウ"
        assert normalize(golden, "tiers.tier", "なし") == "なし"
        assert normalize(golden, "count.b", "イ②") == "イ②"

    def test_external_range(self, golden):
        assert normalize(golden, "frame.efforts.points", "３０") == "30"  # full-width digits
        with pytest.raises(AnswerError, match="0〜50"):
            normalize(golden, "frame.efforts.points", "51")

    @pytest.mark.parametrize("typed", ["+5", "1_0", "٥", "5.0"])
    def test_external_points_are_plain_digits_only(self, golden, typed):
        """int() would take 「+5」, 「1_0」 and other scripts' digits: refused as an answer."""
        with pytest.raises(AnswerError, match="0〜50"):
            normalize(golden, "frame.efforts.points", typed)

    def test_rejects_with_the_allowed_values(self, golden):
        with pytest.raises(AnswerError) as caught:
            normalize(golden, "tiers.tier", "オ")
        assert "なし・ア・イ・ウ・エ" in str(caught.value)
        with pytest.raises(AnswerError):
            normalize(golden, "checks.a", "maybe")

    def test_unknown_id(self, golden):
        with pytest.raises(KeyError):
            normalize(golden, "nope", "該当")
