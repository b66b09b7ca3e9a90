"""How much room wrapped text needs in a spreadsheet cell: lines and row height.

Excel and LibreOffice do not grow a row that a program wrote (its height is not
recomputed on opening), so a long text in a wrapped cell is cut on screen and on
paper unless the writer sets the height. There is no font metrics here: a column's
width is counted in "characters" (the width of a digit), a full-width character
(kanji, kana, Ⅰ, ①) counts as two, and the estimate errs on the generous side, so
text is never cut; at worst a row has some space left under it.
"""

from __future__ import annotations

import math
import unicodedata

# Line height as a share of the font size: 游ゴシック is tall (Excel's default row for
# 11 pt is 18.75 pt, and a wrapped cell needs that much per line); LibreOffice's
# fallback fonts need less, so there its rows have some room to spare.
LINE_HEIGHT_FACTOR = 1.7
ROW_PADDING_PT = 3.0
MAX_ROW_HEIGHT_PT = 409.0  # Excel's limit


def text_units(line: str) -> int:
    """Width of a line in digit widths: wide and ambiguous (Japanese) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in line)


def wrapped_lines(text: str, column_width: float, font_size: float = 10.0) -> int:
    """How many lines ``text`` takes in a wrapped cell ``column_width`` characters wide.

    Widths are set for 10 pt text; larger text fits proportionally fewer characters.
    One character of the width is kept for the cell's inner margins.
    """
    usable = max(1.0, (column_width - 1) * 10.0 / max(font_size, 1.0))
    return sum(
        max(1, math.ceil(text_units(line) / usable)) for line in (text or "").split("\n")
    )


def row_height(lines: int, font_size: float = 10.0) -> float:
    """The row height in points for ``lines`` lines of ``font_size`` text."""
    height = lines * font_size * LINE_HEIGHT_FACTOR + ROW_PADDING_PT
    return min(MAX_ROW_HEIGHT_PT, round(height, 1))


def fit_row_heights(sheet, first_row: int, last_row: int) -> None:
    """Give each row of ``sheet`` in the range the height its tallest wrapped cell needs.

    Reads the column widths already set; a merged cell counts the width of all its
    columns. Numbers and short texts keep one line.
    """
    from openpyxl.utils import get_column_letter

    widths: dict[int, float] = {}

    def width(column: int) -> float:
        if column not in widths:
            dimension = sheet.column_dimensions.get(get_column_letter(column))
            widths[column] = dimension.width if dimension and dimension.width else 8.43
        return widths[column]

    merged = {}
    for cell_range in sheet.merged_cells.ranges:
        merged[(cell_range.min_row, cell_range.min_col)] = sum(
            width(c) for c in range(cell_range.min_col, cell_range.max_col + 1)
        )
    for row in sheet.iter_rows(min_row=first_row, max_row=last_row):
        lines_pt = 0.0
        for cell in row:
            if not isinstance(cell.value, str) or not cell.value:
                continue
            size = float(cell.font.sz or 10) if cell.font is not None else 10.0
            cell_width = merged.get((cell.row, cell.column), width(cell.column))
            lines = wrapped_lines(cell.value, cell_width, size)
            lines_pt = max(lines_pt, row_height(lines, size))
        if lines_pt:
            sheet.row_dimensions[row[0].row].height = lines_pt
