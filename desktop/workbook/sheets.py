"""Writing one answer sheet (推進交付金, 努力支援交付金, 目標Ⅳ…) from its rows.

Printed, each goal starts on a new page and an indicator (its row and its sub-items)
is never split between pages: the rows' heights are set from their text, so the
page breaks can be placed by adding them up.
"""

from __future__ import annotations

from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from desktop.catalog.model import EXTERNAL
from desktop.workbook import styles
from desktop.workbook.layout import (
    ANSWER_ROWS,
    COL,
    COLUMN_WIDTHS,
    COLUMNS,
    FIRST_DATA_ROW,
    HEADER_ROW,
    NOTE_COLUMNS,
    REMARK_COLUMN,
    ROW_INDICATOR,
    SUBTITLE_ROW,
    TITLE_ROW,
    SheetRow,
)
from desktop.workbook.manifest import ManifestRow
from desktop.workbook.safe_text import write_number, write_text
from desktop.workbook.text_fit import fit_row_heights
from desktop.workbook.validation import AnswerValidations

ORIENTATION = "landscape"
# Room kept free on each page for what the estimate cannot know (printer margins).
PAGE_SAFETY = 0.93

_CENTERED = {"目標", "番号", "小項目", "回答"}
_NUMBERS = {"配点", "得点", "見込み"}
_REPEATED = {"目標", "指標群", "番号"}  # repeated on sub-item rows: shown in grey


def write_answer_sheet(
    sheet: Worksheet,
    rows: list[SheetRow],
    *,
    title: str,
    subtitle: str,
    footer: str,
    validations: AnswerValidations,
    input_columns: dict[str, set[str]],
) -> list[ManifestRow]:
    """Fill ``sheet`` and return the manifest line of every row written.

    ``input_columns`` maps a row kind to the columns a colleague fills in on such a
    row; those cells are unlocked and shaded (protection itself is the caller's choice).
    """
    styles.wide_text(sheet, TITLE_ROW, title, styles.FONT_TITLE, len(COLUMNS))
    styles.wide_text(sheet, SUBTITLE_ROW, subtitle, styles.FONT_NOTE, len(COLUMNS))
    for name, column in COL.items():
        cell = write_text(sheet.cell(row=HEADER_ROW, column=column), name)
        cell.font = styles.FONT_BOLD
        cell.fill = styles.FILL_HEADER
        cell.border = styles.BORDER
        cell.alignment = styles.CENTER
    manifest_rows = []
    for row_number, row in enumerate(rows, start=FIRST_DATA_ROW):
        _write_row(sheet, row_number, row, input_columns.get(row.kind, set()), validations)
        manifest_rows.append(_manifest_row(sheet.title, row_number, row))
    validations.finish(sheet)
    styles.set_widths(sheet, COLUMN_WIDTHS)
    last_row = FIRST_DATA_ROW + len(rows) - 1
    fit_row_heights(sheet, TITLE_ROW, max(HEADER_ROW, last_row))
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=1).coordinate
    if rows:
        last = sheet.cell(row=last_row, column=len(COLUMNS)).coordinate
        sheet.print_area = f"A1:{last}"
        _place_page_breaks(sheet, rows)
    styles.setup_print(
        sheet,
        landscape=ORIENTATION == "landscape",
        title_rows=f"{TITLE_ROW}:{HEADER_ROW}",
        footer_left=footer,
    )
    return manifest_rows


def _height(sheet: Worksheet, row_number: int) -> float:
    return sheet.row_dimensions[row_number].height or styles.FONT_SIZE * 1.7 + 3


def _place_page_breaks(sheet: Worksheet, rows: list[SheetRow]) -> None:
    """A break before each new goal and before an indicator that would not fit the page.

    Only an indicator taller than a whole page is broken inside, between its rows, so
    that every page break is one the workbook sets (none left to the spreadsheet).
    """
    repeated = sum(_height(sheet, r) for r in range(TITLE_ROW, HEADER_ROW + 1))
    room = styles.printable_height_pt(ORIENTATION) * PAGE_SAFETY - repeated
    blocks: list[tuple[int, str, list[float]]] = []  # (first row, goal, row heights)
    for row_number, row in enumerate(rows, start=FIRST_DATA_ROW):
        if row.kind == ROW_INDICATOR or not blocks:
            blocks.append((row_number, row.texts.get("目標", ""), []))
        blocks[-1][2].append(_height(sheet, row_number))
    used = 0.0
    previous_goal = None
    for first, goal, heights in blocks:
        new_goal = previous_goal is not None and goal != previous_goal
        if used and (new_goal or used + sum(heights) > room):
            sheet.row_breaks.append(Break(id=first - 1))
            used = 0.0
        for offset, height in enumerate(heights):
            if used and used + height > room:  # only inside an indicator taller than a page
                sheet.row_breaks.append(Break(id=first + offset - 1))
                used = 0.0
            used += height
        previous_goal = goal


def _write_row(
    sheet: Worksheet,
    row_number: int,
    row: SheetRow,
    inputs: set[str],
    validations: AnswerValidations,
) -> None:
    is_indicator = row.kind == ROW_INDICATOR
    font = styles.FONT_BOLD if is_indicator else styles.FONT
    for name, column in COL.items():
        if name == REMARK_COLUMN:
            cell = write_text(sheet.cell(row=row_number, column=column), row.texts.get(name, ""))
            cell.alignment = styles.WRAP
            cell.font = styles.FONT_NOTE
            cell.border = styles.BORDER
            if is_indicator:
                cell.fill = styles.FILL_INDICATOR
            continue
        cell = sheet.cell(row=row_number, column=column)
        if name in _NUMBERS:
            value, number_format = row.numbers.get(name, (None, styles.POINTS_FORMAT))
            write_number(cell, value, number_format)
            cell.alignment = styles.NUMBER_ALIGN
        elif name == "回答":
            _write_answer(cell, row)
            cell.alignment = styles.CENTER
        else:
            write_text(cell, row.texts.get(name, ""))
            cell.alignment = styles.CENTER if name in _CENTERED else styles.WRAP
        cell.font = styles.FONT_NOTE if (not is_indicator and name in _REPEATED) else font
        cell.border = styles.BORDER
        if name in inputs:
            cell.protection = styles.UNLOCKED
            cell.fill = styles.FILL_INPUT
        elif is_indicator:
            cell.fill = styles.FILL_INDICATOR
        if name == "回答" and row.unanswered and name not in inputs:
            cell.fill = styles.FILL_UNANSWERED
    if row.kind in ANSWER_ROWS and row.item is not None:
        validations.add(
            sheet, sheet.cell(row=row_number, column=COL["回答"]).coordinate, row.item, row.kind
        )


def _write_answer(cell, row: SheetRow) -> None:
    """The 回答 cell holds exactly a value the import accepts: 該当, ウ, なし, 12 …"""
    if row.answer is None:
        cell.value = None
    elif row.item is not None and row.item.rule == EXTERNAL and row.answer.isdigit():
        write_number(cell, int(row.answer), styles.POINTS_FORMAT)
    else:
        write_text(cell, row.answer)


def _manifest_row(sheet_title: str, row_number: int, row: SheetRow) -> ManifestRow:
    notes = {}
    if row.kind == ROW_INDICATOR:
        notes = {name: row.texts.get(column, "") for column, name in NOTE_COLUMNS.items()}
    goal, group, number, label = row.key()
    return ManifestRow(
        sheet=sheet_title,
        row=row_number,
        kind=row.kind,
        target=row.target,
        goal=goal,
        group=group,
        number=number,
        label=label,
        answer=row.answer or "",
        **notes,
    )
