"""Answering by keyboard never loses a key: focus always lands on a sub-item to answer.

Drives the real main window with key clicks only (no mouse) through whole indicators,
and checks each answer against the file.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.ui.item_rows import AllOfRow, ExternalRow

CTRL = Qt.KeyboardModifier.ControlModifier
FEATURES = "suishin.I.process.features"


@pytest.fixture
def window(fresh_r8_window):
    return fresh_r8_window


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    widget = focused()
    assert widget is not None, "the keyboard focus is nowhere: this key would be lost"
    qtbot.keyClick(widget, key, modifier)


def focused_row(window):
    focus = focused()
    return next((row for row in window.panel.rows if row is focus or row.isAncestorOf(focus)), None)


def row_target(row) -> str:
    return getattr(row, "target_id", row.item.id)


def test_two_indicators_answered_by_keyboard_alone(qtbot, window, db_path, probe):
    first, second = window.tree_model.indicator_ids()[:2]
    window.navigation.view.setFocus()
    window.navigation.select(first)
    press(qtbot, Qt.Key.Key_Return)  # from the list into the sub-items
    expected = {}
    for indicator in (first, second):
        assert window.current_indicator_id() == indicator
        rows = list(window.panel.rows)
        assert focused_row(window) is rows[0]
        for row in rows:
            assert focused_row(window) is row, f"focus left {row_target(row)}"
            assert not isinstance(row, ExternalRow)  # a spin box would take ↓ itself
            press(qtbot, Qt.Key.Key_1)  # 該当, or the first option
            if not isinstance(row, AllOfRow):
                expected[row_target(row)] = row.node.answer
            press(qtbot, Qt.Key.Key_Down)  # past the last row: on to the next indicator
    assert window.current_indicator_id() == window.tree_model.indicator_ids()[2]
    assert focused_row(window) is window.panel.rows[0]
    stored = probe.stored(db_path).answers
    catalog = window.controller.catalog
    for target, answer in expected.items():
        assert answer is not None, target
        if catalog.has_part(target):
            item, _part = catalog.part(target)
            assert stored[item.id] is not None
        else:
            assert stored[target] == answer, target
    assert len(expected) >= 5


def test_next_indicator_puts_focus_on_the_first_unanswered_item(qtbot, window):
    controller = window.controller
    second = window.tree_model.indicator_ids()[1]
    first_item = controller.tree.node(second).children[0]
    controller.set_answers({first_item.id: "該当"}, "準備")
    window.jump_to(window.tree_model.indicator_ids()[0])
    press(qtbot, Qt.Key.Key_PageDown, CTRL)  # 次の評価指標
    assert window.current_indicator_id() == second
    row = focused_row(window)
    assert row is not None
    assert row.item.id == controller.tree.node(second).children[1].id  # ア is answered
    press(qtbot, Qt.Key.Key_0)  # and the key is not lost
    assert controller.session.answers()[row.item.id] == "非該当"
    press(qtbot, Qt.Key.Key_PageUp, CTRL)
    assert focused_row(window) is window.panel.rows[0]


def test_an_indicator_with_a_sub_item_note_keeps_the_keys(qtbot, window):
    """The note under a sub-item once opened as a window of its own while the row was
    built, and the next keys went nowhere."""
    with_note = "suishin.II.process.optimization-programs"
    item = next(i for i in window.controller.catalog.indicator(with_note).items if i.note)
    window.jump_to(FEATURES)
    while window.current_indicator_id() != with_note:
        press(qtbot, Qt.Key.Key_PageDown, CTRL)
    qtbot.wait(50)  # the window-system events the row building caused
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [window]
    row = focused_row(window)
    assert row is not None
    press(qtbot, Qt.Key.Key_1)
    assert window.controller.session.answers()[row_target(row)] is not None
    assert any(r.note.isVisible() and r.note.text() == item.note for r in window.panel.rows)


def test_down_after_the_last_item_never_changes_the_status(qtbot, window):
    window.jump_to(FEATURES)
    window.panel.rows[-1].setFocus()
    status_before = window.controller.note(FEATURES).status
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)
    assert window.controller.note(FEATURES).status == status_before
    assert window.current_indicator_id() != FEATURES
    assert focused_row(window) is not None


def test_a_closed_status_box_ignores_arrow_keys(qtbot, window):
    window.jump_to(FEATURES)
    status = window.panel.notes.status
    status.setFocus()
    before = status.currentText()
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_End, Qt.Key.Key_PageDown):
        qtbot.keyClick(status, key)
    assert status.currentText() == before
    assert window.controller.note(FEATURES).status == before


def test_the_last_indicator_stops_with_a_message(qtbot, window):
    last = window.tree_model.indicator_ids()[-1]
    window.jump_to(last)
    window.panel.rows[-1].setFocus()
    if isinstance(window.panel.rows[-1], ExternalRow):
        window.panel.end_reached.emit()  # a spin box keeps ↓ for its value
    else:
        press(qtbot, Qt.Key.Key_Down)
    assert window.current_indicator_id() == last
    assert "最後の評価指標" in window.statusBar().currentMessage()


def test_final_with_unanswered_items_asks_first(qtbot, window):
    window.jump_to(FEATURES)
    open_count = sum(1 for row in window.panel.rows if row.is_open())
    notes = window.panel.notes
    window.prompts.confirm_answer = False
    notes.status.activated.emit(notes.status.findText("確定"))
    assert window.prompts.confirms and f"{open_count} 件" in window.prompts.confirms[-1]
    assert window.controller.note(FEATURES).status != "確定"
    assert notes.status.currentText() != "確定"  # the box shows what is stored
    window.prompts.confirm_answer = True
    notes.status.activated.emit(notes.status.findText("確定"))
    assert window.controller.note(FEATURES).status == "確定"


def test_final_with_everything_answered_asks_nothing(qtbot, window):
    window.jump_to(FEATURES)
    window.controller.set_answers(
        {row_target(r): "該当" for r in window.panel.rows if r.is_open()}, "全部"
    )
    notes = window.panel.notes
    notes.status.activated.emit(notes.status.findText("確定"))
    assert window.prompts.confirms == []
    assert window.controller.note(FEATURES).status == "確定"


def test_a_search_hit_and_a_tree_click_land_on_the_sub_items(qtbot, window, probe):
    navigation = window.navigation
    navigation.focus_search()
    title = window.controller.catalog.indicator(FEATURES).title
    probe.type_japanese(navigation.search, title[:6])
    press(qtbot, Qt.Key.Key_Return)  # Enter in the search box: the first indicator found
    assert focused_row(window) is not None
    assert window.current_indicator_id() == FEATURES
    navigation.clear_filters()
    second = window.tree_model.indicator_ids()[1]
    index = navigation.proxy.mapFromSource(window.tree_model.index_of(second))
    navigation.view.scrollTo(index)
    rect = navigation.view.visualRect(index)
    qtbot.mouseClick(navigation.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_indicator_id() == second
    assert focused_row(window) is window.panel.rows[0]


def test_after_a_reload_the_window_stays_and_is_ready_to_answer(qtbot, window):
    """An import or a carry reloads the evaluation: same indicator, focus on a sub-item."""
    third = window.tree_model.indicator_ids()[2]
    window.jump_to(third)
    window.navigation.view.setFocus()
    window.reload()
    assert window.current_indicator_id() == third
    row = focused_row(window)
    assert row is not None and row.is_open()
    press(qtbot, Qt.Key.Key_1)
    assert window.controller.session.answers()[row_target(row)] is not None
