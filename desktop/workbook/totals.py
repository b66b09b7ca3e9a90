"""The totals table (交付金 × 目標 × 指標群) shown on the 表紙 and the 集計 sheet.

自己評価 (points from the municipality's own answers) and 見込み (adding the
estimates for items the state computes) are kept in separate, labelled columns.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from desktop.scoring.tree import GROUP, ScoreNode, ScoreTree
from desktop.workbook import styles
from desktop.workbook.safe_text import write_number, write_text

BASE_COLUMNS = (
    "交付金",
    "目標",
    "指標群",
    "配点",
    "自己評価",
    "自己評価の得点率",
    "見込み",
    "見込みの得点率",
)
NATIONAL_COLUMNS = ("全国平均（点）", "全国平均の得点率")
# Narrow enough for the 表紙 on A4 portrait and the 集計 on A4 landscape at 90 % or more.
WIDTHS = [14, 30, 12, 6, 8, 9, 7, 9, 9, 9]


def columns(with_national: bool) -> tuple[str, ...]:
    return BASE_COLUMNS + (NATIONAL_COLUMNS if with_national else ())


def write_totals(sheet: Worksheet, tree: ScoreTree, first_row: int, *, with_national: bool) -> int:
    """Write the header and one line per grant, goal and group; return the next free row."""
    names = columns(with_national)
    for column, name in enumerate(names, start=1):
        cell = write_text(sheet.cell(row=first_row, column=column), name)
        cell.font = styles.FONT_BOLD
        cell.fill = styles.FILL_HEADER
        cell.border = styles.BORDER
        cell.alignment = styles.CENTER
    row = first_row + 1
    for grant in tree.grants:
        row = _line(sheet, row, grant, (grant.title, "", ""), with_national, styles.FILL_INDICATOR)
        for goal in grant.children:
            shared = "（両交付金共通）" if goal.grant == "common" else ""
            row = _line(
                sheet,
                row,
                goal,
                ("", f"{goal.label}{shared} {goal.title}", ""),
                with_national,
                styles.FILL_GROUP,
            )
            for group in goal.children:
                if group.level == GROUP:
                    row = _line(sheet, row, group, ("", "", group.label), with_national, None)
    row = _line(
        sheet,
        row,
        tree.root,
        (f"合計（{tree.root.max_points}点満点）", "", ""),
        with_national,
        styles.FILL_INDICATOR,
    )
    for frame in tree.frames:
        row = _line(
            sheet,
            row,
            frame,
            (f"{frame.label}（別枠・{tree.root.max_points}点に含まない）", "", ""),
            with_national,
            styles.FILL_GROUP,
        )
    return row


def _line(sheet, row: int, node: ScoreNode, labels, with_national: bool, fill) -> int:
    values: list[tuple[object, str | None]] = [(text, None) for text in labels]
    values += [
        (node.max_points, styles.POINTS_FORMAT),
        (node.points, styles.POINTS_FORMAT),
        (node.rate, styles.RATE_FORMAT),
        (node.projected_points, styles.POINTS_FORMAT),
        (node.projected_rate, styles.RATE_FORMAT),
    ]
    if with_national:
        values += [
            (node.national_avg_points, styles.AVERAGE_FORMAT),
            (node.national_avg_rate, styles.RATE_FORMAT),
        ]
    bold = node.level != GROUP
    for column, (value, number_format) in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if number_format is None:
            write_text(cell, value)
            cell.alignment = styles.WRAP
        else:
            write_number(cell, value, number_format)
            cell.alignment = styles.NUMBER_ALIGN
        cell.font = styles.FONT_BOLD if bold else styles.FONT
        cell.border = styles.BORDER
        if fill is not None:
            cell.fill = fill
    return row + 1
