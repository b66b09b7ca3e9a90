"""Official results (国による評価結果): entering them changes what the report uses."""

from __future__ import annotations

import pytest

from desktop.report.model import ROW_GOAL_TOTAL, ROW_GROUP, build_report
from desktop.report.official import (
    BASIS_OFFICIAL,
    OfficialResultError,
    compare,
    enter_official_results,
    official_figures,
    session_official_figures,
)


def test_entering_official_results_changes_the_report(mixed_r8):
    tree = mixed_r8.score()
    before = build_report(mixed_r8)
    assert before.row(ROW_GROUP, "suishin.I.activity").points == 6  # the estimate
    assert not before.uses_official

    enter_official_results(mixed_r8, {"suishin.I.activity": "15"})
    after = build_report(mixed_r8)
    row = after.row(ROW_GROUP, "suishin.I.activity")
    assert row.points == 15
    assert row.figure.official and row.figure.basis == BASIS_OFFICIAL
    assert not row.is_estimate
    assert row.figure.self_points == 6
    assert row.figure.difference == 9
    assert row.lost_text == "国による評価結果: 15点／36点"
    assert "差 +9点" in row.remarks
    # The goal and grant totals are rebuilt from the official group figure.
    process = tree.node("suishin.I.process").points
    goal = after.row(ROW_GOAL_TOTAL, "suishin.I")
    assert goal.points == process + 15
    assert goal.figure.uses_official and not goal.figure.official  # process is still 自己評価
    assert after.total.points == before.total.points + 9
    assert after.uses_official
    assert any("国による評価結果" in note for note in after.notes)


def test_differences_are_computed_for_every_official_figure(mixed_r8):
    tree = mixed_r8.score()
    enter_official_results(
        mixed_r8, {"suishin.I.activity": 10, "suishin.I.process": "20", "shien.II.process": 3}
    )
    rows = {
        row.node_id: row
        for row in compare(
            mixed_r8.catalog,
            mixed_r8.score(),
            mixed_r8.store.official_results(mixed_r8.evaluation_id),
        )
    }
    assert rows["suishin.I.activity"].difference == 10 - 6
    assert rows["suishin.I.process"].difference == 20 - tree.node("suishin.I.process").points
    assert rows["shien.II.process"].difference == 3 - tree.node("shien.II.process").points
    # Both groups of 推進 目標Ⅰ are official, so the goal's figure is official too (their sum).
    goal = rows["suishin.I"]
    assert not goal.entered
    assert goal.official_points == 30
    assert goal.self_points == tree.node("suishin.I").projected_points
    assert "suishin.II" not in rows


def test_a_goal_figure_overrides_the_sum_of_its_groups(mixed_r8):
    enter_official_results(mixed_r8, {"suishin.I.process": 20, "suishin.I": 55.5})
    report = build_report(mixed_r8)
    assert report.row(ROW_GOAL_TOTAL, "suishin.I").points == 55.5
    assert report.row(ROW_GROUP, "suishin.I.process").points == 20


def test_dashboard_dict_holds_entered_and_fully_official_figures(mixed_r8):
    enter_official_results(mixed_r8, {"common.IV.outcome": 44})
    figures = session_official_figures(mixed_r8)
    assert figures == {"common.IV.outcome": 44.0, "common.IV": 44.0}
    assert official_figures(mixed_r8.score(), {}) == {}


def test_bad_entries_are_all_reported_and_nothing_is_stored(mixed_r8):
    with pytest.raises(OfficialResultError) as error:
        enter_official_results(
            mixed_r8,
            {
                "suishin.I.activity": 12,  # fine, but must not be stored alone
                "suishin.I.process": "70",  # above 64
                "shien.I": "たくさん",
                "no.such.node": 1,
                "suishin.I.process.features.a": 4,  # sub-items are never notified
            },
        )
    message = str(error.value)
    assert "70点は配点（0〜64点）の範囲外" in message
    assert "「たくさん」は数値ではありません" in message
    assert "「no.such.node」" in message
    assert "「suishin.I.process.features.a」" in message
    assert mixed_r8.store.official_results(mixed_r8.evaluation_id) == {}


def test_full_width_input_is_accepted_and_blank_clears(mixed_r8):
    enter_official_results(mixed_r8, {"suishin.I.activity": "１２点"})
    assert mixed_r8.store.official_results(mixed_r8.evaluation_id) == {"suishin.I.activity": 12.0}
    enter_official_results(mixed_r8, {"suishin.I.activity": ""})
    assert mixed_r8.store.official_results(mixed_r8.evaluation_id) == {}
    history = mixed_r8.store.history(mixed_r8.evaluation_id, target="suishin.I.activity")
    assert [(entry.old, entry.new) for entry in history] == [(None, "12"), ("12", None)]
