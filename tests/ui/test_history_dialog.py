"""The change history in the window: who changed what, when, old → new, and filters."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from desktop.history import history_rows, matches

FEATURES = "suishin.I.process.features"


@pytest.fixture
def window(make_window, db_path, r8):
    from desktop.evaluation.session import create_evaluation
    from desktop.store import EvaluationFile

    with EvaluationFile.open(db_path, user="山田") as store:
        session = create_evaluation(store, r8)
        session.set_answers({f"{FEATURES}.a": "該当", f"{FEATURES}.b": "非該当"})
        session.set_answers({f"{FEATURES}.a": "非該当"})
        session.note(FEATURES, memo="課長に確認")
    window = make_window(user="佐藤")
    assert window.open_path(db_path)
    window.controller.set_answers({f"{FEATURES}.c": "該当"}, "入力")
    return window


def table_text(dialog) -> list[list[str]]:
    proxy = dialog.proxy
    return [
        [proxy.index(row, column).data() for column in range(proxy.columnCount())]
        for row in range(proxy.rowCount())
    ]


def test_rows_say_who_what_where_and_old_to_new(window, r8):
    rows = history_rows(r8, window.session.history())
    first = rows[0]  # newest first
    assert (first.user, first.what, first.old, first.new) == ("佐藤", "回答", "（なし）", "該当")
    assert first.place == "推進 目標Ⅰ 体制・取組指標群 1-ウ"
    changed = [r for r in rows if r.target == f"{FEATURES}.a"]
    assert [(r.old, r.new) for r in changed] == [("該当", "非該当"), ("（なし）", "該当")]
    memo = next(r for r in rows if r.what == "指標の記録（備考）")
    assert memo.new == "課長に確認" and memo.indicator_id == FEATURES
    assert memo.place.startswith("推進 目標Ⅰ 体制・取組指標群 1 ")
    assert not any("suishin" in r.place for r in rows)  # no ids in front of users
    created = next(r for r in rows if r.what == "評価の作成")
    assert (created.old, created.new) == ("", "")  # no catalog revision numbers


def test_filters_by_indicator_person_and_day(window, r8):
    rows = history_rows(r8, window.session.history())
    today = rows[0].day
    assert {r.user for r in rows if matches(r, user="山田")} == {"山田"}
    assert all(r.indicator_id == FEATURES for r in rows if matches(r, indicator=FEATURES))
    assert [r for r in rows if matches(r, since=today, until=today)] == rows
    assert not [r for r in rows if matches(r, until=date(2000, 1, 1))]


def test_the_dialog_lists_and_filters(qtbot, window):
    window.show_history()
    dialog = window.history_dialog
    qtbot.waitExposed(dialog)
    everything = table_text(dialog)
    assert everything[0][1:] == [
        "佐藤",
        "回答",
        "推進 目標Ⅰ 体制・取組指標群 1-ウ",
        "（なし）",
        "該当",
    ]
    dialog.user.setCurrentIndex(dialog.user.findData("佐藤"))
    assert [row[1] for row in table_text(dialog)] == ["佐藤"]
    dialog.user.setCurrentIndex(0)
    dialog.indicator.setCurrentIndex(dialog.indicator.findData(FEATURES))
    shown = table_text(dialog)
    assert shown and all("1" in row[3] for row in shown)
    assert len(shown) < len(everything)  # the municipality and creation entries drop out
    dialog.by_day.setChecked(True)
    dialog.until.setDate(dialog.until.date().addDays(-400))
    assert dialog.proxy.rowCount() == 0
    assert dialog.count.text().startswith("0 件")


def test_one_sub_item_history_from_its_row(qtbot, window):
    window.jump_to(f"{FEATURES}.a")
    qtbot.keyClick(
        window.panel.row_for(f"{FEATURES}.a"),
        Qt.Key.Key_H,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = window.history_dialog
    assert dialog is not None
    assert [(row[4], row[5]) for row in table_text(dialog)] == [
        ("該当", "非該当"),
        ("（なし）", "該当"),
    ]
    assert "1-ア の変更だけを表示" in dialog.target_label.text()
    dialog.show_all.click()
    assert dialog.proxy.rowCount() > 2


def test_double_click_goes_to_the_place(qtbot, window):
    window.show_history()
    dialog = window.history_dialog
    window.jump_to(window.tree_model.indicator_ids()[5])
    index = dialog.proxy.index(0, 0)
    dialog.table.doubleClicked.emit(index)
    assert window.current_indicator_id() == FEATURES
    assert window._current_target() == f"{FEATURES}.c"


def test_the_dialog_fits_a_1280_pixel_screen_with_long_titles(qtbot, window, r8):
    """The indicator filter once sized itself to the longest title: 1,609 px wide."""
    from desktop.workbook.validation import answer_values

    longest = max(r8.all_indicators(), key=lambda indicator: len(indicator.title))
    item = next(item for item in longest.items if not item.state_scored)
    window.controller.set_answers({item.id: answer_values(item, None)[0]}, "入力")
    window.show_history()
    dialog = window.history_dialog
    qtbot.waitExposed(dialog)
    assert dialog.indicator.findData(longest.id) > 0
    assert dialog.minimumSizeHint().width() <= 1280
    assert dialog.width() <= 1280
    dialog.indicator.setCurrentIndex(dialog.indicator.findData(longest.id))
    assert longest.title in dialog.indicator.toolTip()
