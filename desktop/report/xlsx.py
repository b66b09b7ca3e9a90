"""The result report as an xlsx (openpyxl), ready to print on A4 landscape.

Every figure is a number cell (rates are numbers formatted as %), so that others can
calculate with the sheet; user text (今後の対応, own wordings) is always written as
text, never as a formula. Row positions are for people: the hidden sheet ``_ids``
says which node each row shows.

Printed on A4 landscape at 9 pt or more: text is 10 pt and the columns share a
width that "fit to one page wide" shrinks by 10 % at most. Rows get the height of
their wrapped text. Under each group's row, each indicator where points were lost has
a row of its own (its title and its lost sub-items), and Excel never splits a row
between pages.

The file is written to a temporary name next to the target and moved into place at
the end, so a failure (a full disk, the old file open in Excel) never leaves half a
report behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.marker import DataPoint
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from desktop.national.standing import NationalStanding
from desktop.report.model import Report, ReportRow
from desktop.report.official import OfficialDifference
from desktop.safe_save import SaveError, save_atomically
from desktop.workbook.styles import FONT_NAME, RATE_FORMAT, setup_print, use_japanese_default_font
from desktop.workbook.text_fit import fit_row_heights

IDS_SHEET = "_ids"
MAIN_SHEET = "評価結果"
GAPS_SHEET = "伸びしろ"
OFFICIAL_SHEET = "国の評価結果との比較"
NATIONAL_SHEET = "全国の中での位置"
BAR_CHARACTERS = 25  # the longest bar of full-width ■ that fits the 分布 column

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_GRANT_FILL = PatternFill("solid", fgColor="B4C6E7")
_TOTAL_FILL = PatternFill("solid", fgColor="EDEDED")
_ESTIMATE_FILL = PatternFill("solid", fgColor="FFF2CC")
_OFFICIAL_FILL = PatternFill("solid", fgColor="E2EFDA")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


class ReportWriteError(SaveError):
    """The report could not be saved; the message says where and what to do."""


def report_saver(
    write: Callable[[Report, list[OfficialDifference] | None, str], None],
    *,
    opened_in: str = "Excel など",
) -> Callable[..., Path]:
    """The save function of one format of the report (the xlsx here, the PDF in the UI).

    ``write(report, official_rows, file)`` fills a temporary file, which replaces the
    target only once it is whole. ``opened_in`` names the programs that may hold the
    target open, for the message when it cannot be replaced.
    """

    def save(
        report: Report,
        path: str | Path,
        official_rows: list[OfficialDifference] | None = None,
        *,
        evaluation_file: str | Path | None = None,
    ) -> Path:
        """Write the report to ``path`` (replacing it only when the whole file is written).

        ``evaluation_file`` (the session's file) and any other evaluation are never written over.
        """
        return save_atomically(
            path,
            lambda temporary: write(report, official_rows, temporary),
            error=ReportWriteError,
            opened_in=opened_in,
            evaluation_file=evaluation_file,
        )

    return save


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    value: Callable[[ReportRow], object]
    kind: str  # text / points / rate / difference


# The main table's total width in characters: A4 landscape at 90 % or more.
TABLE_WIDTH = 132
LOST_HEADER = "主な減点に関する項目"


def report_columns(report: Report) -> list[Column]:
    """The main table's columns: fixed ones, plus last year's and official ones when known.

    The three text columns share what the figure columns leave of :data:`TABLE_WIDTH`.
    """
    columns = [
        Column("目標", 14, lambda r: r.goal_label, "text"),
        Column("指標群", 10, lambda r: r.label, "text"),
        Column("配点", 5, lambda r: r.max_points, "points"),
        Column("得点", 5, lambda r: r.points, "points"),
        Column("得点率", 7, lambda r: r.rate, "rate"),
        Column("全国平均得点率", 8, lambda r: r.national_avg_rate, "rate"),
    ]
    if report.uses_official:
        columns += [
            Column(
                "自己評価",
                6,
                lambda r: r.figure.self_points if r.figure.uses_official else None,
                "points",
            ),
            Column("差（国−自己）", 7, lambda r: r.figure.difference, "difference"),
        ]
    if report.previous_year_label:
        columns += [
            Column(
                f"前年度得点（{report.previous_year_label}）",
                8,
                lambda r: r.previous_points,
                "points",
            ),
            Column("前年度差", 6, lambda r: r.previous_difference, "difference"),
        ]
    left = TABLE_WIDTH - sum(column.width for column in columns)
    columns += [
        Column(LOST_HEADER, round(left * 0.5), lambda r: r.lost_summary, "text"),
        Column("今後の対応", round(left * 0.3), lambda r: r.planned_text, "text"),
        Column("備考", round(left * 0.2), lambda r: r.remarks, "text"),
    ]
    return columns


def write_text(cell, text: str | None) -> None:
    """User text as text: control characters removed, never read as a formula."""
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", text or "")
    cell.value = cleaned
    cell.data_type = "s"
    if cleaned[:1] in ("=", "+", "-", "@"):
        cell.quotePrefix = True


def write_number(cell, value: float | int | None, kind: str) -> None:
    if value is None:
        cell.value = None
        return
    if isinstance(value, float) and value.is_integer() and kind != "rate":
        value = int(value)
    cell.value = value
    if kind == "rate":
        cell.number_format = RATE_FORMAT
    elif kind == "difference":
        cell.number_format = "+0;-0;0" if isinstance(value, int) else "+0.0;-0.0;0.0"
    else:
        cell.number_format = "0" if isinstance(value, int) else "0.0"


def build_workbook(
    report: Report, official_rows: list[OfficialDifference] | None = None
) -> Workbook:
    workbook = Workbook()
    # 游ゴシック as the workbook's own default too: with Calibri there, LibreOffice and
    # Excel lay the sheet out for Calibri and print the text below 9 pt.
    use_japanese_default_font(workbook)
    main = workbook.active
    main.title = MAIN_SHEET
    ids = workbook.create_sheet(IDS_SHEET)
    ids.sheet_state = "veryHidden"  # for reading back only: never one 再表示 away
    ids.append(["sheet", "row", "kind", "node_id", "grant"])
    _write_main(main, ids, report)
    if report.national is not None:
        _write_national(workbook.create_sheet(NATIONAL_SHEET), report.national)
    _write_gaps(workbook.create_sheet(GAPS_SHEET), ids, report)
    if official_rows:
        _write_official(workbook.create_sheet(OFFICIAL_SHEET), ids, official_rows)
    workbook.move_sheet(IDS_SHEET, offset=len(workbook.sheetnames) - 1)
    return workbook


def _write_xlsx(
    report: Report, official_rows: list[OfficialDifference] | None, target: str
) -> None:
    build_workbook(report, official_rows).save(target)


save_report_xlsx = report_saver(_write_xlsx)


# --- the main sheet ------------------------------------------------------------------
def _write_main(sheet: Worksheet, ids: Worksheet, report: Report) -> None:
    columns = report_columns(report)
    width = len(columns)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    _title(sheet, report.title, width)
    _line(sheet, 2, f"{report.municipality}　作成日 {_date(report)}", width)
    row = 3
    for note in report.notes:
        _line(sheet, row, f"※ {note}", width)
        row += 1
    header_row = row
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(header_row, index)
        write_text(cell, column.header)
        cell.font = Font(name=FONT_NAME, bold=True, size=10)
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTER
        cell.border = _BORDER
    row = header_row + 1
    lost_column = next(i for i, c in enumerate(columns, start=1) if c.header == LOST_HEADER)
    for table_index, table in enumerate(report.grants):
        if table_index:
            sheet.row_breaks.append(Break(id=row - 1))  # each grant starts on a new page
        _band(sheet, row, f"{table.name}（{table.short_label}）", width, _GRANT_FILL)
        row += 1
        row = _write_rows(sheet, ids, row, columns, lost_column, table.rows, table.grant_id)
    _band(sheet, row, "合計", width, _GRANT_FILL)
    row += 1
    row = _write_rows(sheet, ids, row, columns, lost_column, (report.total, *report.frames), "")
    fit_row_heights(sheet, 1, row - 1)
    sheet.freeze_panes = f"C{header_row + 1}"
    _print_setup(sheet, header_row, row - 1, width)


def _write_rows(sheet, ids, row: int, columns, lost_column: int, rows, grant: str) -> int:
    """Each report row, then a row per indicator with lost points under a group's row."""
    previous_goal = None
    for report_row in rows:
        show_goal = report_row.goal_label != previous_goal
        previous_goal = report_row.goal_label
        _write_row(sheet, row, columns, report_row, show_goal)
        ids.append([MAIN_SHEET, row, report_row.kind, report_row.node_id, grant])
        row += 1
        for heading, items in report_row.lost_blocks:
            lines = [heading, *(f"　・{item.line}" for item in items)]
            for index in range(1, len(columns) + 1):
                cell = sheet.cell(row, index)
                cell.border = _BORDER
                cell.alignment = _WRAP_TOP
                cell.font = Font(name=FONT_NAME, size=10)
            write_text(sheet.cell(row, lost_column), "\n".join(lines))
            ids.append([MAIN_SHEET, row, "indicator", items[0].indicator_id, grant])
            row += 1
    return row


def _date(report: Report) -> str:
    day = report.created_on
    return f"{day.year}年{day.month}月{day.day}日"


def _line(sheet: Worksheet, row: int, text: str, width: int) -> None:
    """A line of text wrapped across the table (never past the printed page)."""
    cell = sheet.cell(row, 1)
    write_text(cell, text)
    cell.font = Font(name=FONT_NAME, size=10)
    cell.alignment = _WRAP_TOP
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _title(sheet: Worksheet, title: str, width: int) -> None:
    cell = sheet.cell(1, 1)
    write_text(cell, title)
    cell.font = Font(name=FONT_NAME, bold=True, size=14)
    cell.alignment = _WRAP_TOP
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _band(sheet: Worksheet, row: int, text: str, width: int, fill: PatternFill) -> None:
    cell = sheet.cell(row, 1)
    write_text(cell, text)
    cell.font = Font(name=FONT_NAME, bold=True, size=11)
    for column in range(1, width + 1):
        sheet.cell(row, column).fill = fill
        sheet.cell(row, column).border = _BORDER
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _write_row(
    sheet: Worksheet, row: int, columns: list[Column], report_row: ReportRow, show_goal: bool
) -> None:
    font = Font(name=FONT_NAME, size=10, bold=report_row.is_total, italic=report_row.shows_estimate)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row, index)
        value = column.value(report_row)
        if index == 1 and not show_goal:
            value = ""  # the goal is named on its first row only
        if column.kind == "text":
            write_text(cell, value)
        else:
            write_number(cell, value, column.kind)
        cell.font = font
        cell.border = _BORDER
        cell.alignment = _WRAP_TOP
        if report_row.is_total:
            cell.fill = _TOTAL_FILL
        elif report_row.figure.official:
            cell.fill = _OFFICIAL_FILL
        elif report_row.shows_estimate:
            cell.fill = _ESTIMATE_FILL


def _print_setup(sheet: Worksheet, header_row: int, last_row: int, width: int) -> None:
    """A4 landscape like the submission workbook's sheets, the header row repeated."""
    setup_print(sheet, landscape=True, title_rows=f"{header_row}:{header_row}")
    sheet.print_area = f"A1:{get_column_letter(width)}{last_row}"


# --- gaps ------------------------------------------------------------------------------
GAP_HEADERS = [
    ("順位", 5, "points"),
    ("区分", 16, "text"),
    ("評価指標", 25, "text"),
    ("小項目（減点に関する項目）", 26, "text"),
    ("担当課", 10, "text"),
    ("実現性", 7, "text"),
    ("加点", 5, "points"),
    ("全国該当率", 7, "rate"),
    ("全国60%以上", 8, "text"),
    ("指標群の得点率（現在）", 8, "rate"),
    ("指標群の得点率（達成後）", 8, "rate"),
    ("備考", 10, "text"),
]


def _header_row(sheet: Worksheet, row: int, headers: list[tuple[str, int, str]]) -> None:
    """A bold, filled header row, and each column's width."""
    for index, (header, column_width, _kind) in enumerate(headers, start=1):
        cell = sheet.cell(row, index)
        write_text(cell, header)
        cell.font = Font(name=FONT_NAME, bold=True, size=10)
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTER
        cell.border = _BORDER
        sheet.column_dimensions[get_column_letter(index)].width = column_width


def _write_gaps(sheet: Worksheet, ids: Worksheet, report: Report) -> None:
    width = len(GAP_HEADERS)
    for index, (_header, column_width, _kind) in enumerate(GAP_HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width
    _title(sheet, f"{report.year_label} 伸びしろ（未該当の小項目）", width)
    shown = len(report.gaps)
    _line(
        sheet,
        2,
        f"{report.municipality}　未該当の小項目 {report.gap_count}件のうち上位 {shown}件。"
        f"★＝全国該当率 60% 以上（{report.high_share_note}）。★の項目を先に、加点の大きい順。"
        f"全国該当率は{report.gap_rates_source}による。［未回答］はまだ回答していない小項目です。",
        width,
    )
    _header_row(sheet, 3, GAP_HEADERS)
    for rank, gap in enumerate(report.gaps, start=1):
        row = 3 + rank
        rate = gap.national_rate_pct / 100 if gap.national_rate_pct is not None else None
        values = [
            rank,
            gap.reference,
            gap.indicator_title,
            gap.lost.line,
            gap.section,
            gap.effort,
            gap.gain,
            rate,
            "★" if gap.high_share else "",
            gap.group_rate_before,
            gap.group_rate_after,
            gap.note,
        ]
        for index, ((_h, _w, kind), value) in enumerate(zip(GAP_HEADERS, values, strict=True), 1):
            cell = sheet.cell(row, index)
            if kind == "text":
                write_text(cell, value)
            else:
                write_number(cell, value, kind)
            cell.font = Font(name=FONT_NAME, size=10, bold=gap.high_share and index == 4)
            cell.border = _BORDER
            cell.alignment = _WRAP_TOP
        ids.append([GAPS_SHEET, row, "gap", gap.item_id, gap.grant])
    fit_row_heights(sheet, 1, 3 + max(1, shown))
    sheet.freeze_panes = "A4"
    _print_setup(sheet, 3, 3 + max(1, shown), width)


# --- rank and distribution among all municipalities -----------------------------------
NATIONAL_HEADERS = [
    ("得点の範囲", 14, "text"),
    ("市町村数", 10, "points"),
    ("分布", 56, "text"),
    ("本市町村", 30, "text"),
]
_MARK_FILL = PatternFill("solid", fgColor="F8CBAD")


def _write_national(sheet: Worksheet, standing: NationalStanding) -> None:
    """Ranks, then the histogram twice: as bars of ■ in cells (printed with the table)
    and as a bar chart beside it, the municipality's band marked in both."""
    width = len(NATIONAL_HEADERS)
    _title(sheet, f"全国の中での位置（{standing.year_label} 全国集計結果）", width)
    _line(sheet, 2, f"{standing.name}の国による評価結果の合計点による順位（同点は上の順位）", width)
    row = 3
    for line in standing.rank_lines:
        _line(sheet, row, f"・{line}", width)
        row += 1
    row += 1
    header_row = row
    _header_row(sheet, header_row, NATIONAL_HEADERS)
    peak = max((b.count for b in standing.bins), default=0) or 1
    for b in standing.bins:
        row += 1
        bar = "■" * round(BAR_CHARACTERS * b.count / peak)
        mark = f"◀ {standing.name}（{standing.total:g}点）" if b.marked else ""
        for column, value in enumerate((b.label, b.count, bar, mark), start=1):
            cell = sheet.cell(row, column)
            if column == 2:
                write_number(cell, value, "points")
            else:
                write_text(cell, value)
            cell.font = Font(
                name=FONT_NAME, size=10, bold=b.marked, color="C00000" if b.marked else None
            )
            cell.border = _BORDER
            if b.marked:
                cell.fill = _MARK_FILL
        sheet.row_dimensions[row].height = 15  # one line: the bar never wraps
    last = row
    chart = BarChart()
    chart.type = "col"
    chart.title = "全国の市町村の合計点の分布"
    chart.y_axis.title = "市町村数"
    chart.x_axis.title = "合計点"
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=2, min_row=header_row + 1, max_row=last))
    chart.set_categories(Reference(sheet, min_col=1, min_row=header_row + 1, max_row=last))
    series = chart.series[0]
    series.graphicalProperties.solidFill = "8FB3D9"
    for index, b in enumerate(standing.bins):
        if b.marked:
            point = DataPoint(idx=index)
            point.graphicalProperties.solidFill = "D9534F"
            series.dPt.append(point)
    chart.width, chart.height = 22, 9
    sheet.add_chart(chart, f"A{last + 2}")
    fit_row_heights(sheet, 1, header_row)
    _print_setup(sheet, header_row, last + 20, width)


# --- official results ----------------------------------------------------------------
OFFICIAL_HEADERS = [
    ("区分", 50, "text"),
    ("配点", 8, "points"),
    ("自己評価（見込みを含む）", 12, "points"),
    ("国による評価結果", 12, "points"),
    ("差（国−自己）", 10, "difference"),
]


def _write_official(sheet: Worksheet, ids: Worksheet, rows: list[OfficialDifference]) -> None:
    width = len(OFFICIAL_HEADERS)
    _title(sheet, "国による評価結果と自己評価の比較", width)
    _header_row(sheet, 2, OFFICIAL_HEADERS)
    for offset, difference in enumerate(rows, start=3):
        values = [
            difference.title + ("" if difference.entered else "（入力値の合計）"),
            difference.max_points,
            difference.self_points,
            difference.official_points,
            difference.difference,
        ]
        for index, ((_h, _w, kind), value) in enumerate(
            zip(OFFICIAL_HEADERS, values, strict=True), 1
        ):
            cell = sheet.cell(offset, index)
            if kind == "text":
                write_text(cell, value)
            else:
                write_number(cell, value, kind)
            cell.border = _BORDER
            cell.font = Font(
                name=FONT_NAME, size=10, bold=difference.difference != 0 and index == 5
            )
            if difference.difference != 0:
                cell.fill = _ESTIMATE_FILL
        ids.append([OFFICIAL_SHEET, offset, "official", difference.node_id, ""])
    fit_row_heights(sheet, 1, 2 + max(1, len(rows)))
    _print_setup(sheet, 2, 2 + max(1, len(rows)), width)
