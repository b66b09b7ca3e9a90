"""The result report as HTML blocks for Qt's rich-text engine (the PDF is printed from them).

Plain Python, no Qt: :mod:`desktop.ui.report_pdf` lays each block out with
QTextDocument and places the blocks on pages itself, so that a block is never split
between pages: a group's figures, and each indicator with its lost sub-items, are
blocks of their own (QTextDocument has no "page-break-inside: avoid"). A table's
header is repeated at the top of every page the table continues on.

Only the HTML subset QTextDocument understands is used (fixed-width tables, cell
padding, background colours). Text is 9 pt or larger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

from desktop.formats import fmt_points
from desktop.national.standing import NationalStanding
from desktop.report.model import Report, ReportRow
from desktop.report.official import OfficialDifference

ESTIMATE_COLOUR = "#fff2cc"
OFFICIAL_COLOUR = "#e2efda"
TOTAL_COLOUR = "#ededed"
HEADER_COLOUR = "#d9e1f2"
DIFFERENCE_COLOUR = "#f8cbad"
BAR_COLOUR = "#8fb3d9"  # the same colours as the histogram in the national view
MARK_COLOUR = "#d9534f"
BAR_SPAN_PCT = 70  # the longest bar's share of the line
BODY_PT = 9
RIGHT = ' align="right"'
TITLE_PT = 14
HEADING_PT = 11
TABLE_OPEN = (
    '<table width="100%" border="1" cellspacing="0" cellpadding="3" '
    'style="border-collapse: collapse; border-color: #808080;">'
)


@dataclass(frozen=True)
class Block:
    """A piece of the report printed whole on one page (unless taller than a page)."""

    html: str
    page_break_before: bool = False
    keep_with_next: bool = False  # a heading or a group's figures stay with what follows
    header: str = ""  # the table's header row, repeated when the block starts a page


def fmt_rate(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def fmt_signed(value: float | int | None) -> str:
    if value is None:
        return ""
    text = fmt_points(abs(value))
    return f"+{text}" if value > 0 else (f"-{text}" if value < 0 else "±0")


def _text(value: str | None) -> str:
    return escape(value or "").replace("\n", "<br/>")


def _columns(report: Report) -> list[tuple[str, str, Callable[[ReportRow], str], bool]]:
    """(header, width, cell html, numeric) for the main tables; mirrors the xlsx columns.

    The figure columns have fixed widths; the text columns share what is left, so
    that the table always fits the page whatever optional columns are shown.
    """
    columns: list[tuple[str, float, Callable[[ReportRow], str], bool]] = [
        ("目標", 11, lambda r: _text(r.goal_label), False),
        ("指標群", 8, lambda r: _text(r.label), False),
        ("配点", 4, lambda r: fmt_points(r.max_points), True),
        ("得点", 4, lambda r: fmt_points(r.points), True),
        ("得点率", 5.5, lambda r: fmt_rate(r.rate), True),
        ("全国平均<br/>得点率", 5.5, lambda r: fmt_rate(r.national_avg_rate), True),
    ]
    if report.uses_official:
        columns += [
            (
                "自己<br/>評価",
                4,
                lambda r: fmt_points(r.figure.self_points) if r.figure.uses_official else "",
                True,
            ),
            ("国-<br/>自己", 4, lambda r: fmt_signed(r.figure.difference), True),
        ]
    if report.previous_year_label:
        label = escape(report.previous_year_label)
        columns += [
            (f"前年度<br/>{label}", 6, lambda r: fmt_points(r.previous_points), True),
            ("前年<br/>度比", 4, lambda r: fmt_signed(r.previous_difference), True),
        ]
    left = 100 - sum(width for _h, width, _c, _n in columns)
    columns += [
        ("主な減点に関する項目", left * 0.5, lambda r: _text(r.lost_summary), False),
        ("今後の対応", left * 0.3, lambda r: _text(r.planned_text), False),
        ("備考", left * 0.2, lambda r: _text(r.remarks), False),
    ]
    return [(header, f"{width:.1f}%", cell, numeric) for header, width, cell, numeric in columns]


def _row_colour(row: ReportRow) -> str | None:
    if row.is_total:
        return TOTAL_COLOUR
    if row.figure.official:
        return OFFICIAL_COLOUR
    if row.shows_estimate:
        return ESTIMATE_COLOUR
    return None


def _one_row_table(cells: str) -> str:
    return f"{TABLE_OPEN}<tr>{cells}</tr></table>"


def _heading(html: str) -> str:
    return f'<p style="font-size: {HEADING_PT}pt;"><b>{html}</b></p>'


def _header_row(columns: Iterable[tuple[str, str]]) -> str:
    """A table's header row from (title html, width) per column."""
    return _one_row_table(
        "".join(
            f'<th width="{width}" bgcolor="{HEADER_COLOUR}">{title}</th>'
            for title, width in columns
        )
    )


def _table_start(heading: str, header: str, *, new_page: bool) -> list[Block]:
    """A table's heading and header row, kept with the table's first row."""
    return [
        Block(heading, page_break_before=new_page, keep_with_next=True),
        Block(header, keep_with_next=True),
    ]


def _value_row(widths: Iterable[str], values: list[tuple[str, bool]], attributes: str = "") -> str:
    """One table row of (html, numeric) values; numbers are right-aligned."""
    cells = "".join(
        f'<td width="{width}"{RIGHT if numeric else ""}{attributes}>{value}</td>'
        for width, (value, numeric) in zip(widths, values, strict=True)
    )
    return _one_row_table(cells)


def _figure_row(columns, row: ReportRow, show_goal: bool) -> str:
    colour = _row_colour(row)
    attributes = f' bgcolor="{colour}"' if colour else ""
    bold = row.is_total
    cells = []
    for index, (_header, width, cell, numeric) in enumerate(columns):
        if index == 0:
            content = _text(row.goal_label) if show_goal else ""
            cells.append(f'<td width="{width}">{content}</td>')
            continue
        content = cell(row)
        if bold and content:
            content = f"<b>{content}</b>"
        cells.append(f'<td width="{width}"{RIGHT if numeric else ""}{attributes}>{content}</td>')
    return _one_row_table("".join(cells))


def _indicator_row(columns, heading: str, items) -> str:
    """One indicator's lost sub-items, under the group's row, in the 主な減点 column."""
    lines = [f"<b>{escape(heading)}</b>"] + [f"・{escape(item.line)}" for item in items]
    lost_index = next(i for i, column in enumerate(columns) if column[0] == "主な減点に関する項目")
    before = sum(float(width.rstrip("%")) for _h, width, _c, _n in columns[:lost_index])
    after = 100 - before - float(columns[lost_index][1].rstrip("%"))
    return _one_row_table(
        f'<td width="{before:.1f}%"></td>'
        f'<td width="{columns[lost_index][1]}">{"<br/>".join(lines)}</td>'
        f'<td width="{after:.1f}%"></td>'
    )


def _table_blocks(report: Report, rows: list[ReportRow], heading: str, *, new_page: bool):
    """A grant's (or the total's) table: figures per group, then each indicator's losses."""
    columns = _columns(report)
    header = _header_row((title, width) for title, width, _cell, _numeric in columns)
    blocks = _table_start(_heading(escape(heading)), header, new_page=new_page)
    previous_goal = None
    for row in rows:
        show_goal = bool(row.goal_label) and row.goal_label != previous_goal
        previous_goal = row.goal_label or previous_goal
        lost = row.lost_blocks
        blocks.append(
            Block(_figure_row(columns, row, show_goal), keep_with_next=bool(lost), header=header)
        )
        for heading_text, items in lost:
            blocks.append(Block(_indicator_row(columns, heading_text, items), header=header))
    return blocks


def report_blocks(
    report: Report,
    official_rows: list[OfficialDifference] | None = None,
) -> list[Block]:
    """The whole report as blocks, in reading order (see the module docstring)."""
    intro = [
        f'<p style="font-size: {TITLE_PT}pt;"><b>{escape(report.title)}</b></p>',
        f"<p>{escape(report.municipality)}　作成日 {_date(report)}</p>",
    ]
    for note in report.notes:
        intro.append(f"<p>※ {escape(note)}</p>")
    intro.append(
        f'<p><span style="background-color: {ESTIMATE_COLOUR};">　見込み（国が算定）　</span>　'
        f'<span style="background-color: {OFFICIAL_COLOUR};">　国による評価結果　</span></p>'
    )
    blocks = [Block("".join(intro))]
    for index, table in enumerate(report.grants):
        blocks += _table_blocks(
            report, list(table.rows), f"{table.name}（{table.short_label}）", new_page=bool(index)
        )
    blocks += _table_blocks(report, [report.total, *report.frames], "合計", new_page=False)
    if report.national is not None:
        blocks += _national_blocks(report.national)
    blocks += _gap_blocks(report)
    if official_rows:
        blocks += _official_blocks(official_rows)
    return blocks


def report_html(
    report: Report,
    official_rows: list[OfficialDifference] | None = None,
    *,
    font_family: str = "IPAexGothic",
) -> str:
    """The blocks as one HTML page (for a preview; the PDF places the blocks itself)."""
    return document_html(
        "".join(block.html for block in report_blocks(report, official_rows)), font_family
    )


def document_html(body: str, font_family: str) -> str:
    return (
        "<html><head><meta charset='utf-8'/></head>"
        f"<body style=\"font-family: '{escape(font_family)}'; font-size: {BODY_PT}pt;\">"
        f"{body}</body></html>"
    )


def _date(report: Report) -> str:
    day = report.created_on
    return f"{day.year}年{day.month}月{day.day}日"


GAP_COLUMNS = (
    ("順位", "4%"),
    ("区分", "14%"),
    ("評価指標", "19%"),
    ("小項目（減点に関する項目）", "23%"),
    ("担当課", "8%"),
    ("実現性", "5%"),
    ("加点", "5%"),
    ("全国<br/>該当率", "6%"),
    ("指標群の得点率<br/>現在 → 達成後", "8%"),
    ("備考", "8%"),
)


def _gap_blocks(report: Report) -> list[Block]:
    header = _header_row(GAP_COLUMNS)
    heading = (
        _heading("伸びしろ（未該当の小項目）")
        + f"<p>未該当の小項目 {report.gap_count}件のうち上位 {len(report.gaps)}件。"
        f"★＝全国該当率 60% 以上（{escape(report.high_share_note)}）。★の項目を先に、"
        f"加点の大きい順。全国該当率は{escape(report.gap_rates_source)}による。"
        "［未回答］はまだ回答していない小項目です。</p>"
    )
    blocks = _table_start(heading, header, new_page=True)
    widths = [width for _title, width in GAP_COLUMNS]
    for rank, gap in enumerate(report.gaps, start=1):
        rate = "" if gap.national_rate_pct is None else f"{gap.national_rate_pct:.1f}%"
        if gap.high_share:
            rate = f"★{rate}"
        line = _text(gap.lost.line)
        if gap.high_share:
            line = f"<b>{line}</b>"
        values = [
            (str(rank), True),
            (_text(gap.reference), False),
            (_text(gap.indicator_title), False),
            (line, False),
            (_text(gap.section), False),
            (_text(gap.effort), False),
            (f"+{gap.gain}", True),
            (rate, True),
            (f"{fmt_rate(gap.group_rate_before)} → {fmt_rate(gap.group_rate_after)}", True),
            (_text(gap.note), False),
        ]
        blocks.append(Block(_value_row(widths, values), header=header))
    if not report.gaps:
        blocks.append(Block(_one_row_table("<td>未該当の小項目はありません。</td>")))
    return blocks


def _official_blocks(rows: list[OfficialDifference]) -> list[Block]:
    columns = (
        ("区分", "60%"),
        ("配点", "8%"),
        ("自己評価（見込みを含む）", "12%"),
        ("国による評価結果", "10%"),
        ("差（国-自己）", "10%"),
    )
    header = _header_row(columns)
    blocks = _table_start(_heading("国による評価結果と自己評価の比較"), header, new_page=True)
    for row in rows:
        colour = f' bgcolor="{DIFFERENCE_COLOUR}"' if row.difference != 0 else ""
        title = escape(row.title) + ("" if row.entered else "（入力値の合計）")
        values = [
            (title, False),
            (str(row.max_points), True),
            (fmt_points(row.self_points), True),
            (fmt_points(row.official_points), True),
            (fmt_signed(row.difference), True),
        ]
        widths = [width for _title, width in columns]
        blocks.append(Block(_value_row(widths, values, colour), header=header))
    return blocks


def _national_blocks(standing: NationalStanding) -> list[Block]:
    """Rank and the distribution of all totals, the municipality's bar marked.

    The histogram is drawn as bars of table cells (QTextDocument has no drawing): one
    line per band of points, its length proportional to the number of municipalities.
    """
    lines = "".join(f"<p>・{escape(line)}</p>" for line in standing.rank_lines)
    peak = max((b.count for b in standing.bins), default=0) or 1
    bars = []
    for b in standing.bins:
        colour = MARK_COLOUR if b.marked else BAR_COLOUR
        length = round(BAR_SPAN_PCT * b.count / peak)
        mark = f"<b>◀ {escape(standing.name)}（{standing.total:g}点）</b>" if b.marked else ""
        bar = f'<td width="{length}%" bgcolor="{colour}">&nbsp;</td>' if length else ""
        bars.append(
            '<table width="100%" cellspacing="0" cellpadding="1"><tr>'
            f'<td width="12%"{RIGHT}>{escape(b.label)}&nbsp;</td>'
            f'<td width="6%"{RIGHT}>{b.count}&nbsp;</td>'
            f"{bar}"
            f'<td width="{100 - 18 - length}%">&nbsp;{mark}</td>'
            "</tr></table>"
        )
    html = (
        _heading(f"全国の中での位置（{escape(standing.year_label)} 全国集計結果）")
        + f"<p>{escape(standing.name)}の国による評価結果の合計点による順位です"
        "（同点は上の順位）。</p>"
        f"{lines}"
        f"<p><b>全国の市町村の合計点の分布</b>（左から 得点の範囲・市町村数・棒。"
        f'<span style="color: {MARK_COLOUR};">■</span>＝{escape(standing.name)}の範囲）</p>'
        + "".join(bars)
    )
    return [Block(html, page_break_before=True)]
