"""The item models on their own: Qt's model checks, partial updates, the dashboard's rows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.records import IndicatorNote
from desktop.scoring import score
from desktop.ui.dashboard_model import (
    BAR,
    BAR_ROLE,
    NATIONAL,
    OFFICIAL,
    POINTS,
    PREVIOUS,
    PROJECTED,
    RATE,
    DashboardModel,
)
from desktop.ui.tree_filter import ScoreFilterProxy
from desktop.ui.tree_model import (
    COL_NAME,
    COL_SCORE,
    COL_STATUS,
    LEVEL_ROLE,
    ScoreTreeModel,
)


@pytest.fixture
def r8_tree(r8):
    return score(r8, {"shien.III.process.issues-and-measures.a": "該当"})


def test_tree_model_passes_qt_model_checks(qtmodeltester, r8_tree):
    model = ScoreTreeModel()
    model.reset(r8_tree, {"suishin.I.process.features": IndicatorNote("x", status="確定")})
    qtmodeltester.check(model, force_py=True)


def test_filter_proxy_passes_qt_model_checks(qtmodeltester, r8_tree):
    model = ScoreTreeModel()
    model.reset(r8_tree)
    proxy = ScoreFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_search_text("在宅医療")
    qtmodeltester.check(proxy, force_py=True)


def test_dashboard_model_passes_qt_model_checks(qtmodeltester, r8_tree):
    model = DashboardModel()
    model.reset(r8_tree)
    qtmodeltester.check(model, force_py=True)
    model.set_extra_columns(previous={"total": 500}, official={"total": 512.5})
    qtmodeltester.check(model, force_py=True)


def test_tree_levels_and_shared_goal_iv(r8_tree):
    model = ScoreTreeModel()
    model.reset(r8_tree)
    top = [model.index(row, COL_NAME).data() for row in range(model.rowCount())]
    assert top == ["推進交付金", "努力支援交付金", "成果指向配分枠〔別枠〕"]
    # 目標Ⅳ sits under both grants: two model rows for one score node
    first = model.index_of("common.IV", 0)
    second = model.index_of("common.IV", 1)
    assert first.isValid() and second.isValid() and first != second
    assert first.parent().data(COL_NAME) != second.parent().data(COL_NAME)
    group = model.index(0, 0, first)
    assert group.data(LEVEL_ROLE) == "group"
    indicator = model.index(0, 0, group)
    assert indicator.data(LEVEL_ROLE) == "indicator"
    assert model.rowCount(indicator) == 0  # sub-items are in the panel, not the tree


def test_update_announces_only_changed_rows(qtbot, r8, r8_tree):
    model = ScoreTreeModel()
    model.reset(r8_tree)
    changed_rows = []
    model.dataChanged.connect(lambda top_left, _br, _roles: changed_rows.append(top_left))
    with qtbot.assertNotEmitted(model.modelReset):
        count = model.update(
            tree=score(
                r8,
                {
                    "shien.III.process.issues-and-measures.a": "該当",
                    "shien.III.process.issues-and-measures.b": "該当",
                },
            )
        )
    ids = {index.internalPointer().node_id for index in changed_rows}
    assert ids == {
        "shien.III.process.issues-and-measures",
        "shien.III.process",
        "shien.III",
        "shien",
    }
    assert count == 4
    assert model.index_of("shien.III.process.issues-and-measures").sibling(0, COL_SCORE).data() in (
        "11/26",
    )


def test_status_column_sums_up_indicator_statuses(r8_tree):
    model = ScoreTreeModel()
    notes = {
        "shien.III.process.issues-and-measures": IndicatorNote("i", status="確定"),
    }
    model.reset(r8_tree, notes)
    indicator = model.index_of("shien.III.process.issues-and-measures")
    assert indicator.sibling(indicator.row(), COL_STATUS).data() == "確定"
    group = model.index_of("shien.III.process")
    assert group.sibling(group.row(), COL_STATUS).data() == "入力中"  # mixed with 未着手
    other = model.index_of("suishin.I.process")
    assert other.sibling(other.row(), COL_STATUS).data() == "未着手"


def test_dashboard_rows_totals_and_outside_frame(r8, r8_tree):
    model = DashboardModel()
    model.reset(r8_tree)
    labels = [row.label for row in model.rows()]
    assert labels[0] == "合計（800点）"
    assert labels.count("目標Ⅳ（両交付金に算入）") == 1
    assert labels[-1] == "成果指向配分枠〔別枠〕"
    frame_row = model.row_of("suishin.outcome-frame")
    total_row = model.row_of("total")
    assert model.index(total_row, model.column_of(POINTS)).data() == "5"
    assert model.index(frame_row, model.column_of(POINTS)).data() == "—"
    # the national average where the catalog has one (summed from indicators: marked *)
    group = model.row_of("shien.III.process")
    national = model.index(group, model.column_of(NATIONAL)).data()
    average_points = r8_tree.node("shien.III.process").national_avg_points
    assert national == f"{average_points:.1f}*"  # points, as `score` prints them
    rate, projected, average = model.index(group, model.column_of(BAR)).data(BAR_ROLE)
    assert rate == pytest.approx(5 / 68)
    assert projected == pytest.approx(5 / 68)
    assert average == pytest.approx(r8_tree.node("shien.III.process").national_avg_rate)
    assert model.index(group, model.column_of(RATE)).data() == "7.4%"


def test_dashboard_optional_columns_appear_only_when_given(r8_tree):
    model = DashboardModel()
    model.reset(r8_tree)
    assert PREVIOUS not in model.columns and OFFICIAL not in model.columns
    model.set_extra_columns(previous={"total": 480, "shien": 240})
    assert PREVIOUS in model.columns and OFFICIAL not in model.columns
    row = model.row_of("total")
    assert model.index(row, model.column_of(PREVIOUS)).data() == "480"
    assert model.index(model.row_of("suishin"), model.column_of(PREVIOUS)).data() == "—"
    model.set_extra_columns(previous=None, official={"total": 512.5})
    assert model.columns[-2:] == [OFFICIAL, BAR]
    assert model.index(row, model.column_of(OFFICIAL)).data() == "512.5"
    assert model.headerData(model.column_of(OFFICIAL), Qt.Orientation.Horizontal) == "国の評価"


def test_dashboard_marks_estimates(r8):
    tree = score(r8, {"suishin.I.activity.score-rank.tier": "イ"})
    model = DashboardModel()
    model.reset(tree)
    row = model.row_of("suishin.I.activity")
    assert model.index(row, model.column_of(POINTS)).data() == "—"
    assert model.index(row, model.column_of(PROJECTED)).data() == "6"
    assert model.headerData(model.column_of(PROJECTED), Qt.Orientation.Horizontal) == "見込み"


def test_dashboard_view_draws_bars_in_the_bar_column_after_extra_columns(qtbot, r8_tree):
    from desktop.ui.dashboard_view import DashboardView, RateBarDelegate

    model = DashboardModel()
    model.reset(r8_tree)
    view = DashboardView(model)
    qtbot.addWidget(view)
    view.resize(700, 600)
    view.show()
    assert isinstance(view.table.itemDelegateForColumn(model.column_of(BAR)), RateBarDelegate)
    old_bar = model.column_of(BAR)
    model.set_extra_columns(previous={"total": 480}, official={"total": 500.0})
    assert isinstance(view.table.itemDelegateForColumn(model.column_of(BAR)), RateBarDelegate)
    assert not isinstance(view.table.itemDelegateForColumn(old_bar), RateBarDelegate)
    assert not view.grab().isNull()  # the bars paint without error


def test_dashboard_columns_are_never_narrower_than_qt_measures_their_contents(qtbot, r8_tree):
    from desktop.ui.dashboard_view import DashboardView

    model = DashboardModel()
    model.reset(r8_tree)
    view = DashboardView(model)
    qtbot.addWidget(view)
    view.show()
    model.set_extra_columns(previous={"total": 480, "shien": 1234.5}, official={"total": 512.5})
    header = view.table.horizontalHeader()
    fitted = [header.sectionSize(column) for column in range(model.columnCount())]
    for column in range(model.columnCount()):
        if column == model.column_of(BAR):
            continue  # stretched over what is left
        view.table.resizeColumnToContents(column)  # Qt's own measure of every cell
        assert fitted[column] >= header.sectionSize(column), model.columns[column]
        # and not much wider: about one character of padding
        char = view.table.fontMetrics().averageCharWidth()
        assert fitted[column] <= header.sectionSize(column) + char + 6, model.columns[column]


def test_dashboard_and_command_line_show_the_same_national_average(r8_tree):
    """全国平均 reads the same (points, ＊ when summed) in the window and from `score`."""
    from desktop.cli.common import display_width
    from desktop.cli.evaluation_commands import score_table

    model = DashboardModel()
    model.reset(r8_tree)
    lines = score_table(r8_tree)
    for node_id, line_start in (("suishin", "推進交付金"), ("suishin.II", "  目標Ⅱ")):
        line = next(line for line in lines if line.startswith(line_start))
        printed = line.split()[-1]
        shown = model.index(model.row_of(node_id), model.column_of(NATIONAL)).data()
        assert shown == printed
        assert "%" not in shown
    widths = {display_width(line) for line in lines[:-2]}
    assert len(widths) == 1, "the columns of the text table line up"


def test_dashboard_announces_only_the_rows_an_answer_moves(r8, qtbot):
    model = DashboardModel()
    model.reset(score(r8, {}))
    announced = []
    model.dataChanged.connect(lambda first, _last: announced.append(first.row()))
    changed = model.update(score(r8, {"shien.III.process.issues-and-measures.a": "該当"}))
    rows = [model.rows()[n].node_id for n in announced]
    assert changed == len(announced) == 4
    assert rows == ["total", "shien", "shien.III", "shien.III.process"]
    assert model.index(model.row_of("shien.III.process"), model.column_of(POINTS)).data() == "5"
    assert model.update(score(r8, {"shien.III.process.issues-and-measures.a": "該当"})) == 0
