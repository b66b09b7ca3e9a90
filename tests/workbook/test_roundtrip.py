"""Export → edit with openpyxl as a colleague would → import: scores and audit match."""

from __future__ import annotations

import openpyxl
import pytest

from desktop.records import STATUS_IN_PROGRESS, import_source
from desktop.scoring import score
from desktop.workbook.importer import FIELD_ANSWER, ImportRejected, apply, preview_import
from desktop.workbook.layout import COL


def test_unchanged_workbook_imports_nothing(filled, exported, wb):
    before = wb.digest(filled.store.path)
    preview = preview_import(filled, exported)
    assert preview.ok, [str(p) for p in preview.errors]
    assert preview.is_empty
    assert apply(preview, {}) == []
    assert wb.digest(filled.store.path) == before


def test_round_trip_scores_and_audit_match(filled, exported, wb, tmp_path):
    edits = {
        ("suishin.I.process.features.c", "回答"): "該当",  # 未回答 → 該当
        ("suishin.I.process.features.b", "回答"): "該当",  # 非該当 → 該当
        ("suishin.I.process.features.a", "回答"): None,  # cleared → 未回答
        ("suishin.II.process.optimization-programs.a.p2", "回答"): "該当",
        ("suishin.II.process.optimization-programs.a.p3", "回答"): "該当",
        ("suishin.II.process.optimization-programs.b", "回答"): "イ③",
        ("shien.I.activity.center-staff.tier", "回答"): "ウ",  # an estimate
        ("common.IV.outcome.long-care-level-1-2.tier", "回答"): "なし",
        ("suishin.outcome-frame.efforts.points", "回答"): 40,  # typed as a number
        ("shien.I.process.data-issues", "根拠資料"): "研修記録 2026年6月",
        ("suishin.I.process.features", "備考"): "確認済み（課長）",
    }
    edited = wb.edit(exported, tmp_path / "記入済み.xlsx", edits)
    expected_answers = dict(filled.answers())
    expected_answers.pop("suishin.I.process.features.a")
    expected_answers.update(
        {
            "suishin.I.process.features.c": "該当",
            "suishin.I.process.features.b": "該当",
            "suishin.II.process.optimization-programs.a.p2": "該当",
            "suishin.II.process.optimization-programs.a.p3": "該当",
            "suishin.II.process.optimization-programs.b": "イ③",
            "shien.I.activity.center-staff.tier": "ウ",
            "common.IV.outcome.long-care-level-1-2.tier": "なし",
            "suishin.outcome-frame.efforts.points": "40",
        }
    )

    preview = preview_import(filled, edited)
    assert preview.ok, [str(p) for p in preview.errors]
    assert preview.conflicts == []
    answer_changes = {
        c.target: (c.database, c.workbook) for c in preview.changes if c.field == FIELD_ANSWER
    }
    assert answer_changes["suishin.I.process.features.b"] == ("非該当", "該当")
    assert answer_changes["suishin.I.process.features.a"] == ("該当", None)
    assert answer_changes["suishin.outcome-frame.efforts.points"] == (None, "40")
    assert len(preview.changes) == len(edits)
    last = next(c for c in preview.changes if c.target == "suishin.I.process.features.b")
    assert last.last_user == "テスト担当" and last.last_at

    applied = apply(preview, {})

    assert filled.answers() == expected_answers
    tree = filled.score()
    expected_tree = score(filled.catalog, expected_answers)
    assert tree.root.points == expected_tree.root.points
    assert tree.root.projected_points == expected_tree.root.projected_points
    assert tree.node("suishin.II.process.optimization-programs.a").points == 6  # all three parts
    notes = filled.store.indicator_notes(filled.evaluation_id)
    assert notes["shien.I.process.data-issues"].evidence == "研修記録 2026年6月"
    assert notes["suishin.I.process.features"].memo == "確認済み（課長）"
    # An indicator answered for the first time becomes 入力中, as on screen.
    assert notes["shien.I.activity.center-staff"].status == STATUS_IN_PROGRESS

    source = import_source("記入済み.xlsx")
    audited = [e for e in filled.store.history(filled.evaluation_id) if e.source == source]
    assert {(e.target, e.field, e.old, e.new) for e in audited} == {
        (c.target, c.field, c.old, c.new) for c in applied
    }
    for change in preview.changes:
        assert any(
            e.target == change.target
            and e.field == change.field
            and e.new
            == (change.workbook if change.field == FIELD_ANSWER else change.workbook or "")
            for e in audited
        ), change
    assert all(e.user == "テスト担当" for e in audited)


def test_backup_is_made_before_applying(filled, exported, wb, tmp_path):
    edited = wb.edit(
        exported, tmp_path / "b.xlsx", {("suishin.I.process.features.c", "回答"): "該当"}
    )
    preview = preview_import(filled, edited)
    apply(preview, {})
    assert filled.store.last_backup is not None
    assert filled.store.last_backup.name.endswith("before-import.sqlite")


def test_loose_spellings_are_not_accepted(filled, exported, wb, tmp_path):
    """Only the values in the drop-down are taken: ○ or yes is a wrong value, not 該当."""
    edited = wb.edit(exported, tmp_path / "x.xlsx", {("suishin.I.process.features.c", "回答"): "○"})
    preview = preview_import(filled, edited)
    assert not preview.ok
    assert "使える値: 該当・非該当" in str(preview.errors[0])


def test_full_width_and_spaces_are_normalized(filled, exported, wb, tmp_path):
    edited = wb.edit(
        exported,
        tmp_path / "n.xlsx",
        {
            ("suishin.II.process.optimization-programs.b", "回答"): " イ③ ",
            ("suishin.outcome-frame.efforts.points", "回答"): "３０",
        },
    )
    preview = preview_import(filled, edited)
    assert preview.ok, [str(p) for p in preview.errors]
    values = {c.target: c.workbook for c in preview.changes}
    assert values == {
        "suishin.II.process.optimization-programs.b": "イ③",
        "suishin.outcome-frame.efforts.points": "30",
    }


def test_apply_refuses_when_the_database_changed_after_the_preview(filled, exported, wb, tmp_path):
    edited = wb.edit(
        exported, tmp_path / "s.xlsx", {("suishin.I.process.features.c", "回答"): "該当"}
    )
    preview = preview_import(filled, edited)
    filled.answer("suishin.I.process.features.c", "非該当")
    before = filled.answers()
    with pytest.raises(ImportRejected, match="確認画面を表示した後"):
        apply(preview, {}, backup=False)
    assert filled.answers() == before


def test_memo_written_literally_reads_back_unchanged(filled, exported, wb):
    """The injected memo round-trips as text: no change, no formula error."""
    sheet_name, row = wb.row_of(exported, "suishin.I.process.features")
    cell = openpyxl.load_workbook(exported)[sheet_name].cell(row=row, column=COL["備考"])
    assert cell.data_type == "s"
    preview = preview_import(filled, exported)
    assert preview.ok and preview.is_empty


def test_imports_in_a_batch_share_one_backup(filled, exported, wb, tmp_path):
    from desktop.store.backup import list_backups

    first = wb.edit(
        exported, tmp_path / "1.xlsx", {("suishin.I.process.features.c", "回答"): "該当"}
    )
    second = wb.edit(
        exported, tmp_path / "2.xlsx", {("suishin.I.process.features.d", "回答"): "該当"}
    )
    apply(preview_import(filled, first), {})
    apply(preview_import(filled, second), {})
    reasons = [b.reason for b in list_backups(filled.store.path)]
    assert reasons.count("before-import") == 1
    assert filled.answers()["suishin.I.process.features.d"] == "該当"
