"""The look of every workbook we write: 游ゴシック, print set-up, widths, fills.

Printed on A4, no text is smaller than 9 pt: cells use 10 pt and the sheets are
designed to fit the paper's width at 90 % or more (see :func:`print_scale`), so
"fit to one page wide" never shrinks them below 9 pt.

Style objects are created once here and shared: openpyxl interns equal styles, and
reusing the same objects keeps an export well under a second.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME = "游ゴシック"
FONT_SIZE = 10
# LibreOffice shrinks headers and footers with the sheet when it fits the sheet to the
# page (it ignores scaleWithDoc="0"); sheets print at 90 % or more, so a 10 pt footer
# prints at 9 pt or more there, and at 10 pt in Excel, which keeps its size.
FOOTER_SIZE = 10

# charset 128 = SHIFTJIS_CHARSET: tells Excel the font is a Japanese one, so on a PC
# without 游ゴシック (before Windows 8.1) it falls back to a Japanese font (ＭＳ Ｐゴシック),
# never to a Western one; the workbook theme (openpyxl's default) names ＭＳ Ｐゴシック
# as the Japanese font too. The workbooks do not use the font the app ships.
FONT = Font(name=FONT_NAME, size=FONT_SIZE, charset=128)
FONT_BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True, charset=128)
FONT_TITLE = Font(name=FONT_NAME, size=14, bold=True, charset=128)
FONT_NOTE = Font(name=FONT_NAME, size=FONT_SIZE, color="555555", charset=128)
FONT_UNANSWERED = Font(name=FONT_NAME, size=FONT_SIZE, bold=True, color="C00000", charset=128)

FILL_HEADER = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
FILL_INDICATOR = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
FILL_GROUP = PatternFill("solid", start_color="EDEDED", end_color="EDEDED")
FILL_INPUT = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")  # cells to fill in
FILL_UNANSWERED = PatternFill("solid", start_color="F8CBAD", end_color="F8CBAD")

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)
NUMBER_ALIGN = Alignment(horizontal="right", vertical="top")

UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)

POINTS_FORMAT = "0"
AVERAGE_FORMAT = "0.0"
RATE_FORMAT = "0.0%"

# Printed on every sheet; Excel fills in page number, page count and sheet name.
FOOTER_PAGES = "&P / &N ページ"


def use_japanese_default_font(workbook: Workbook) -> None:
    """Make 游ゴシック the workbook's default font, so that empty cells match too.

    openpyxl has no public setter for the 標準 style's font; the first font of the
    stylesheet is that default. Cells we write also get FONT explicitly, so if a
    future openpyxl moves this internal the workbook still prints in 游ゴシック.
    """
    try:
        workbook._fonts[0] = FONT  # type: ignore[index]
        workbook._named_styles["Normal"].font = FONT  # type: ignore[index]
    except (AttributeError, IndexError, KeyError, TypeError):
        pass


# A4 with the margins below, in column-width units at 100 %. A unit is a digit of the
# workbook's default font: about 7 px for 游ゴシック 10 pt, up to 8 px where Excel
# measures wider; each column adds about 5 px of padding. 96 px = 1 inch.
PAGE_WIDTH_IN = {"portrait": 8.27, "landscape": 11.69}
PAGE_HEIGHT_IN = {"portrait": 11.69, "landscape": 8.27}
MARGIN_SIDE_IN = 0.3
MARGIN_TOP_IN = 0.5
MARGIN_BOTTOM_IN = 0.6
WIDEST_DIGIT_PX = 8
COLUMN_PADDING_PX = 5
MIN_PRINT_SCALE = 0.9  # 10 pt cells print at 9 pt or more


def print_scale(widths: list[float], orientation: str) -> float:
    """The scale "fit to one page wide" needs in the worst case (1.0: no shrinking)."""
    pixels = sum(width * WIDEST_DIGIT_PX + COLUMN_PADDING_PX for width in widths)
    printable = (PAGE_WIDTH_IN[orientation] - 2 * MARGIN_SIDE_IN) * 96
    return min(1.0, printable / pixels)


def printable_height_pt(orientation: str) -> float:
    return (PAGE_HEIGHT_IN[orientation] - MARGIN_TOP_IN - MARGIN_BOTTOM_IN) * 72


def wide_text(sheet: Worksheet, row: int, text: str, font: Font, columns: int) -> None:
    """A line of text wrapped across the first ``columns`` columns (merged), not past them."""
    from desktop.workbook.safe_text import write_text

    cell = write_text(sheet.cell(row=row, column=1), text)
    cell.font = font
    cell.alignment = WRAP
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)


def set_widths(sheet: Worksheet, widths: list[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def setup_print(
    sheet: Worksheet,
    *,
    landscape: bool,
    title_rows: str | None,
    footer_left: str = "",
) -> None:
    """A4, fitted to one page wide (as many pages tall as needed), page numbers below.

    Every sheet is laid out so that fitting its width keeps 90 % or more (tests check
    :func:`print_scale` for each), so the text prints at 9 pt or larger.
    """
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # 0 = as many pages as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = MARGIN_SIDE_IN
    sheet.page_margins.top = MARGIN_TOP_IN
    sheet.page_margins.bottom = MARGIN_BOTTOM_IN
    sheet.page_margins.header = 0.2
    sheet.page_margins.footer = 0.25
    # The footer keeps its size when the sheet is fitted to the page.
    sheet.HeaderFooter.scaleWithDoc = False
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.oddFooter.center.text = FOOTER_PAGES
    sheet.oddFooter.center.font = FONT_NAME
    sheet.oddFooter.center.size = FOOTER_SIZE
    if footer_left:
        # Header/footer codes start with "&": a literal "&" in a name must be doubled.
        sheet.oddFooter.left.text = footer_left.replace("&", "&&")
        sheet.oddFooter.left.font = FONT_NAME
        sheet.oddFooter.left.size = FOOTER_SIZE
    sheet.oddFooter.right.text = "&A"
    sheet.oddFooter.right.font = FONT_NAME
    sheet.oddFooter.right.size = FOOTER_SIZE
