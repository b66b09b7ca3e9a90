"""Workbooks whose XML was written by hand: oversized sheets, cells written twice, array formulas."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from desktop.workbook import reader
from desktop.workbook.importer import apply, preview_import
from desktop.workbook.layout import COL

ANSWER_SHEET_PART = "xl/worksheets/sheet2.xml"  # 推進交付金 (the cover and summary come first)
ANSWER_SHEET = "推進交付金"
ANSWER = openpyxl.utils.get_column_letter(COL["回答"])
AFTER_ANSWER = openpyxl.utils.get_column_letter(COL["回答"] + 1)


def rewrite_part(exported: Path, out: Path, part: str, change) -> Path:
    """Copy the workbook, passing the text of one XML part through ``change``."""
    with (
        zipfile.ZipFile(exported) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
    return out


def _refused(session, path: Path, wb, *fragments: str) -> str:
    before = wb.digest(session.store.path)
    preview = preview_import(session, path)
    text = "\n".join(str(p) for p in preview.errors)
    assert preview.errors and not preview.changes, text
    for fragment in fragments:
        assert fragment in text, text
    assert "<openpyxl" not in text and "Error" not in text
    assert wb.digest(session.store.path) == before
    return text


def test_the_answer_sheet_is_the_part_the_tests_rewrite(exported):
    with zipfile.ZipFile(exported) as archive:
        names = openpyxl.load_workbook(exported, read_only=True).sheetnames
        assert names[1] == ANSWER_SHEET
        assert "<t>目標Ⅰ</t>" in archive.read(ANSWER_SHEET_PART).decode("utf-8")


def test_an_oversized_sheet_is_refused_with_its_reason(exported, tmp_path, filled, wb):
    """Millions of tiny cells in a small file: refused by the tag budget, before parsing."""
    rows = reader.MAX_MARKUP // 3 + 1  # <row>, <c/>, </row>

    def pad(text: str) -> str:
        padding = "".join(f'<row r="{n}"><c r="A{n}"/></row>' for n in range(5000, 5000 + rows))
        return text.replace("</sheetData>", padding + "</sheetData>", 1)

    path = rewrite_part(exported, tmp_path / "padded.xlsx", ANSWER_SHEET_PART, pad)
    assert path.stat().st_size < reader.MAX_FILE_BYTES
    _refused(
        filled,
        path,
        wb,
        "中身（セルや書式など）が多すぎます",
        f"{reader.MAX_MARKUP:,} 個を超えました",
        ANSWER_SHEET_PART,
    )


def test_the_cell_budget_stops_the_reading(exported, filled, wb, monkeypatch):
    monkeypatch.setattr(reader, "MAX_CELLS", 500)
    _refused(filled, exported, wb, "セルが 500 個を超えました", "取り込みません")


def test_a_sheet_the_manifest_does_not_name_is_not_read(exported, tmp_path, filled, monkeypatch):
    """A colleague's own sheet is left alone: only the manifest and the answer sheets are read."""

    def add(workbook):
        workbook.create_sheet("自分用備考")["A1"] = "=1+1"

    workbook = openpyxl.load_workbook(exported)
    add(workbook)
    workbook.save(tmp_path / "own.xlsx")
    read = []
    original = reader.OpenWorkbook.read
    monkeypatch.setattr(
        reader.OpenWorkbook,
        "read",
        lambda self, name, **kw: read.append(name) or original(self, name, **kw),
    )
    preview = preview_import(filled, tmp_path / "own.xlsx")
    assert preview.ok
    assert "自分用備考" not in read and "表紙" not in read
    assert read[0] == "取込用情報" and ANSWER_SHEET in read


def _answer_row(exported: Path, wb) -> int:
    sheet, row = wb.row_of(exported, "suishin.I.process.features.c")
    assert sheet == ANSWER_SHEET
    return row


def _answer_cell(row: int, value: str) -> str:
    return f'<c r="{ANSWER}{row}" t="inlineStr"><is><t>{value}</t></is></c>'


def test_a_cell_written_twice_in_one_row_is_refused(exported, tmp_path, filled, wb):
    row = _answer_row(exported, wb)

    def twice(text: str) -> str:
        at = text.index(f'<c r="{AFTER_ANSWER}{row}"')  # right after the answer cell
        return text[:at] + _answer_cell(row, "該当") + text[at:]

    path = rewrite_part(exported, tmp_path / "twice.xlsx", ANSWER_SHEET_PART, twice)
    _refused(
        filled, path, wb, f"シート「{ANSWER_SHEET}」のセル {ANSWER}{row} が二重に書かれています"
    )


def test_a_row_written_twice_is_refused(exported, tmp_path, filled, wb):
    row = _answer_row(exported, wb)

    def twice(text: str) -> str:
        match = re.search(rf'<row r="{row}"[^>]*>.*?</row>', text, re.S)
        extra = f'<row r="{row}">{_answer_cell(row, "該当")}</row>'
        return text[: match.end()] + extra + text[match.end() :]

    path = rewrite_part(exported, tmp_path / "row-twice.xlsx", ANSWER_SHEET_PART, twice)
    _refused(filled, path, wb, f"セル {ANSWER}{row} が二重に書かれています")


def test_a_hand_written_cell_once_is_imported(exported, tmp_path, filled, wb):
    """The same rewriting without a duplicate is accepted: the refusal is about the duplicate."""
    row = _answer_row(exported, wb)

    def replace(text: str) -> str:
        return re.sub(
            rf'<c r="{ANSWER}{row}"[^>]*?(/>|>.*?</c>)', _answer_cell(row, "該当"), text, count=1
        )

    path = rewrite_part(exported, tmp_path / "once.xlsx", ANSWER_SHEET_PART, replace)
    preview = preview_import(filled, path)
    assert preview.ok, [str(p) for p in preview.errors]
    apply(preview, backup=False)
    assert filled.answers()["suishin.I.process.features.c"] == "該当"


@pytest.mark.parametrize(
    ("target", "column"),
    [
        ("suishin.I.process.features.c", "回答"),
        ("suishin.I.process.features", "備考"),
    ],
)
def test_an_array_formula_is_named_in_japanese(exported, tmp_path, filled, wb, target, column):
    sheet, row = wb.row_of(exported, target)
    workbook = openpyxl.load_workbook(exported)
    ref = f"{openpyxl.utils.get_column_letter(COL[column])}{row}"
    workbook[sheet][ref] = ArrayFormula(ref, '=IF(TRUE,"該当")')
    workbook.save(tmp_path / "array.xlsx")
    text = _refused(filled, tmp_path / "array.xlsx", wb, "数式があります")
    assert f"シート「{sheet}」{row}行目" in text
