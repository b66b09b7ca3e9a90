"""The keyboard alone is enough: move, answer, jump to the next unanswered item, find."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableWidget

from desktop.ui.help_dialog import KEYBOARD_HELP, KeyboardHelpDialog

FEATURES = "suishin.I.process.features"
OPTIMIZATION_B = "suishin.II.process.optimization-programs.b"

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(fresh_r8_window):
    return fresh_r8_window


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)


def answers(window):
    return window.controller.session.answers()


def test_answer_checks_from_the_keyboard(qtbot, window):
    window.navigation.view.setFocus()
    press(qtbot, Qt.Key.Key_F3)  # 次の未回答へ
    first = window.panel.row_for(f"{FEATURES}.a")
    assert focused() is first
    press(qtbot, Qt.Key.Key_Space)
    assert answers(window)[f"{FEATURES}.a"] == "該当"
    assert first.met.isChecked()
    press(qtbot, Qt.Key.Key_Space)  # Space again: 非該当
    assert answers(window)[f"{FEATURES}.a"] == "非該当"
    press(qtbot, Qt.Key.Key_1)
    assert answers(window)[f"{FEATURES}.a"] == "該当"

    press(qtbot, Qt.Key.Key_F3)  # the next unanswered is イ
    assert focused() is window.panel.row_for(f"{FEATURES}.b")
    press(qtbot, Qt.Key.Key_0)
    assert answers(window)[f"{FEATURES}.b"] == "非該当"
    press(qtbot, Qt.Key.Key_Down)
    assert focused() is window.panel.row_for(f"{FEATURES}.c")
    press(qtbot, Qt.Key.Key_Up)
    press(qtbot, Qt.Key.Key_Delete)  # back to 未回答
    assert f"{FEATURES}.b" not in answers(window)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_F3, SHIFT)  # 前の未回答へ: イ again
    assert focused() is window.panel.row_for(f"{FEATURES}.b")


def test_choose_tiers_with_number_and_arrow_keys(qtbot, window):
    assert window.jump_to(OPTIMIZATION_B)
    row = window.panel.row_for(OPTIMIZATION_B)
    assert focused() is row
    press(qtbot, Qt.Key.Key_2)
    assert answers(window)[OPTIMIZATION_B] == "イ②"
    assert row.buttons["イ②"].isChecked()
    press(qtbot, Qt.Key.Key_Right)
    assert answers(window)[OPTIMIZATION_B] == "イ③"
    press(qtbot, Qt.Key.Key_Left)
    assert answers(window)[OPTIMIZATION_B] == "イ②"
    press(qtbot, Qt.Key.Key_0)
    assert answers(window)[OPTIMIZATION_B] == "なし"
    press(qtbot, Qt.Key.Key_Backspace)
    assert OPTIMIZATION_B not in answers(window)
    assert not any(button.isChecked() for button in row.buttons.values())


def test_find_tree_panel_and_back(qtbot, window):
    window.panel.focus_first_row()
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert focused() is window.navigation.search
    window.navigation.view.setFocus()
    window.navigation.select(FEATURES)
    press(qtbot, Qt.Key.Key_Return)  # into the indicator's sub-items
    assert focused() is window.panel.row_for(f"{FEATURES}.a")
    press(qtbot, Qt.Key.Key_Escape)  # back to the list
    assert focused() is window.navigation.view
    press(qtbot, Qt.Key.Key_F6)  # and across again
    assert window.panel.isAncestorOf(focused())
    press(qtbot, Qt.Key.Key_PageDown, CTRL)  # 次の評価指標
    assert window.panel.indicator.id != FEATURES
    assert window.navigation.current_node_id() == window.panel.indicator.id


def test_next_unanswered_walks_the_whole_evaluation(qtbot, window):
    """F3 skips answered sub-items and state-scored ones, across indicators."""
    controller = window.controller
    targets = window.answer_targets()
    catalog = controller.catalog
    assert not any(
        catalog.has_item(target) and catalog.item(target).state_scored
        for _indicator, target, _open in targets
    )
    # answer everything but two targets far apart
    keep_open = [targets[3][1], targets[-2][1]]
    controller.set_answers(
        {
            target: _some_answer(controller, target)
            for _indicator, target, _open in targets
            if target not in keep_open
        },
        "全部",
    )
    window.jump_to(targets[0][1])
    assert window.next_unanswered()
    assert window._current_target() == keep_open[0]
    assert window.next_unanswered()
    assert window._current_target() == keep_open[1]
    assert window.next_unanswered()  # wraps around
    assert window._current_target() == keep_open[0]
    controller.set_answers({t: _some_answer(controller, t) for t in keep_open}, "残り")
    assert not window.next_unanswered()
    assert window.statusBar().currentMessage() == "未回答の小項目はありません"


def _is_check(controller, target):
    catalog = controller.catalog
    return catalog.has_part(target) or catalog.item(target).rule in ("check", "all_of")


def _some_answer(controller, target):
    return "該当" if _is_check(controller, target) else "なし"


def test_shortcuts_are_in_the_menus_and_the_help(window):
    actions = window.menus.actions
    assert actions["next_unanswered"].shortcut().toString() == "F3"
    assert actions["find"].shortcut().toString() == "Ctrl+F"
    assert actions["keys"].shortcut().toString() == "F1"
    assert actions["keys"].text().startswith("キーボード操作")
    dialog = KeyboardHelpDialog(window)
    table = dialog.findChild(QTableWidget, "keyboardHelp")
    keys = [table.item(row, 1).text() for row in range(table.rowCount())]
    assert "Ctrl+F" in keys and "F3 / Shift+F3" in keys
    assert table.rowCount() == len(KEYBOARD_HELP)
