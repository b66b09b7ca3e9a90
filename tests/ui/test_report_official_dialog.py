"""The official-results dialog: typed figures, differences highlighted, saved as one action."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.ui import official_dialog
from desktop.ui.official_dialog import (
    COL_DIFFERENCE,
    COL_OFFICIAL,
    COL_SELF,
    COL_TITLE,
    DIFFERS_COLOUR,
    MATCHES_COLOUR,
    OfficialResultsDialog,
    OfficialResultsModel,
)


@pytest.fixture
def answered(session_r8):
    session_r8.set_answers(
        {
            "suishin.I.process.features.a": "該当",
            "suishin.I.process.features.b": "該当",
            "suishin.I.activity.score-rank.tier": "イ",
        }
    )
    return session_r8


def cell(model, node_id, column, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index_for(node_id, column), role)


def test_model_passes_the_model_tester(qtmodeltester, answered):
    model = OfficialResultsModel(answered.catalog, answered.score(), {"suishin.I": 50.0})
    qtmodeltester.check(model)


def test_every_goal_group_and_indicator_has_a_row_and_iv_appears_once(qtbot, answered):
    dialog = OfficialResultsDialog(answered)
    qtbot.addWidget(dialog)
    model = dialog.model
    assert cell(model, "suishin.I.activity", COL_SELF) == "6"
    assert cell(model, "suishin.I.process.features", COL_SELF) == "8"
    assert cell(model, "total", COL_SELF) == str(answered.score().root.projected_points)
    titles = [model.data(model.index(row, COL_TITLE)) for row in range(model.rowCount())]
    assert sum("目標Ⅳ" in title for title in titles) == 1
    assert "suishin.outcome-frame" in model.node_ids()


def test_typed_figures_show_the_difference_highlighted(qtbot, answered):
    dialog = OfficialResultsDialog(answered)
    qtbot.addWidget(dialog)
    model = dialog.model
    model.set_text("suishin.I.activity", "12")
    assert cell(model, "suishin.I.activity", COL_DIFFERENCE) == "+6"
    background = cell(model, "suishin.I.activity", COL_DIFFERENCE, Qt.ItemDataRole.BackgroundRole)
    assert background.color() == DIFFERS_COLOUR
    assert cell(model, "suishin.I.activity", COL_DIFFERENCE, Qt.ItemDataRole.FontRole).bold()
    model.set_text("suishin.I.process", "8")
    assert cell(model, "suishin.I.process", COL_DIFFERENCE) == "±0"
    background = cell(model, "suishin.I.process", COL_TITLE, Qt.ItemDataRole.BackgroundRole)
    assert background.color() == MATCHES_COLOUR
    assert "自己評価と異なる 1区分" in dialog.summary.text()
    model.set_text("suishin.I.process", "八")
    assert cell(model, "suishin.I.process", COL_DIFFERENCE) == "数値ではありません"


def test_save_stores_all_changes_in_one_action(qtbot, answered):
    dialog = OfficialResultsDialog(answered)
    qtbot.addWidget(dialog)
    dialog.model.set_text("suishin.I.activity", "12")
    dialog.model.set_text("suishin.I.process", "８")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert answered.store.official_results(answered.evaluation_id) == {
        "suishin.I.activity": 12.0,
        "suishin.I.process": 8.0,
    }
    entries = [
        e for e in answered.store.history(answered.evaluation_id) if e.action == "official_result"
    ]
    assert len(entries) == 2 and len({entry.at for entry in entries}) == 1


def test_a_wrong_entry_saves_nothing_and_says_why(qtbot, answered, monkeypatch):
    warnings = []
    monkeypatch.setattr(
        official_dialog.QMessageBox, "warning", lambda parent, title, text: warnings.append(text)
    )
    dialog = OfficialResultsDialog(answered)
    qtbot.addWidget(dialog)
    dialog.model.set_text("suishin.I.activity", "12")
    dialog.model.set_text("suishin.I.process", "99")
    assert cell(dialog.model, "suishin.I.process", COL_DIFFERENCE) == "+91"
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert answered.store.official_results(answered.evaluation_id) == {}
    assert "保存しませんでした" in warnings[0]
    assert "99点は配点（0〜64点）の範囲外" in warnings[0]


def test_clearing_a_cell_clears_the_stored_figure(qtbot, answered):
    answered.store.set_official_results(answered.evaluation_id, {"suishin.I.activity": 9})
    dialog = OfficialResultsDialog(answered)
    qtbot.addWidget(dialog)
    assert cell(dialog.model, "suishin.I.activity", COL_OFFICIAL) == "9"
    dialog.model.set_text("suishin.I.activity", "")
    assert dialog.entered_values() == {"suishin.I.activity": None}
    dialog.accept()
    assert answered.store.official_results(answered.evaluation_id) == {}


def test_only_the_official_column_is_editable(qtbot, answered):
    dialog = OfficialResultsDialog(answered)
    qtbot.addWidget(dialog)
    model = dialog.model
    assert model.flags(model.index_for("suishin.I", COL_OFFICIAL)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index_for("suishin.I", COL_SELF)) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(model.index_for("suishin.I", COL_SELF), "3")
