"""The 伸びしろ view's 実現性 column: a combo that stores the mark, ignores arrow keys while
closed, and the filter that adds the items the state scores (default 不可)."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.report.gaps import session_gaps
from desktop.ui.gap_view import COL_EFFORT, GapView, ItemIdRole
from desktop.ui.guarded_combo import GuardedComboBox

UNMET = "shien.II.process.supporters.a"
STATE_SCORED = "suishin.I.activity.score-rank.tier"


def make_view(qtbot, session, *, editable=True):
    def set_effort(item_id, effort):
        session.set_gap_effort(item_id, effort, source="画面")
        return True

    session.set_answers({UNMET: "非該当", "shien.II.process.supporters.e": "非該当"})
    view = GapView(
        session_gaps(session, include_state_scored=True),
        set_effort=set_effort if editable else None,
    )
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    return view


def effort_index(view, item_id):
    row = view.visible_item_ids().index(item_id)
    return view.proxy.index(row, COL_EFFORT)


def open_editor(view, index) -> GuardedComboBox:
    view.table.setCurrentIndex(index)
    view.table.edit(index)
    editor = view.table.indexWidget(index)
    assert isinstance(editor, GuardedComboBox)
    return editor


def test_choosing_a_mark_stores_it(qtbot, session_r8):
    view = make_view(qtbot, session_r8)
    index = effort_index(view, UNMET)
    assert index.data() == "未設定"
    editor = open_editor(view, index)
    assert editor.currentText() == "未設定"
    chosen = editor.findText("容易")
    editor.setCurrentIndex(chosen)
    editor.activated.emit(chosen)  # what a click in the open list does
    assert session_r8.gap_efforts() == {UNMET: "容易"}
    assert effort_index(view, UNMET).data() == "容易"
    assert view.table.indexWidget(effort_index(view, UNMET)) is None  # editor closed


def test_arrow_keys_do_not_change_a_closed_combo(qtbot, session_r8):
    view = make_view(qtbot, session_r8)
    editor = open_editor(view, effort_index(view, UNMET))
    QTest.keyClick(editor, Qt.Key.Key_Down)
    QTest.keyClick(editor, Qt.Key.Key_End)
    assert editor.currentText() == "未設定"
    view.table.setFocus()  # leaving the cell commits what the combo shows: nothing new
    view.table.closePersistentEditor(effort_index(view, UNMET))
    assert session_r8.gap_efforts() == {}


def test_state_scored_items_are_a_filter_and_read_not_possible(qtbot, session_r8):
    view = make_view(qtbot, session_r8)
    assert STATE_SCORED not in view.visible_item_ids()
    view.state_scored_too.setChecked(True)
    assert STATE_SCORED in view.visible_item_ids()
    assert effort_index(view, STATE_SCORED).data() == "不可"
    editor = open_editor(view, effort_index(view, STATE_SCORED))
    chosen = editor.findText("要調整")
    editor.setCurrentIndex(chosen)
    editor.activated.emit(chosen)
    assert session_r8.gap_efforts() == {STATE_SCORED: "要調整"}
    # Clearing the user's mark falls back to the default, 不可.
    editor = open_editor(view, effort_index(view, STATE_SCORED))
    editor.setCurrentIndex(0)
    editor.activated.emit(0)
    assert session_r8.gap_efforts() == {}
    assert effort_index(view, STATE_SCORED).data() == "不可"
    if os.environ.get("HYOKA_SCREENSHOTS"):
        view.table.scrollToTop()
        view.grab().save(os.path.join(os.environ["HYOKA_SCREENSHOTS"], "gap_view.png"))


def test_read_only_view_does_not_edit_and_double_click_still_jumps(qtbot, session_r8):
    view = make_view(qtbot, session_r8, editable=False)
    index = effort_index(view, UNMET)
    assert not index.flags() & Qt.ItemFlag.ItemIsEditable
    with qtbot.waitSignal(view.itemActivated) as signal:
        view.table.doubleClicked.emit(index)
    assert signal.args == [view.proxy.data(index, ItemIdRole)]


def test_ranks_stay_consecutive_while_state_scored_rows_are_hidden(qtbot, session_r8):
    view = make_view(qtbot, session_r8)
    ranks = [int(view.proxy.index(row, 0).data()) for row in range(view.proxy.rowCount())]
    assert ranks == list(range(1, len(ranks) + 1))
