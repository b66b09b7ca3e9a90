"""担当課・担当者をまとめて設定: a goal handed to one section in one step, undoable."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from desktop.ui.bulk_assign_dialog import BulkAssignDialog, BulkAssignment

GOAL = "suishin.I"


@pytest.fixture
def window(make_window, db_path, r8):
    from desktop.evaluation.session import create_evaluation
    from desktop.store import EvaluationFile

    with EvaluationFile.open(db_path) as store:
        session = create_evaluation(store, r8)
        session.note("suishin.I.process.features", section="企画課")
    window = make_window()
    assert window.open_path(db_path)
    return window


def goal_indicators(window) -> list[str]:
    return [n.id for n in window.controller.tree.node(GOAL).walk() if n.level == "indicator"]


def test_a_goal_gets_one_section_and_person_in_one_undo_step(window, db_path, probe):
    indicators = goal_indicators(window)
    assert len(indicators) >= 5
    keep_out = indicators[-1]

    def answer(place, choices, sections):
        assert place.startswith("推進 目標Ⅰ")
        assert [c.id for c in choices] == indicators
        assert choices[0].section == "企画課"  # what is recorded today is shown
        assert "企画課" in sections
        return BulkAssignment(
            [c.id for c in choices if c.id != keep_out],
            {"section": "高齢福祉課", "assignee": "山田"},
        )

    window.prompts.bulk_answer = answer
    assert window.assign_sections(GOAL)
    notes = probe.stored(db_path).notes
    for indicator in indicators[:-1]:
        assert (notes[indicator].section, notes[indicator].assignee) == ("高齢福祉課", "山田")
    assert keep_out not in notes or notes[keep_out].section == ""
    # the tree's section filter offers the new section at once
    assert window.navigation.section.findData("高齢福祉課") >= 0
    window.undo_group.undo()  # one step undoes the whole assignment
    notes = probe.stored(db_path).notes
    assert notes["suishin.I.process.features"].section == "企画課"
    assert all(notes.get(i) is None or notes[i].assignee == "" for i in indicators)


def test_cancelling_changes_nothing(window, db_path, probe):
    before = probe.stored(db_path).history
    assert not window.assign_sections(GOAL)
    assert probe.stored(db_path).history == before


def test_the_dialog_needs_a_value_and_an_indicator(qtbot):
    from desktop.ui.bulk_assign_dialog import IndicatorChoice

    choices = [
        IndicatorChoice("a", "1. 一つ目", "", ""),
        IndicatorChoice("b", "2. 二つ目", "企画課", ""),
    ]
    dialog = BulkAssignDialog("推進 目標Ⅰ", choices, ["企画課"])
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # nothing typed yet
    dialog.assignee.setText("佐藤")
    assert ok.isEnabled()
    dialog.list.item(0).setCheckState(dialog.list.item(0).checkState().Unchecked)
    assert dialog.assignment() == BulkAssignment(["b"], {"assignee": "佐藤"})
    dialog.list.item(1).setCheckState(dialog.list.item(1).checkState().Unchecked)
    assert not ok.isEnabled()
    assert dialog.list.item(1).text() == "［いま: 企画課］ 2. 二つ目"
