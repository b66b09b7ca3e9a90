"""Sub-item cases the rule-kind tests leave out: なし, external items at their bounds,
prerequisites worth 1 point or in another indicator and the reason shown when blocked, the
text shown for a sub-item, and answers to all-of parts typed by the user."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.catalog.loader import load_catalog
from desktop.catalog.model import MET, NONE_OPTION, NOT_MET
from desktop.scoring import score
from desktop.scoring import tree as T
from desktop.scoring.answers import AnswerError, expand_all_of, normalize

HERE = Path(__file__).resolve().parent
GOLDEN = HERE.parent / "catalog" / "data" / "golden.yaml"
DETAILS = HERE / "data" / "details.yaml"


@pytest.fixture(scope="module")
def golden():
    return load_catalog(GOLDEN)


@pytest.fixture(scope="module")
def details():
    return load_catalog(DETAILS)


# --- なし -------------------------------------------------------------------------------
@pytest.mark.parametrize("item_id", ["count.b", "choice.x"])
def test_an_item_answered_none_is_answered_and_not_met(golden, item_id):
    tree = score(golden, {item_id: NONE_OPTION})
    node = tree.node(item_id)
    assert node.answer == NONE_OPTION
    assert (node.points, node.projected_points, node.status) == (0, 0, T.NOT_MET)
    indicator = tree.node(item_id.split(".")[0])
    assert indicator.answered == 1 and indicator.status == T.NOT_MET


def test_a_state_scored_item_estimated_none_counts_as_estimated(golden):
    node = score(golden, {"tiers.tier": NONE_OPTION}).node("tiers.tier")
    assert node.answer == NONE_OPTION and node.projected_points == 0
    assert node.estimated == 1 and node.status == T.STATE_SCORED


def test_an_option_answer_is_shown_as_chosen(golden):
    tree = score(golden, {"count.b": "イ②", "choice.x": "ウ"})
    assert tree.node("count.b").answer == "イ②"
    assert tree.node("choice.x").answer == "ウ"


@pytest.mark.parametrize("raw", ["なし", "0", "none", "None", "NONE"])
def test_typing_none_for_an_option_item(golden, raw):
    assert normalize(golden, "tiers.tier", raw) == NONE_OPTION
    assert normalize(golden, "choice.x", raw) == NONE_OPTION


# --- external items ---------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "points"), [("0", 0), ("50", 50), ("30", 30)])
def test_an_external_item_within_its_range(golden, raw, points):
    assert normalize(golden, "frame.efforts.points", raw) == raw
    tree = score(golden, {"frame.efforts.points": raw})
    node = tree.node("frame.efforts.points")
    assert node.answer == raw
    assert (node.points, node.projected_points) == (0, points)
    assert node.estimated == 1 and node.status == T.STATE_SCORED
    assert tree.node("frame").estimated == 1
    assert tree.node("frame").projected_points == points


@pytest.mark.parametrize("stored", ["51", "-1", "abc", "3.5"])
def test_an_external_value_out_of_range_is_no_estimate(golden, stored):
    node = score(golden, {"frame.efforts.points": stored}).node("frame.efforts.points")
    assert node.answer is None
    assert node.projected_points == 0 and node.estimated == 0


def test_typing_an_external_value_out_of_range(golden):
    with pytest.raises(AnswerError) as caught:
        normalize(golden, "frame.efforts.points", "51")
    assert str(caught.value) == "frame.efforts.points の得点は 0〜50 の整数です（入力: 51）。"
    with pytest.raises(AnswerError, match="（入力: -1）"):
        normalize(golden, "frame.efforts.points", "-1")
    with pytest.raises(AnswerError) as caught:
        normalize(golden, "frame.efforts.points", "abc")
    assert str(caught.value) == (
        "「abc」は frame.efforts.points の回答として使えません。0〜50 の整数で入力してください。"
    )


# --- prerequisites ----------------------------------------------------------------------
def test_a_one_point_item_is_blocked_by_a_prerequisite_in_another_indicator(details):
    for answers in ({"follow.a": MET}, {"follow.a": MET, "base.a": NOT_MET}):
        tree = score(details, answers)
        node = tree.node("follow.a")
        assert (node.points, node.projected_points, node.status) == (0, 0, T.BLOCKED)
        # the prerequisite lives in indicator 1: its number goes before the letter
        assert node.reason == "前提となる 1-ア が該当していないため 0 点です。"
        assert node.answered == 1
        assert tree.node("follow").points == 0


def test_a_one_point_prerequisite_that_is_met_unblocks(details):
    tree = score(details, {"base.a": MET, "follow.a": MET})
    node = tree.node("follow.a")
    assert (node.points, node.status, node.reason) == (1, T.SCORED, None)
    tree = score(details, {"base.a": MET, "follow.a": MET, "base.b": MET, "follow.b": MET})
    assert tree.node("follow.b").status == T.SCORED
    assert tree.node("follow").points == 20


def test_every_unmet_prerequisite_is_named(details, golden):
    node = score(details, {"follow.b": MET}).node("follow.b")
    assert node.reason == "前提となる ア・1-イ が該当していないため 0 点です。"
    node = score(details, {"follow.b": MET, "base.a": MET, "follow.a": MET}).node("follow.b")
    assert node.reason == "前提となる 1-イ が該当していないため 0 点です。"
    node = score(golden, {"prereq.c": MET}).node("prereq.c")
    assert node.reason == (
        "前提となる ア・イ が該当していないため 0 点です（前提条件は該当率などからの推定）。"
    )


def test_the_status_label_of_a_blocked_item(details):
    node = score(details, {"follow.a": MET}).node("follow.a")
    assert T.STATUS_LABELS[node.status] == "前提未充足"


# --- what a sub-item shows --------------------------------------------------------------
def test_a_sub_item_shows_its_wording_else_its_hint(details):
    tree = score(details, {})
    assert tree.node("base.a").title == "計画を策定している。"
    assert tree.node("base.b").title == "参考の短い説明"
    assert tree.node("misc.a").title == ""


# --- all-of parts, typed by the user ----------------------------------------------------
def test_answers_typed_for_all_of_parts_score_the_item(golden):
    typed = {"allof.a.p1": "はい", "allof.a.p2": "○", "allof.a.p3": "yes"}
    answers = {part: normalize(golden, part, raw) for part, raw in typed.items()}
    assert answers == {"allof.a.p1": MET, "allof.a.p2": MET, "allof.a.p3": MET}
    tree = score(golden, answers)
    assert tree.node("allof.a").points == 6 and tree.node("allof.a").status == T.SCORED

    answers["allof.a.p2"] = normalize(golden, "allof.a.p2", "いいえ")
    assert answers["allof.a.p2"] == NOT_MET
    node = score(golden, answers).node("allof.a")
    assert (node.answer, node.points, node.status) == (NOT_MET, 0, T.NOT_MET)
    assert normalize(golden, "allof.a.p3", "未回答") is None


def test_answering_the_all_of_item_itself(golden):
    value = normalize(golden, "allof.a", "はい")
    assert value == MET
    assert score(golden, expand_all_of(golden, "allof.a", value)).node("allof").points == 6
    cleared = expand_all_of(golden, "allof.a", normalize(golden, "allof.a", "未回答"))
    assert cleared == {"allof.a.p1": None, "allof.a.p2": None, "allof.a.p3": None}
    assert score(golden, cleared).node("allof.a").status == T.UNANSWERED


def test_other_targets_answer_themselves(golden):
    assert expand_all_of(golden, "checks.a", MET) == {"checks.a": MET}
    assert expand_all_of(golden, "allof.a.p2", NOT_MET) == {"allof.a.p2": NOT_MET}


def test_a_wrong_answer_to_a_part_or_a_check_says_what_is_accepted(golden):
    with pytest.raises(AnswerError) as caught:
        normalize(golden, "allof.a.p1", "たぶん")
    assert str(caught.value) == "「たぶん」は allof.a.p1（該当・非該当） の回答として使えません。"
    with pytest.raises(AnswerError) as caught:
        normalize(golden, "allof.a", "たぶん")
    assert str(caught.value) == "「たぶん」は allof.a（該当・非該当） の回答として使えません。"
    with pytest.raises(AnswerError) as caught:
        normalize(golden, "checks.a", "maybe")
    assert str(caught.value) == "「maybe」は checks.a（該当・非該当） の回答として使えません。"


def test_an_inferred_prerequisite_switched_off_no_longer_blocks(golden, details):
    answers = {"prereq.c": MET}
    assert score(golden, answers).node("prereq.c").status == T.BLOCKED
    node = score(golden, answers, waived={"prereq.c"}).node("prereq.c")
    assert (node.points, node.status, node.reason) == (2, T.SCORED, None)
    assert score(golden, answers, waived={"prereq.b"}).node("prereq.c").status == T.BLOCKED
    # an official prerequisite (not inferred) cannot be switched off
    node = score(details, {"follow.a": MET}, waived=["follow.a"]).node("follow.a")
    assert node.status == T.BLOCKED and node.points == 0
