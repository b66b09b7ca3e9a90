"""The 表紙: who and what the workbook is about, and the totals."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from desktop.workbook import styles, totals
from desktop.workbook.safe_text import write_text
from desktop.workbook.text_fit import fit_row_heights

NOTE_SCORES = (
    "自己評価＝市町村の回答による得点（国が算定する項目を含まない）。"
    "見込み＝国が算定する項目（活動指標群・成果指標群など）の見込みを加えた得点。"
)
NOTE_STATIC = (
    "得点は出力した時点の値です。ブック上で回答を変えても得点は再計算されません"
    "（交付金評価デスクに取り込むと再計算されます）。"
)


COVER_COLUMNS = len(totals.BASE_COLUMNS)


def write_cover(
    sheet: Worksheet,
    *,
    title: str,
    facts: list[tuple[str, str]],
    tree=None,
    notes: tuple[str, ...] = (),
    footer: str = "",
) -> None:
    """Title, the label/value facts, then (if ``tree``) the totals table and notes.

    Long lines (title, notes) are wrapped across the table's width, never left to run
    past the printed page.
    """
    styles.wide_text(sheet, 1, title, styles.FONT_TITLE, COVER_COLUMNS)
    row = 3
    for label, value in facts:
        head = write_text(sheet.cell(row=row, column=1), label)
        head.font = styles.FONT_BOLD
        head.fill = styles.FILL_HEADER
        head.border = styles.BORDER
        head.alignment = styles.WRAP
        cell = write_text(sheet.cell(row=row, column=2), value)
        cell.font = styles.FONT
        cell.border = styles.BORDER
        cell.alignment = styles.WRAP
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        row += 1
    row += 1
    if tree is not None:
        write_text(sheet.cell(row=row, column=1), "得点の集計").font = styles.FONT_BOLD
        row = totals.write_totals(sheet, tree, row + 1, with_national=False)
    row += 1
    for note in notes:
        styles.wide_text(sheet, row, note, styles.FONT_NOTE, COVER_COLUMNS)
        row += 1
    styles.set_widths(sheet, totals.WIDTHS[:COVER_COLUMNS])
    fit_row_heights(sheet, 1, row)
    styles.setup_print(sheet, landscape=False, title_rows=None, footer_left=footer)
