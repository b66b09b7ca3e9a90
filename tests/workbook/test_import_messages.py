"""What the import says, word for word and where, about a row it cannot take as it is.

The messages are what a coordinator reads to fix a colleague's workbook: each names the
sheet and row, says what is wrong and what to do. Every check of a row goes on to the
next column after a problem, so one preview lists all the problems of a row at once.
"""

from __future__ import annotations

import dataclasses
import zipfile

import openpyxl

from desktop.workbook import reader
from desktop.workbook.importer import PREFER_WORKBOOK, ImportRejected, apply, preview_import
from desktop.workbook.layout import COL, SHEET_MANIFEST
from desktop.workbook.manifest import write_manifest

FEATURES = "suishin.I.process.features"  # has 根拠資料 and 備考 in the fixture
TARGET = f"{FEATURES}.c"
OTHER = f"{FEATURES}.d"


def _errors(session, path) -> list[str]:
    return [str(problem) for problem in preview_import(session, path).errors]


def _set_cells(source, out, wb, cells: dict[tuple[str, str], tuple[object, str | None]]):
    """{(target, column): (value, data type or None)}: what a colleague's Excel could leave."""
    workbook = openpyxl.load_workbook(source)
    for (target, column), (value, data_type) in cells.items():
        sheet, row = wb.row_of(source, target)
        cell = workbook[sheet].cell(row=row, column=COL[column])
        cell.value = value
        if data_type is not None:
            cell.data_type = data_type
    workbook.save(out)
    return out


def _forge_row(source, out, wb, of: str, **changes):
    """The manifest rewritten (with a fresh checksum) so that the row of ``of`` says otherwise."""
    manifest = wb.manifest(source)
    rows = tuple(
        dataclasses.replace(row, **changes) if row.target == of else row
        for row in manifest.rows
    )
    workbook = openpyxl.load_workbook(source)
    del workbook[SHEET_MANIFEST]
    write_manifest(workbook, dataclasses.replace(manifest, rows=rows))
    workbook.save(out)
    return out


def test_a_moved_row_says_what_it_was_and_what_to_avoid(filled, exported, wb, tmp_path):
    sheet, row = wb.row_of(exported, TARGET)
    edited = wb.edit(exported, tmp_path / "moved.xlsx", {(TARGET, "小項目"): "カ"})
    assert _errors(filled, edited) == [
        f"シート「{sheet}」{row}行目: 行の内容が出力時と違います"
        "（出力時: 目標Ⅰ・体制・取組指標群・1・ウ、現在: 目標Ⅰ・体制・取組指標群・1・カ）。"
        "行を移動・挿入・削除・並べ替えしないでください。"
    ]


NOT_IN_CATALOG = (
    "この行の小項目は、開いている評価の評価指標にありません（評価指標が変わっています）。"
    "この評価ファイルから出力し直してください。"
)


def test_a_row_whose_item_is_not_in_the_catalog_says_to_export_again(
    filled, exported, wb, tmp_path
):
    sheet, row = wb.row_of(exported, TARGET)
    forged = _forge_row(exported, tmp_path / "gone.xlsx", wb, TARGET, target=f"{FEATURES}.zz")
    assert _errors(filled, forged) == [f"シート「{sheet}」{row}行目: {NOT_IN_CATALOG}"]


def test_a_row_of_a_kind_this_version_does_not_know_is_not_taken(filled, exported, wb, tmp_path):
    sheet, row = wb.row_of(exported, TARGET)
    forged = _forge_row(exported, tmp_path / "kind.xlsx", wb, TARGET, kind="mystery")
    assert _errors(filled, forged) == [f"シート「{sheet}」{row}行目: {NOT_IN_CATALOG}"]


def test_a_row_tied_to_another_item_is_refused_once_and_not_read_further(
    filled, exported, wb, tmp_path
):
    """The forged row also holds a formula: refused for the tie alone, nothing more read."""
    sheet, row = wb.row_of(exported, TARGET)
    typed = _set_cells(exported, tmp_path / "typed.xlsx", wb, {(TARGET, "回答"): ("=1+1", None)})
    forged = _forge_row(typed, tmp_path / "tied.xlsx", wb, TARGET, target=OTHER)
    errors = [e for e in _errors(filled, forged) if e.startswith(f"シート「{sheet}」{row}行目")]
    assert len(errors) == 1
    assert errors[0].endswith(
        "を別の項目に結び付けています（取込用情報が改変されています）。"
        "この行の内容をどの項目に取り込むか確かめられないため、取り込みません。"
        "出力し直したブックを使ってください。"
    )


def test_an_answer_on_an_indicator_row_is_refused_where_it_is(filled, exported, wb, tmp_path):
    sheet, row = wb.row_of(exported, FEATURES)
    edited = wb.edit(exported, tmp_path / "ind.xlsx", {(FEATURES, "回答"): "該当"})
    assert _errors(filled, edited) == [
        f"シート「{sheet}」{row}行目: "
        "評価指標の行には回答を入力できません（小項目の行の「回答」に入力してください）。"
    ]


def test_an_empty_text_in_an_indicator_row_s_answer_is_no_answer(filled, exported, wb, tmp_path):
    """Another program can leave a cell that holds empty text; it is not an answer."""
    marked = wb.edit(exported, tmp_path / "marked.xlsx", {(FEATURES, "回答"): "EMPTY-TEXT"})
    emptied = tmp_path / "emptied.xlsx"
    with zipfile.ZipFile(marked) as source, zipfile.ZipFile(emptied, "w") as target:
        for entry in source.infolist():
            target.writestr(entry, source.read(entry.filename).replace(b"EMPTY-TEXT", b""))
    sheet, row = wb.row_of(exported, FEATURES)
    with reader.open_workbook(emptied) as book:
        assert book.read(sheet, max_column=len(COL))[(row, COL["回答"])].value == ""
    assert _errors(filled, emptied) == []


def test_every_note_column_of_an_indicator_row_is_checked(filled, exported, wb, tmp_path):
    """A formula in the first column and an error value in the last: both are named."""
    sheet, row = wb.row_of(exported, FEATURES)
    edited = _set_cells(
        exported,
        tmp_path / "both.xlsx",
        wb,
        {(FEATURES, "根拠資料"): ("=A1", None), (FEATURES, "備考"): ("#REF!", "e")},
    )
    assert _errors(filled, edited) == [
        f"シート「{sheet}」{row}行目: 「根拠資料」に数式があります"
        "（数式は取り込めません。文字として入力してください）。",
        f"シート「{sheet}」{row}行目: 「備考」がエラー値（#REF!）です。",
    ]


def test_an_error_value_does_not_stop_the_next_columns(filled, exported, wb, tmp_path):
    sheet, row = wb.row_of(exported, FEATURES)
    edited = _set_cells(
        exported,
        tmp_path / "err.xlsx",
        wb,
        {(FEATURES, "根拠資料"): ("#N/A", "e"), (FEATURES, "備考"): ("=B2", None)},
    )
    assert _errors(filled, edited) == [
        f"シート「{sheet}」{row}行目: 「根拠資料」がエラー値（#N/A）です。",
        f"シート「{sheet}」{row}行目: 「備考」に数式があります"
        "（数式は取り込めません。文字として入力してください）。",
    ]


def test_a_too_long_note_does_not_stop_the_next_columns(filled, exported, wb, tmp_path):
    sheet, row = wb.row_of(exported, FEATURES)
    edited = _set_cells(
        exported,
        tmp_path / "long.xlsx",
        wb,
        {(FEATURES, "根拠資料"): ("あ" * 2001, None), (FEATURES, "備考"): ("#VALUE!", "e")},
    )
    assert _errors(filled, edited) == [
        f"シート「{sheet}」{row}行目: 「根拠資料」は 2000文字までにしてください（いま 2001文字）。"
        "短くしてから取り込んでください。",
        f"シート「{sheet}」{row}行目: 「備考」がエラー値（#VALUE!）です。",
    ]


def test_an_unchanged_first_note_column_does_not_hide_a_later_change(
    filled, exported, wb, tmp_path
):
    edited = wb.edit(exported, tmp_path / "memo.xlsx", {(FEATURES, "担当課"): "新しい課"})
    (change,) = preview_import(filled, edited).changes
    assert (change.target, change.field, change.workbook) == (FEATURES, "section", "新しい課")


def test_a_note_cleared_in_the_workbook_is_cleared_in_the_file(filled, exported, wb, tmp_path):
    edited = wb.edit(exported, tmp_path / "cleared.xlsx", {(FEATURES, "根拠資料"): None})
    apply(preview_import(filled, edited), backup=False)
    assert filled.notes()[FEATURES].evidence == ""


def test_undecided_conflicts_are_listed_with_their_places(filled, exported, wb, tmp_path):
    items = [f"{FEATURES}.{letter}" for letter in "cd"]
    edited = wb.edit(exported, tmp_path / "c.xlsx", {(item, "回答"): "該当" for item in items})
    filled.set_answers({item: "非該当" for item in items})
    preview = preview_import(filled, edited)
    first, second = preview.conflicts
    try:
        apply(preview, {})
    except ImportRejected as exc:
        message = str(exc)
    else:  # pragma: no cover - the assertion below says what went wrong
        message = ""
    assert message.endswith(f"{first.where}（回答）、{second.where}（回答）")
    apply(preview, {c.key: PREFER_WORKBOOK for c in preview.conflicts}, backup=False)
    assert all(filled.answers()[item] == "該当" for item in items)


def test_a_note_typed_on_a_sub_item_row_is_refused_where_it_is(filled, exported, wb, tmp_path):
    sheet, row = wb.row_of(exported, TARGET)
    edited = wb.edit(exported, tmp_path / "item-note.xlsx", {(TARGET, "備考"): "ここに書いた"})
    assert _errors(filled, edited) == [
        f"シート「{sheet}」{row}行目: 「備考」は小項目の行には入力できません（評価指標の行に入力してください）。"
    ]


def test_a_formula_in_an_answer_is_quoted_up_to_forty_characters(filled, exported, wb, tmp_path):
    sheet, row = wb.row_of(exported, TARGET)
    formula = "=IF(A1=1," + "1" * 50 + ",0)"
    typed = _set_cells(exported, tmp_path / "formula.xlsx", wb, {(TARGET, "回答"): (formula, None)})
    assert _errors(filled, typed) == [
        f"シート「{sheet}」{row}行目: 回答欄に数式があります（{formula[:40]}）。"
        "数式は取り込めません。一覧から値を選んでください。"
    ]


EXTERNAL_ITEM = "suishin.outcome-frame.efforts.points"  # 0〜100 points, typed as a number


def test_points_another_program_wrote_as_a_decimal_are_whole_points(
    filled, exported, wb, tmp_path
):
    """Some spreadsheet programs store 30 as 「30.0」: still the number 30, not a refusal."""
    marked = wb.edit(exported, tmp_path / "n.xlsx", {(EXTERNAL_ITEM, "回答"): 777})
    decimal = tmp_path / "decimal.xlsx"
    with zipfile.ZipFile(marked) as source, zipfile.ZipFile(decimal, "w") as target:
        for entry in source.infolist():
            target.writestr(entry, source.read(entry.filename).replace(b"<v>777</v>", b"<v>30.0</v>"))
    preview = preview_import(filled, decimal)
    assert preview.errors == []
    assert [(c.target, c.workbook) for c in preview.changes] == [(EXTERNAL_ITEM, "30")]


def test_a_sheet_whose_rows_the_manifest_no_longer_lists_has_only_extra_rows(
    filled, exported, wb, tmp_path
):
    """Every filled row below the header of such a sheet is named as added."""
    sheet, row = wb.row_of(exported, FEATURES)
    manifest = wb.manifest(exported)
    workbook = openpyxl.load_workbook(exported)
    del workbook[SHEET_MANIFEST]
    rows = tuple(r for r in manifest.rows if r.sheet != sheet)
    write_manifest(workbook, dataclasses.replace(manifest, rows=rows))
    workbook.save(tmp_path / "no-rows.xlsx")
    errors = _errors(filled, tmp_path / "no-rows.xlsx")
    assert f"シート「{sheet}」{row}行目: 出力時になかった行に入力があります。行を追加しないでください。" in (
        errors
    )
    assert all(f"シート「{sheet}」" in error for error in errors)
