"""The look of every workbook we write: 游ゴシック, print set-up, widths, fills.

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

# charset 128 = SHIFTJIS_CHARSET: tells Excel the font is a Japanese one, so it does
# not substitute a Western font on a PC where 游ゴシック is missing.
FONT = Font(name=FONT_NAME, size=FONT_SIZE, charset=128)
FONT_BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True, charset=128)
FONT_TITLE = Font(name=FONT_NAME, size=14, bold=True, charset=128)
FONT_NOTE = Font(name=FONT_NAME, size=9, color="555555", charset=128)

FILL_HEADER = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
FILL_INDICATOR = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
FILL_GROUP = PatternFill("solid", start_color="EDEDED", end_color="EDEDED")
FILL_INPUT = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")  # cells to fill in

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
    """A4, fitted to one page wide (as many pages tall as needed), page numbers below."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # 0 = as many pages as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.oddFooter.center.text = FOOTER_PAGES
    sheet.oddFooter.center.font = FONT_NAME
    sheet.oddFooter.center.size = 9
    if footer_left:
        # Header/footer codes start with "&": a literal "&" in a name must be doubled.
        sheet.oddFooter.left.text = footer_left.replace("&", "&&")
        sheet.oddFooter.left.font = FONT_NAME
        sheet.oddFooter.left.size = 9
    sheet.oddFooter.right.text = "&A"
    sheet.oddFooter.right.font = FONT_NAME
    sheet.oddFooter.right.size = 9
