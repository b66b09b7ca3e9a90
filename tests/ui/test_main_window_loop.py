"""The whole loop through the real window: create, answer, note, undo, reopen.

Each step is checked where the user sees it (tree, dashboard, panel), in the file
(a separate read-only EvaluationFile) and, at the end, after reopening the window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.records import SOURCE_REDO, SOURCE_UNDO
from desktop.ui.dashboard_model import POINTS, PROJECTED
from desktop.ui.main_window import PAGE_START, PAGE_WORK
from desktop.ui.tree_model import COL_DONE, COL_SCORE, COL_STATUS

CHECK_ITEM = "shien.III.process.issues-and-measures.a"  # ア, 5 points
CHECK_INDICATOR = "shien.III.process.issues-and-measures"
COUNT_ITEM = "suishin.II.process.optimization-programs.b"  # イ①/イ②/イ③, 2 points each
TIER_ITEM = "suishin.I.activity.score-rank.tier"  # state-scored: an estimate only


def fill_new_evaluation(qtbot):
    def fill(dialog):
        dialog.name.setText("北塩原村")
        dialog.code.setText("073059")
        dialog.prefecture.setCurrentText("福島県")
        dialog.insured.setValue(1000)
        dialog.year.setCurrentIndex(dialog.year.findData("municipal-r8"))
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    return fill


def test_whole_loop(qtbot, make_window, db_path, probe):
    tree_cell, dash_cell, stored = probe.tree_cell, probe.dash_cell, probe.stored
    window = make_window(user="テスト担当")
    assert window.open_path(db_path)
    assert window.stack.currentIndex() == PAGE_START  # an empty file: the start page

    # --- create an evaluation through the dialog ---------------------------------------
    assert probe.new_evaluation_with(window, fill_new_evaluation(qtbot))
    qtbot.waitUntil(window.isActiveWindow)
    assert window.stack.currentIndex() == PAGE_WORK
    assert window.windowTitle().startswith("北塩原村 令和8年度 — 評価.sqlite")
    assert tree_cell(window, "shien", COL_SCORE) == "0/400"
    assert dash_cell(window, "total", POINTS) == "0"
    state = stored(db_path)
    assert state.answers == {}
    assert state.municipality.name == "北塩原村" and state.municipality.insured == 1000
    assert state.municipality.prefecture == "福島県" and state.municipality.code == "073059"
    assert state.evaluation.catalog_id == "municipal-r8"

    # --- tick a check ---------------------------------------------------------------------
    assert window.jump_to(CHECK_ITEM)
    row = window.panel.row_for(CHECK_ITEM)
    probe.click(row.met)
    assert row.met.isChecked() and not row.not_met.isChecked()
    assert row.points_label.text() == "5 / 5点"
    assert tree_cell(window, CHECK_INDICATOR, COL_SCORE) == "5/26"
    assert tree_cell(window, CHECK_INDICATOR, COL_DONE) == "1/5"
    assert tree_cell(window, CHECK_INDICATOR, COL_STATUS) == "入力中"  # automatic status
    for node_id in ("shien.III.process", "shien.III"):
        assert (
            tree_cell(window, node_id, COL_SCORE)
            == "5/" + tree_cell(window, node_id, COL_SCORE).split("/")[1]
        )
        assert dash_cell(window, node_id, POINTS) == "5"
    assert tree_cell(window, "shien", COL_SCORE) == "5/400"
    assert dash_cell(window, "shien", POINTS) == "5"
    assert dash_cell(window, "total", POINTS) == "5"
    assert window.statusBar().currentMessage().startswith("保存しました ")
    assert window.total_label.text().startswith("合計 自己評価 5点")
    state = stored(db_path)
    assert state.answers == {CHECK_ITEM: "該当"}
    assert state.notes[CHECK_INDICATOR].status == "入力中"

    # --- choose a count tier (self-assessed, cumulative) and a state-scored tier ---------------
    assert window.jump_to(COUNT_ITEM)
    count_row = window.panel.row_for(COUNT_ITEM)
    probe.click(count_row.buttons["イ②"])
    assert count_row.buttons["イ②"].isChecked()
    assert count_row.points_label.text() == "4 / 6点"  # イ① + イ② = 2 + 2
    assert dash_cell(window, "suishin.II.process", POINTS) == "4"
    assert dash_cell(window, "total", POINTS) == "9"

    assert window.jump_to(TIER_ITEM)
    tier_row = window.panel.row_for(TIER_ITEM)
    probe.click(tier_row.buttons["ウ"])
    assert tier_row.points_label.text() == "見込み 9 / 12点"
    assert dash_cell(window, "suishin.I.activity", POINTS) == "—"  # the state scores it
    assert dash_cell(window, "suishin.I.activity", PROJECTED) == "9"
    assert dash_cell(window, "total", POINTS) == "9"  # estimates never count as 自己評価
    assert dash_cell(window, "total", PROJECTED) == "18"
    answers = stored(db_path).answers
    assert answers[COUNT_ITEM] == "イ②" and answers[TIER_ITEM] == "ウ"

    # --- clear an answer (click the ticked box again) ---------------------------------------------
    assert window.jump_to(CHECK_ITEM)
    row = window.panel.row_for(CHECK_ITEM)
    probe.click(row.met)
    assert not row.met.isChecked() and not row.not_met.isChecked()
    assert tree_cell(window, CHECK_INDICATOR, COL_DONE) == "0/5"
    assert dash_cell(window, "shien", POINTS) == "0"
    assert dash_cell(window, "total", POINTS) == "4"
    assert CHECK_ITEM not in stored(db_path).answers

    # --- memo (saved when the field is left) and status --------------------------------------------
    memo = window.panel.notes.memo
    memo.setFocus()
    probe.type_japanese(memo.viewport(), "会議録を確認")
    assert memo.toPlainText() == "会議録を確認"
    assert stored(db_path).notes[CHECK_INDICATOR].memo == ""  # not per keystroke
    window.panel.notes.section.setFocus()  # leaving the memo saves it
    qtbot.waitUntil(lambda: stored(db_path).notes[CHECK_INDICATOR].memo == "会議録を確認")
    status = window.panel.notes.status
    status.activated.emit(status.findText("確認待ち"))  # what choosing in the list sends
    assert tree_cell(window, CHECK_INDICATOR, COL_STATUS) == "確認待ち"
    notes = stored(db_path).notes
    assert notes[CHECK_INDICATOR].status == "確認待ち"
    assert notes[CHECK_INDICATOR].memo == "会議録を確認"

    # --- undo: status, then memo; redo the memo ------------------------------------------------------
    undo = window.menus.actions["undo"]
    redo = window.menus.actions["redo"]
    assert undo.shortcut().toString() == "Ctrl+Z"
    undo.trigger()
    assert tree_cell(window, CHECK_INDICATOR, COL_STATUS) == "入力中"
    assert status.currentText() == "入力中"
    undo.trigger()
    assert memo.toPlainText() == ""
    state = stored(db_path)
    notes, history = state.notes, state.history
    assert notes[CHECK_INDICATOR].status == "入力中"
    assert notes[CHECK_INDICATOR].memo == ""
    undone = [h for h in history if h.source == SOURCE_UNDO]
    assert [(h.target, h.field, h.old, h.new) for h in undone] == [
        (CHECK_INDICATOR, "status", "確認待ち", "入力中"),
        (CHECK_INDICATOR, "memo", "会議録を確認", ""),
    ]
    assert all(h.user == "テスト担当" for h in undone)
    redo.trigger()
    assert memo.toPlainText() == "会議録を確認"
    state = stored(db_path)
    assert state.notes[CHECK_INDICATOR].memo == "会議録を確認"
    assert state.history[-1].source == SOURCE_REDO

    # undo an answer too: the cleared check comes back, in the tree and the dashboard
    undo.trigger()  # the memo again
    undo.trigger()  # the clearing of ア
    assert window.panel.row_for(CHECK_ITEM).met.isChecked()
    assert dash_cell(window, "shien", POINTS) == "5"
    assert stored(db_path).answers[CHECK_ITEM] == "該当"

    # --- reopen: everything is still there ------------------------------------------------------------
    window.close()
    reopened = make_window(user="テスト担当")
    assert reopened.open_path(db_path)
    assert reopened.windowTitle().startswith("北塩原村 令和8年度")
    assert tree_cell(reopened, CHECK_INDICATOR, COL_SCORE) == "5/26"
    assert dash_cell(reopened, "total", POINTS) == "9"
    assert dash_cell(reopened, "total", PROJECTED) == "18"
    assert reopened.jump_to(CHECK_ITEM)
    assert reopened.panel.row_for(CHECK_ITEM).met.isChecked()
    assert reopened.panel.notes.memo.toPlainText() == ""
    assert reopened.panel.notes.status.currentText() == "入力中"
    assert reopened.jump_to(COUNT_ITEM)
    assert reopened.panel.row_for(COUNT_ITEM).buttons["イ②"].isChecked()
    assert reopened.undo_group.activeStack().count() == 0  # a new session starts a new history
