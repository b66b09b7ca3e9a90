"""One limit for every free text: refused with its message everywhere, never cut silently."""

from __future__ import annotations

import openpyxl
import pytest

from desktop.cli import main
from desktop.store.errors import InvalidInput
from desktop.text_limits import EXCEL_CELL_LIMIT, TEXT_LIMIT, too_long_message
from desktop.workbook.importer import PREFER_WORKBOOK, apply, preview_import
from desktop.workbook.layout import COL
from desktop.workbook.submission import export_submission

INDICATOR = "suishin.I.process.features"
LIMIT_WORDS = f"{TEXT_LIMIT}文字まで"


def test_the_limit_fits_in_one_excel_cell():
    assert TEXT_LIMIT <= EXCEL_CELL_LIMIT == 32767
    assert too_long_message("備考", "あ" * TEXT_LIMIT) is None
    assert too_long_message("備考", "あ" * (TEXT_LIMIT + 1)) == (
        f"備考は {TEXT_LIMIT}文字までにしてください（いま {TEXT_LIMIT + 1}文字）。"
    )


@pytest.mark.parametrize("field", ["memo", "evidence", "section", "assignee"])
def test_the_session_refuses_a_long_note_and_keeps_the_old_one(filled, field):
    before = filled.store.indicator_note(filled.evaluation_id, INDICATOR).get(field)
    with pytest.raises(InvalidInput) as raised:
        filled.note(INDICATOR, **{field: "あ" * (TEXT_LIMIT + 1)})
    assert LIMIT_WORDS in str(raised.value)
    assert filled.store.indicator_note(filled.evaluation_id, INDICATOR).get(field) == before
    filled.note(INDICATOR, **{field: "あ" * TEXT_LIMIT})  # exactly the limit is fine
    assert filled.store.indicator_note(filled.evaluation_id, INDICATOR).get(field) == (
        "あ" * TEXT_LIMIT
    )


def test_sections_set_for_many_indicators_at_once_keep_the_limit_too(filled):
    """The bulk 担当課・担当者 dialog writes through set_notes: the same limit, all or nothing."""
    other = "suishin.I.process.plan-progress"
    before = filled.notes()
    with pytest.raises(InvalidInput) as raised:
        filled.set_notes(
            {INDICATOR: {"section": "介護保険課"}, other: {"section": "あ" * (TEXT_LIMIT + 1)}}
        )
    assert "担当課" in str(raised.value) and LIMIT_WORDS in str(raised.value)
    assert filled.notes() == before
    filled.set_notes({INDICATOR: {"section": "あ" * TEXT_LIMIT}})
    assert filled.notes()[INDICATOR].section == "あ" * TEXT_LIMIT


def test_a_long_municipality_name_is_refused_before_anything_is_written(store, r8):
    from desktop.evaluation.session import create_evaluation
    from desktop.records import Municipality

    with pytest.raises(InvalidInput) as raised:
        create_evaluation(store, r8, municipality=Municipality(name="市" * (TEXT_LIMIT + 1)))
    assert "市町村名は" in str(raised.value) and LIMIT_WORDS in str(raised.value)
    assert store.municipality() is None


def test_the_command_line_says_the_limit(filled, capsys):
    path = filled.store.path
    filled.store.close()
    code = main(["note", "--db", str(path), INDICATOR, "--memo", "あ" * (TEXT_LIMIT + 1)])
    _, err = capsys.readouterr()
    assert code == 1
    assert f"備考は {TEXT_LIMIT}文字までにしてください" in err


def _legacy_long_memo(session, length: int) -> str:
    """A memo written before the limit existed (straight into the store)."""
    memo = "長" * length
    session.store.update_indicator_note(session.evaluation_id, INDICATOR, memo=memo)
    return memo


def _set_cell(path, out, target, column, value, wb):
    sheet, row = wb.row_of(path, target)
    workbook = openpyxl.load_workbook(path)
    workbook[sheet].cell(row=row, column=COL[column]).value = value
    workbook.save(out)
    return out


def test_an_unchanged_long_text_is_no_change_and_no_conflict(filled, tmp_path, wb):
    memo = _legacy_long_memo(filled, TEXT_LIMIT + 500)
    exported = export_submission(filled, tmp_path / "long.xlsx")
    # The memo is exported whole, and the colleague only answers another item.
    sheet, row = wb.row_of(exported, INDICATOR)
    assert openpyxl.load_workbook(exported)[sheet].cell(row=row, column=COL["備考"]).value == memo
    path = _set_cell(exported, tmp_path / "edited.xlsx", f"{INDICATOR}.c", "回答", "該当", wb)
    preview = preview_import(filled, path)
    assert preview.ok and preview.conflicts == []
    assert [(c.target, c.field) for c in preview.changes] == [(f"{INDICATOR}.c", "answer")]
    apply(preview, backup=False)
    assert filled.store.indicator_note(filled.evaluation_id, INDICATOR).memo == memo


def test_a_text_beyond_excel_s_cell_is_not_a_false_conflict(filled, tmp_path, wb):
    """The export had to cut it; a shortened edit is a change, not a conflict."""
    _legacy_long_memo(filled, EXCEL_CELL_LIMIT + 100)
    exported = export_submission(filled, tmp_path / "huge.xlsx")
    path = _set_cell(exported, tmp_path / "short.xlsx", INDICATOR, "備考", "短くしました", wb)
    preview = preview_import(filled, path)
    assert preview.ok and preview.conflicts == []
    assert [(c.field, c.workbook) for c in preview.changes] == [("memo", "短くしました")]


def test_a_long_text_typed_in_the_workbook_is_refused_with_the_limit(filled, exported, tmp_path, wb):
    before = wb.digest(filled.store.path)
    sheet, row = wb.row_of(exported, INDICATOR)
    path = _set_cell(exported, tmp_path / "long2.xlsx", INDICATOR, "根拠資料", "資" * 2500, wb)
    preview = preview_import(filled, path)
    assert [(p.sheet, p.row) for p in preview.errors] == [(sheet, row)]
    assert f"「根拠資料」は {TEXT_LIMIT}文字までにしてください（いま 2500文字）" in str(
        preview.errors[0]
    )
    assert wb.digest(filled.store.path) == before


def test_prefer_workbook_never_cuts_a_stored_text(filled, tmp_path, wb):
    """A memo beyond one cell, edited in the workbook up to the cell limit, is refused."""
    memo = _legacy_long_memo(filled, EXCEL_CELL_LIMIT + 100)
    exported = export_submission(filled, tmp_path / "huge2.xlsx")
    edited = "追" + "長" * (EXCEL_CELL_LIMIT - 1)
    path = _set_cell(exported, tmp_path / "edited2.xlsx", INDICATOR, "備考", edited, wb)
    db = filled.store.path
    filled.store.close()
    code = main(["import", "--db", str(db), str(path), "--prefer", PREFER_WORKBOOK, "--yes"])
    assert code == 1
    from desktop.store import EvaluationFile

    with EvaluationFile.open(db, read_only=True) as store:
        evaluation = store.evaluation_for_year(None)
        assert store.indicator_note(evaluation.id, INDICATOR).memo == memo
