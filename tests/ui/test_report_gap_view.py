"""The 伸びしろ view: ranked rows, filters, and a double-click that names the item."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.report.gaps import session_gaps
from desktop.ui.gap_view import COL_GAIN, COL_SHARE, GapTableModel, GapView, ItemIdRole

ANSWERS = {
    "shien.II.process.supporters.a": "非該当",  # 4 points, national 87.0 %
    "shien.II.process.supporters.e": "非該当",  # 4 points, national 33.1 %
    "suishin.II.process.optimization-programs.d": "非該当",  # 8 points, 47.3 %
}


@pytest.fixture
def gaps(session_r8):
    answered = {}
    for indicator in session_r8.catalog.group("shien.II.process").indicators:
        for item in indicator.items:
            answered[item.id] = "該当"
    for indicator in session_r8.catalog.group("suishin.II.process").indicators:
        for item in indicator.items:
            if item.rule == "check":
                answered[item.id] = "該当"
    session_r8.set_answers({**answered, **ANSWERS})
    return session_gaps(session_r8)


def test_model_passes_the_model_tester(qtmodeltester, gaps):
    qtmodeltester.check(GapTableModel(gaps))


def test_rows_are_ranked_and_show_the_effect(qtbot, gaps):
    view = GapView(gaps)
    qtbot.addWidget(view)
    order = view.visible_item_ids()
    assert order.index("shien.II.process.supporters.a") < order.index(
        "shien.II.process.supporters.e"
    )
    row = order.index("shien.II.process.supporters.a")
    model = view.proxy
    assert model.data(model.index(row, COL_GAIN)) == "+4点"
    assert model.data(model.index(row, COL_SHARE)) == "87.0%"
    assert "→" in model.data(model.index(row, 5))
    assert model.data(model.index(row, 0), Qt.ItemDataRole.BackgroundRole) is not None


def test_filters_by_text_grant_and_high_share(qtbot, gaps):
    view = GapView(gaps)
    qtbot.addWidget(view)
    everything = view.visible_item_ids()
    view.high_share_only.setChecked(True)
    high = view.visible_item_ids()
    assert "shien.II.process.supporters.a" in high
    assert "shien.II.process.supporters.e" not in high
    assert all(gap.high_share for gap in gaps if gap.item_id in high)
    view.high_share_only.setChecked(False)
    view.grant_filter.setCurrentIndex(view.grant_filter.findData("suishin"))
    suishin = view.visible_item_ids()
    assert "suishin.II.process.optimization-programs.d" in suishin
    assert not any(item.startswith("shien.") for item in suishin)
    view.grant_filter.setCurrentIndex(0)
    view.search.setText("オ")
    assert "shien.II.process.supporters.e" in view.visible_item_ids()
    assert len(view.visible_item_ids()) < len(everything)
    assert "件中" in view.count_label.text()


def test_double_click_emits_the_item_id(qtbot, gaps):
    view = GapView(gaps)
    qtbot.addWidget(view)
    view.resize(1200, 500)
    view.show()
    qtbot.waitExposed(view)
    index = view.proxy.index(0, 2)
    expected = view.proxy.data(index, ItemIdRole)
    rect = view.table.visualRect(index)
    QTest.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(view.itemActivated, timeout=2000) as signal:
        QTest.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [expected]


def test_enter_on_a_row_emits_its_item_id(qtbot, gaps):
    view = GapView(gaps)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.table.setFocus()
    view.table.setCurrentIndex(view.proxy.index(1, 0))
    expected = view.proxy.data(view.proxy.index(1, 0), ItemIdRole)
    emitted = []
    view.itemActivated.connect(emitted.append)
    QTest.keyClick(view.table, Qt.Key.Key_Return)
    assert emitted == [expected]


def test_sorting_by_share_uses_numbers(qtbot, gaps):
    view = GapView(gaps)
    qtbot.addWidget(view)
    view.table.sortByColumn(COL_SHARE, Qt.SortOrder.DescendingOrder)
    shares = [
        view.proxy.data(view.proxy.index(row, COL_SHARE)) for row in range(view.proxy.rowCount())
    ]
    numbers = [float(s.rstrip("%")) for s in shares if s != "—"]
    assert numbers == sorted(numbers, reverse=True)


def test_unanswered_is_filtered_apart_from_not_met(qtbot, session_r8):
    session_r8.set_answers({"shien.II.process.supporters.a": "非該当"})
    session_r8.note("shien.II.process.supporters", section="高齢福祉課")
    view = GapView(session_gaps(session_r8))
    qtbot.addWidget(view)
    everything = view.visible_item_ids()
    view.answer_filter.setCurrentIndex(view.answer_filter.findText("未回答"))
    unanswered = view.visible_item_ids()
    assert "shien.II.process.supporters.a" not in unanswered
    assert "shien.II.process.supporters.e" in unanswered  # never answered
    view.answer_filter.setCurrentIndex(view.answer_filter.findText("回答済み（非該当など）"))
    answered = view.visible_item_ids()
    assert answered == ["shien.II.process.supporters.a"]
    assert len(unanswered) + len(answered) == len(everything)
    # the row names its indicator and the section in charge
    from desktop.ui.gap_view import COL_INDICATOR, COL_SECTION

    assert view.proxy.data(view.proxy.index(0, COL_SECTION)) == "高齢福祉課"
    assert view.proxy.data(view.proxy.index(0, COL_INDICATOR)).startswith("1 ")
