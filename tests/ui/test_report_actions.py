"""The report menu actions, the carry dialog and the 今後の対応 editor, driven offscreen."""

from __future__ import annotations

import openpyxl
import pytest

from desktop.evaluation.document import Document
from desktop.evaluation.session import create_evaluation
from desktop.records import Municipality
from desktop.ui import report_actions
from desktop.ui.carry_dialog import CarryDialog, plan_html
from desktop.ui.planned_response_editor import PlannedResponseEditor


@pytest.fixture
def quiet(monkeypatch):
    """Record messages instead of showing them; dialogs are answered by the test."""
    said = {"inform": [], "warn": []}
    monkeypatch.setattr(report_actions, "inform", lambda p, t, x: said["inform"].append(x))
    monkeypatch.setattr(report_actions, "warn", lambda p, t, x: said["warn"].append(x))
    return said


@pytest.fixture
def r7_file(store, r7):
    session = create_evaluation(store, r7, municipality=Municipality(name="北塩原村"))
    session.set_answers(
        {
            "suishin.I.process.features.a": "該当",
            "shien.I.process.coordinator.b": "該当",  # split in R8
        }
    )
    return session


# --- export ------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".xlsx", ".pdf"])
def test_export_report_writes_the_chosen_format(
    qapp, session_r8, tmp_path, monkeypatch, quiet, suffix
):
    target = tmp_path / f"評価結果{suffix}"
    monkeypatch.setattr(report_actions, "ask_save_path", lambda parent, title, name: target)
    session_r8.store.set_planned_response(session_r8.evaluation_id, "suishin.I.process", "研修する")
    assert report_actions.export_report(None, session_r8) == target
    data = target.read_bytes()
    if suffix == ".pdf":
        assert data.startswith(b"%PDF")
    else:
        values = [
            c.value for row in openpyxl.load_workbook(target)["評価結果"].iter_rows() for c in row
        ]
        assert "研修する" in values
    assert quiet["inform"] and str(target) in quiet["inform"][0]


def test_export_report_cancelled_writes_nothing(qapp, session_r8, monkeypatch, quiet):
    monkeypatch.setattr(report_actions, "ask_save_path", lambda *args: None)
    assert report_actions.export_report(None, session_r8) is None
    assert quiet == {"inform": [], "warn": []}


def test_export_report_failure_is_explained(qapp, session_r8, tmp_path, monkeypatch, quiet):
    monkeypatch.setattr(report_actions, "ask_save_path", lambda *args: tmp_path / "ない" / "x.xlsx")
    assert report_actions.export_report(None, session_r8) is None
    assert "フォルダ" in quiet["warn"][0]


def test_default_name_has_year_and_municipality(session_r8):
    assert report_actions.default_report_name(session_r8) == "評価結果_R8_北塩原村.xlsx"


# --- gaps ----------------------------------------------------------------------------------------
def test_show_gaps_jumps_on_activation(qtbot, session_r8):
    session_r8.set_answers({"suishin.I.process.features.b": "非該当"})
    jumped = []
    dialog = report_actions.show_gaps(None, session_r8, jumped.append)
    qtbot.addWidget(dialog)
    view = dialog.gap_view
    assert "suishin.I.process.features.b" in view.visible_item_ids()
    row = view.visible_item_ids().index("suishin.I.process.features.b")
    view.table.doubleClicked.emit(view.proxy.index(row, 2))
    assert jumped == ["suishin.I.process.features.b"]


# --- official results ----------------------------------------------------------------------------
def test_enter_official_results_reports_whether_something_was_saved(qapp, session_r8, monkeypatch):
    def accept_with_a_figure(dialog):
        dialog.model.set_text("suishin.I.activity", "10")
        dialog.accept()
        return dialog.result() == dialog.DialogCode.Accepted

    monkeypatch.setattr(report_actions, "run_dialog", accept_with_a_figure)
    assert report_actions.enter_official_results(None, session_r8) is True
    assert session_r8.store.official_results(session_r8.evaluation_id) == {
        "suishin.I.activity": 10.0
    }
    monkeypatch.setattr(report_actions, "run_dialog", lambda dialog: False)
    assert report_actions.enter_official_results(None, session_r8) is False


# --- carrying --------------------------------------------------------------------------------------
def test_carry_dialog_lists_what_happens(qtbot, store, r7_file):
    from desktop.evaluation.carryover import plan_carry

    plan = plan_carry(store, 2025)
    dialog = CarryDialog(plan)
    qtbot.addWidget(dialog)
    text = dialog.summary.toPlainText()
    assert "引き継ぐ回答: 1件" in text
    assert "分割・再編（回答し直しが必要）: 1件" in text
    assert "支援 目標Ⅰ 体制・取組指標群 6-イ・ウ → イ・ウ・カ" in text
    assert "新設（回答が必要）: 2件" in text  # 支援 目標Ⅱ 1-カ and the 成果指向配分枠
    assert "引き継がない回答: 1件" in text
    assert "<script" not in plan_html(plan)


def test_carry_forward_confirmed_creates_the_new_year(qapp, store, r7_file, monkeypatch, quiet):
    shown = []

    def answer(dialog):
        shown.append(dialog.summary.toPlainText())
        return True

    monkeypatch.setattr(report_actions, "run_dialog", answer)
    session = report_actions.carry_forward(None, Document(store, store.path), r7_file)
    assert session is not None and session.catalog.year_code == "R8"
    assert store.carried_items(session.evaluation_id) == {"suishin.I.process.features.a"}
    assert len(shown) == 2  # the plan, then the result
    assert quiet["warn"] == []


def test_carry_forward_cancelled_changes_nothing(qapp, store, r7_file, monkeypatch, quiet):
    audit = store.audit_count()
    monkeypatch.setattr(report_actions, "run_dialog", lambda dialog: False)
    assert report_actions.carry_forward(None, Document(store, store.path), r7_file) is None
    assert [r.fiscal_year for r in store.evaluations()] == [2025]
    assert store.audit_count() == audit


def test_carry_forward_refusal_is_explained(qapp, store, session_r8, monkeypatch, quiet):
    monkeypatch.setattr(report_actions, "run_dialog", lambda dialog: True)
    assert report_actions.carry_forward(None, Document(store, store.path), session_r8) is None
    assert "令和9年度" in quiet["warn"][0]


# --- 今後の対応 ---------------------------------------------------------------------------------------
def test_planned_responses_save_one_action_per_group(qtbot, session_r8):
    editor = PlannedResponseEditor(session_r8)
    qtbot.addWidget(editor)
    editor.select_group("suishin.I.process")
    editor.editor.setPlainText("モニタリング結果を公表する")
    assert editor.status.text() == "未保存の変更があります"
    editor.select_group("shien.II.process")  # moving on saves the first group
    editor.editor.setPlainText("=難聴の普及啓発から始める")
    editor.accept()  # closing saves the second
    assert session_r8.store.planned_responses(session_r8.evaluation_id) == {
        "suishin.I.process": "モニタリング結果を公表する",
        "shien.II.process": "=難聴の普及啓発から始める",
    }
    entries = [
        e
        for e in session_r8.store.history(session_r8.evaluation_id)
        if e.action == "planned_response"
    ]
    assert [e.target for e in entries] == ["suishin.I.process", "shien.II.process"]
    label = editor.model.data(editor.model.index(editor.model.group_ids.index("suishin.I.process")))
    assert label.startswith("✎")


def test_planned_response_editor_shows_lost_items(qtbot, session_r8):
    session_r8.set_answers({"suishin.I.process.features.b": "非該当"})
    editor = PlannedResponseEditor(session_r8)
    qtbot.addWidget(editor)
    editor.select_group("suishin.I.process")
    assert "・イ（4点）" in editor.lost.toPlainText()
    editor.select_group("suishin.I.activity")
    assert "国が算定" in editor.lost.toPlainText()


def test_too_long_a_response_is_refused_and_kept_on_screen(qtbot, session_r8, monkeypatch):
    from desktop.ui import planned_response_editor

    warnings = []
    monkeypatch.setattr(
        planned_response_editor.QMessageBox, "warning", lambda p, t, x: warnings.append(x)
    )
    editor = PlannedResponseEditor(session_r8)
    qtbot.addWidget(editor)
    editor.select_group("suishin.I.process")
    editor.editor.setPlainText("あ" * 2001)
    editor.select_group("shien.II.process")
    assert editor.current_group == "suishin.I.process"
    assert editor.editor.toPlainText() == "あ" * 2001
    assert "2000文字まで" in warnings[0]
    assert session_r8.store.planned_responses(session_r8.evaluation_id) == {}
