"""The workbook, report and year features, reached from the main window's menus."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.evaluation.session import Session, create_evaluation
from desktop.store import EvaluationFile
from desktop.workbook.layout import COL, SHEET_MANIFEST
from desktop.workbook.manifest import read_manifest

from .conftest import HOKUSHIOBARA, half_answered

ITEM = "suishin.I.process.features.d"  # unanswered in the half-answered file (odd position)


@pytest.fixture
def silent(monkeypatch):
    """Information boxes of the feature modules answer themselves."""
    import desktop.ui.report_actions as report_actions
    import desktop.ui.workbook_actions as workbook_actions

    shown = []
    for module in (workbook_actions, report_actions):
        monkeypatch.setattr(module, "inform", lambda _p, title, text: shown.append((title, text)))
        monkeypatch.setattr(module, "warn", lambda _p, title, text: shown.append((title, text)))
    # exporting with unanswered sub-items asks first: say yes, and remember the question
    monkeypatch.setattr(
        workbook_actions, "confirm", lambda _p, title, text: shown.append((title, text)) or True
    )
    return shown


@pytest.fixture
def window(make_window, db_path, r8):
    half_answered(db_path, r8)
    window = make_window()
    window.open_path(db_path, interactive=False)
    return window


def trigger(window, key):
    action = window.features.actions[key]
    assert action.isEnabled(), key
    action.trigger()


def menu_texts(window, menu):
    return [a.text() for a in window.menus.menus[menu].actions() if a.text()]


def test_the_features_are_in_the_menus(window):
    file_menu = menu_texts(window, "file")
    for text in (
        "提出用ブックを出力する(&E)…",
        "ブックを取り込む(&I)…",
        "評価結果（公表資料）を出力する(&P)…",
    ):
        assert text in file_menu
    evaluation = menu_texts(window, "evaluation")
    for text in (
        "伸びしろ（減点項目の一覧）(&G)…",
        "国による評価結果を入力(&K)…",
        "前年度から引き継ぐ(&C)…",
    ):
        assert text in evaluation


def test_export_submission_from_the_menu(window, tmp_path, monkeypatch, silent):
    import desktop.ui.workbook_actions as workbook_actions

    out = tmp_path / "提出.xlsx"
    monkeypatch.setattr(workbook_actions, "ask_save_path", lambda *_a: out)
    trigger(window, "export_submission")
    assert out.is_file()
    assert any(title == "未回答の小項目があります" for title, _text in silent)
    book = openpyxl.load_workbook(out)
    assert "表紙" in book.sheetnames and "推進交付金" in book.sheetnames
    assert str(out) in window.statusBar().currentMessage()


def test_import_from_the_menu_updates_tree_dashboard_and_file(
    window, db_path, tmp_path, monkeypatch, silent
):
    import desktop.ui.workbook_actions as workbook_actions

    out = tmp_path / "配布.xlsx"
    monkeypatch.setattr(workbook_actions, "ask_save_path", lambda *_a: out)
    trigger(window, "export_submission")
    before = window.session.score()

    # A colleague marks the unanswered item as met, in Excel.
    book = openpyxl.load_workbook(out)
    sheet = book[SHEET_MANIFEST]
    manifest = read_manifest(
        {
            (c.row, c.column): c.value
            for row in sheet.iter_rows()
            for c in row
            if c.value is not None
        }
    )
    sheet_name, row = next((r.sheet, r.row) for r in manifest.rows if r.target == ITEM)
    book[sheet_name].cell(row=row, column=COL["回答"]).value = "該当"
    book.save(out)

    monkeypatch.setattr(workbook_actions, "ask_open_path", lambda *_a: out)
    monkeypatch.setattr(workbook_actions, "review_preview", lambda _p, preview: {})
    trigger(window, "import_workbook")

    after = window.session.score()
    assert after.node(ITEM).answer == "該当"
    assert after.node("total").points == before.node("total").points + 4
    index = window.tree_model.index_of("suishin.I.process.features")
    shown = window.tree_model.node_at(index)
    assert shown.points == after.node("suishin.I.process.features").points
    model = window.dashboard_model
    total = model.index(model.row_of("total"), model.column_of("points"))
    assert model.data(total) == str(after.node("total").points)
    with EvaluationFile.open(db_path, read_only=True) as reader:
        assert Session.open(reader).answers()[ITEM] == "該当"
        assert reader.history(target=ITEM)[-1].source == "取込: 配布.xlsx"


def test_gaps_dialog_jumps_to_the_item(window, qtbot):
    trigger(window, "show_gaps")
    dialog = window.features._gap_dialog
    assert dialog is not None and dialog.isVisible()
    from desktop.ui.gap_view import GapView

    view = dialog.findChild(GapView)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    view.itemActivated.emit(ITEM)
    assert window.current_indicator_id() == "suishin.I.process.features"
    # The keys go to the sub-item now, not to the list the jump came from.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    focus = QApplication.focusWidget()
    row = next(r for r in window.panel.rows if r is focus or r.isAncestorOf(focus))
    assert row.item.id == ITEM
    assert dialog.isVisible()  # still open behind, for the next item
    dialog.close()


def test_official_results_appear_beside_the_dashboard(window, monkeypatch):
    window.session.set_official_results({"suishin.I": 55})
    window.features.refresh_extra_columns()
    model = window.dashboard_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert any("国" in str(h) for h in headers), headers
    cell = model.index(model.row_of("suishin.I"), model.column_of("official"))
    assert "55" in model.data(cell)


def test_carry_forward_from_the_menu_opens_the_new_year(
    make_window, db_path, r7, monkeypatch, silent
):
    import desktop.ui.report_actions as report_actions

    with EvaluationFile.open(db_path) as store:
        session = create_evaluation(store, r7, municipality=HOKUSHIOBARA)
        session.set_answers({"suishin.I.process.features.a": "該当"})
    window = make_window()
    window.open_path(db_path, interactive=False)
    assert window.session.record.fiscal_year == 2025
    monkeypatch.setattr(report_actions, "run_dialog", lambda _dialog: True)
    trigger(window, "carry_forward")
    assert window.session.record.fiscal_year == 2026
    assert "suishin.I.process.features.a" in window.session.carried_items()
    assert window.session.answers()["suishin.I.process.features.a"] == "該当"


def test_writing_features_are_disabled_when_read_only(make_window, db_path, r8):
    half_answered(db_path, r8)
    window = make_window()
    window.open_path(db_path, read_only=True, interactive=False)
    actions = window.features.actions
    assert actions["export_submission"].isEnabled()
    assert actions["show_gaps"].isEnabled()
    for key in (
        "import_workbook",
        "carry_forward",
        "enter_official_results",
        "edit_planned_responses",
    ):
        assert not actions[key].isEnabled(), key


def test_the_name_recorded_in_the_history_can_be_set(window, db_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("　山田 花子　", True))
    window.features.name_action.trigger()
    assert window.ui_settings.recorded_name() == "山田 花子"
    assert "山田 花子" in window.statusBar().currentMessage()
    window.controller.set_answer(ITEM, "該当")
    assert window.document.store.history(target=ITEM)[-1].user == "山田 花子"

    window.features.set_recorded_name("")  # back to the OS user name
    assert window.ui_settings.recorded_name() is None
    window.controller.set_answer(ITEM, "非該当")
    assert window.document.store.history(target=ITEM)[-1].user != "山田 花子"
