"""Last year's figures beside this year's, with a note where the allocation changed."""

from __future__ import annotations

from desktop.evaluation.carryover import carry_forward
from desktop.evaluation.session import create_evaluation
from desktop.records import Municipality
from desktop.report.comparison import (
    allocation_note,
    allocation_notes,
    compare_with_previous,
    previous_points,
    previous_record,
)
from desktop.report.model import ROW_FRAME, ROW_GOAL_TOTAL, ROW_GROUP, build_report


def make_r7(store, r7):
    session = create_evaluation(store, r7, municipality=Municipality(name="北塩原村"))
    session.set_answers(
        {
            "suishin.I.process.features.a": "該当",
            "suishin.I.process.features.b": "該当",
            "shien.II.process.supporters.a": "該当",  # 5 points in R7
            "suishin.I.activity.score-rank.tier": "ア",  # an estimate: 3
        }
    )
    return session


def test_previous_points_per_goal_and_group(store, r7):
    r7_session = make_r7(store, r7)
    session, _plan = carry_forward(store, 2025)
    r7_tree = r7_session.score()
    previous = previous_points(session)
    assert previous["suishin.I.process"] == 8
    assert previous["shien.II.process"] == 5
    assert previous["suishin.I.activity"] == 3  # last year's figure, estimate included
    assert previous["suishin.I"] == r7_tree.node("suishin.I").projected_points == 11
    assert previous["total"] == r7_tree.root.projected_points
    assert "suishin.outcome-frame" not in previous  # no such thing in R7
    assert all(isinstance(value, int) for value in previous.values())


def test_last_years_official_results_are_what_it_is_compared_with(store, r7, r8):
    r7_session = make_r7(store, r7)
    store.set_official_results(r7_session.evaluation_id, {"suishin.I.activity": 12.0})
    session = create_evaluation(store, r8)
    previous = previous_points(session)
    assert previous["suishin.I.activity"] == 12
    assert previous["suishin.I"] == 8 + 12


def test_allocation_changes_are_noted(store, r7):
    make_r7(store, r7)
    session, _plan = carry_forward(store, 2025)
    notes = allocation_notes(session)
    # 支援 目標Ⅱ 1: ア〜オ 5 → 4 points and カ new; 目標Ⅰ 6: イ・ウ 2 → 1 point and カ new.
    assert notes["shien.II.process"] == "配分変更あり（小項目: 新設 1・配点変更 5）"
    assert notes["shien.I.process"] == "配分変更あり（小項目: 新設 1・配点変更 2）"
    assert notes["suishin.outcome-frame"] == "令和7年度にはない区分"
    assert "suishin.I.process" not in notes
    assert allocation_note(session.catalog, r7, "suishin.I.process", 60, 64) == (
        "配点変更（前年度 60点 → 64点）"
    )


def test_the_report_shows_last_year_beside_this_year(store, r7):
    make_r7(store, r7)
    session, _plan = carry_forward(store, 2025)
    session.set_answers({"suishin.I.process.features.c": "該当"})
    report = build_report(session)
    assert report.previous_year_label == "令和7年度"
    row = report.row(ROW_GROUP, "suishin.I.process")
    assert row.previous_points == 8
    assert row.points == 12
    assert row.previous_difference == 4
    changed = report.row(ROW_GROUP, "shien.II.process")
    assert "配分変更あり" in changed.remarks
    assert report.row(ROW_FRAME, "suishin.outcome-frame").previous_points is None
    assert report.row(ROW_GOAL_TOTAL, "suishin.I").previous_points == 11


def test_previous_is_the_carried_from_evaluation_else_the_year_before(store, r6, r7, r8):
    r6_session = create_evaluation(store, r6, municipality=Municipality(name="北塩原村"))
    r8_session = create_evaluation(store, r8)
    assert previous_record(store, r8_session.record) is None  # no R7, not carried
    assert compare_with_previous(r8_session) is None
    assert previous_points(r8_session) == {}
    r7_session = create_evaluation(store, r7)
    assert previous_record(store, r8_session.record).id == r7_session.evaluation_id
    assert previous_record(store, r7_session.record).id == r6_session.evaluation_id
