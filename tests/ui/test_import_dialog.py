"""The import preview dialog and the workbook menu actions (offscreen)."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt

from desktop.workbook.importer import PREFER_DATABASE, PREFER_WORKBOOK, preview_import
from desktop.workbook.layout import COL
from desktop.workbook.submission import export_submission

SCREENSHOT_DIR = Path(os.environ.get("HYOKA_SCREENSHOT_DIR", "/tmp/hyoka-screenshots"))


@pytest.fixture
def session(session_r8):
    session_r8.set_answers({"suishin.I.process.features.a": "該当"})
    session_r8.note("suishin.I.process.features", section="介護保険課")
    return session_r8


def _edit(path: Path, out: Path, edits: dict[str, str]) -> Path:
    """Set answers by item id, finding rows through the hidden manifest sheet."""
    from desktop.workbook.layout import SHEET_MANIFEST

    workbook = openpyxl.load_workbook(path)
    manifest = workbook[SHEET_MANIFEST]
    rows = {
        row[6].value: (row[3].value, int(row[4].value))
        for row in manifest.iter_rows(min_row=2)
        if len(row) > 6 and row[6].value
    }
    for target, value in edits.items():
        sheet, row = rows[target]
        workbook[sheet].cell(row=row, column=COL["回答"]).value = value
    workbook.save(out)
    return out


@pytest.fixture
def conflicted_preview(session, tmp_path):
    exported = export_submission(session, tmp_path / "出力.xlsx")
    edited = _edit(
        exported,
        tmp_path / "記入済み.xlsx",
        {"suishin.I.process.features.b": "該当", "suishin.I.process.features.c": "該当"},
    )
    session.store.user = "佐藤"
    session.answer("suishin.I.process.features.c", "非該当")
    return preview_import(session, edited)


def test_changes_and_conflicts_are_listed(qtbot, qtmodeltester, conflicted_preview):
    from desktop.ui.import_dialog import ChangesModel, ConflictsModel, ImportPreviewDialog

    dialog = ImportPreviewDialog(conflicted_preview)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.changes_model)
    qtmodeltester.check(dialog.conflicts_model)
    changes = dialog.changes_model
    assert changes.rowCount() == 1
    row = [changes.data(changes.index(0, c)) for c in range(changes.columnCount())]
    assert row[1].endswith("1-イ")
    assert row[3:5] == ["未回答", "該当"]
    conflicts = dialog.conflicts_model
    assert conflicts.rowCount() == 1
    line = [conflicts.data(conflicts.index(0, c)) for c in range(conflicts.columnCount())]
    assert line[3] == "未回答"  # at export
    assert line[4].startswith("非該当（佐藤")  # in the evaluation file, and who
    assert line[5] == "該当"  # in the workbook
    assert line[ConflictsModel.COL_CHOICE] == "選んでください"
    assert ChangesModel.HEADERS[6] == "最終変更者"
    _save(dialog, "import_dialog_conflicts.png")


def test_the_preview_shows_what_the_import_is_worth(qtbot, conflicted_preview):
    """Each answer's points and the totals before → after, as the conflicts are decided."""
    from desktop.ui.import_dialog import ChangesModel, ImportPreviewDialog

    before = conflicted_preview.session.score().root.points
    dialog = ImportPreviewDialog(conflicted_preview)
    qtbot.addWidget(dialog)
    changes = dialog.changes_model
    assert changes.data(changes.index(0, ChangesModel.COL_POINTS)) == "+4点"  # イ: 4 points
    text = dialog.effect_label.text()
    assert f"合計 自己評価 {before}点 → {before + 4}点（+4点）" in text
    assert "推進交付金" in text
    dialog.conflicts_model.choose_all(PREFER_WORKBOOK)  # ウ 非該当 → 該当: 4 more
    assert f"{before}点 → {before + 8}点（+8点）" in dialog.effect_label.text()
    dialog.conflicts_model.choose_all(PREFER_DATABASE)
    assert f"{before}点 → {before + 4}点（+4点）" in dialog.effect_label.text()
    assert conflicted_preview.session.score().root.points == before  # nothing was written


def test_ok_is_enabled_only_when_every_conflict_is_decided(qtbot, conflicted_preview):
    from desktop.ui.import_dialog import ConflictsModel, ImportPreviewDialog

    dialog = ImportPreviewDialog(conflicted_preview)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    index = dialog.conflicts_model.index(0, ConflictsModel.COL_CHOICE)
    assert dialog.conflicts_model.setData(index, PREFER_DATABASE, Qt.ItemDataRole.EditRole)
    assert dialog.ok_button.isEnabled()
    key = conflicted_preview.conflicts[0].key
    assert dialog.decisions() == {key: PREFER_DATABASE}
    dialog.conflicts_model.setData(index, "", Qt.ItemDataRole.EditRole)
    assert not dialog.ok_button.isEnabled()
    dialog._choose_all(PREFER_WORKBOOK)
    assert dialog.decisions() == {key: PREFER_WORKBOOK}
    assert dialog.ok_button.isEnabled()


def test_choice_through_the_drop_down(qtbot, conflicted_preview):
    from PySide6.QtWidgets import QComboBox

    from desktop.ui.import_dialog import ConflictsModel, ImportPreviewDialog

    dialog = ImportPreviewDialog(conflicted_preview)
    qtbot.addWidget(dialog)
    dialog.show()
    index = dialog.conflicts_model.index(0, ConflictsModel.COL_CHOICE)
    combo = dialog.conflicts_view.indexWidget(index)
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "選んでください",
        "ブックの値",
        "評価ファイルの値",
    ]
    combo.setCurrentIndex(combo.findData(PREFER_WORKBOOK))
    assert dialog.decisions() == {conflicted_preview.conflicts[0].key: PREFER_WORKBOOK}
    assert dialog.ok_button.isEnabled()


def test_arrow_keys_on_a_closed_choice_decide_nothing(qtbot, conflicted_preview):
    """Which value wins is decided by opening the list, never by a stray ↓ on its way."""
    from desktop.ui.import_dialog import ConflictsModel, ImportPreviewDialog

    dialog = ImportPreviewDialog(conflicted_preview)
    qtbot.addWidget(dialog)
    dialog.show()
    combo = dialog.conflicts_view.indexWidget(
        dialog.conflicts_model.index(0, ConflictsModel.COL_CHOICE)
    )
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.keyClick(combo, Qt.Key.Key_Up)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert dialog.decisions() == {}
    assert not dialog.ok_button.isEnabled()


def test_a_rejected_workbook_shows_its_problems_and_no_ok(qtbot, session, tmp_path):
    from desktop.ui.import_dialog import ImportPreviewDialog

    exported = export_submission(session, tmp_path / "出力.xlsx")
    bad = _edit(
        exported,
        tmp_path / "bad.xlsx",
        {"suishin.I.process.features.b": "=1+1", "suishin.I.process.features.c": "たぶん"},
    )
    preview = preview_import(session, bad)
    dialog = ImportPreviewDialog(preview)
    qtbot.addWidget(dialog)
    assert dialog.ok_button is None
    texts = [dialog.error_list.item(i).text() for i in range(dialog.error_list.count())]
    assert len(texts) == 2
    assert all(text.startswith("シート「推進交付金」") for text in texts)
    _save(dialog, "import_dialog_errors.png")


def test_import_workbook_action_applies_the_users_decisions(
    qtbot, session, conflicted_preview, monkeypatch
):
    from desktop.ui import workbook_actions
    from desktop.ui.import_dialog import ImportPreviewDialog

    messages = []
    monkeypatch.setattr(workbook_actions, "ask_open_path", lambda parent: conflicted_preview.path)
    monkeypatch.setattr(
        workbook_actions, "inform", lambda parent, title, text: messages.append(text)
    )
    monkeypatch.setattr(
        workbook_actions, "warn", lambda parent, title, text: messages.append(f"警告 {text}")
    )

    def decide(parent, preview):
        dialog = ImportPreviewDialog(preview)
        qtbot.addWidget(dialog)
        dialog._choose_all(PREFER_DATABASE)
        return dialog.decisions()

    monkeypatch.setattr(workbook_actions, "review_preview", decide)
    assert workbook_actions.import_workbook(None, session) is True
    answers = session.answers()
    assert answers["suishin.I.process.features.b"] == "該当"
    assert answers["suishin.I.process.features.c"] == "非該当"  # the database value was kept
    assert "1 件を反映しました" in messages[-1]


def test_import_workbook_action_cancelled_changes_nothing(
    qtbot, session, conflicted_preview, monkeypatch
):
    from desktop.ui import workbook_actions

    monkeypatch.setattr(workbook_actions, "ask_open_path", lambda parent: conflicted_preview.path)
    monkeypatch.setattr(workbook_actions, "review_preview", lambda parent, preview: None)
    before = session.answers()
    assert workbook_actions.import_workbook(None, session) is False
    assert session.answers() == before


def test_export_actions_write_the_chosen_files(qtbot, session, tmp_path, monkeypatch):
    from desktop.ui import workbook_actions

    messages = []
    monkeypatch.setattr(
        workbook_actions, "inform", lambda parent, title, text: messages.append(text)
    )
    monkeypatch.setattr(
        workbook_actions, "ask_save_path", lambda parent, title, name: tmp_path / name
    )
    monkeypatch.setattr(workbook_actions, "ask_section", lambda parent, sections: sections[0])
    asked = []
    monkeypatch.setattr(
        workbook_actions, "confirm", lambda parent, title, text: asked.append(text) or False
    )
    assert workbook_actions.export_submission(None, session) is None  # declined: no file
    assert asked and "件" in asked[0] and not list(tmp_path.glob("*.xlsx"))
    monkeypatch.setattr(workbook_actions, "confirm", lambda parent, title, text: True)
    path = workbook_actions.export_submission(None, session)
    assert path.name == "令和8年度_評価指標該当状況調査票_北塩原村.xlsx"
    assert "推進交付金" in openpyxl.load_workbook(path).sheetnames
    section_path = workbook_actions.export_section(None, session)
    assert section_path.name == "令和8年度_担当課用_介護保険課_北塩原村.xlsx"
    assert openpyxl.load_workbook(section_path).sheetnames == ["表紙", "推進交付金", "取込用情報"]
    assert len(messages) == 2


def _save(dialog, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    dialog.resize(1100, 520)
    dialog.show()
    dialog.grab().save(str(SCREENSHOT_DIR / name))
