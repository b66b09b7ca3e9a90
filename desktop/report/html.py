"""The result report as HTML for Qt's rich-text engine (the PDF is printed from it).

Plain Python, no Qt: :mod:`desktop.ui.report_pdf` lays this out with QTextDocument.
Only the HTML subset QTextDocument understands is used (tables with ``<thead>``,
which Qt repeats on every page, cell padding, background colours, page breaks).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from desktop.dates import japanese_date
from desktop.report.model import (
    ROW_FRAME,
    ROW_GOAL_TOTAL,
    ROW_GRANT_TOTAL,
    ROW_GROUP,
    ROW_TOTAL,
    Report,
    ReportRow,
)
from desktop.report.official import OfficialDifference

ESTIMATE_COLOUR = "#fff2cc"
OFFICIAL_COLOUR = "#e2efda"
TOTAL_COLOUR = "#ededed"
HEADER_COLOUR = "#d9e1f2"
DIFFERENCE_COLOUR = "#f8cbad"


def fmt_points(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))


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

    The figure columns have fixed widths; the three text columns share what is left,
    so that the table always fits the page whatever optional columns are shown.
    """
    columns: list[tuple[str, float, Callable[[ReportRow], str], bool]] = [
        ("目標", 9, lambda r: _text(r.goal_label), False),
        ("指標群", 7, lambda r: _text(r.label), False),
        ("配点", 3.5, lambda r: fmt_points(r.max_points), True),
        ("得点", 3.5, lambda r: fmt_points(r.points), True),
        ("得点率", 4.5, lambda r: fmt_rate(r.rate), True),
        ("全国平均<br/>得点率", 4.5, lambda r: fmt_rate(r.national_avg_rate), True),
    ]
    if report.uses_official:
        columns += [
            (
                "自己<br/>評価",
                3.5,
                lambda r: fmt_points(r.figure.self_points) if r.figure.uses_official else "",
                True,
            ),
            ("国-<br/>自己", 3.5, lambda r: fmt_signed(r.figure.difference), True),
        ]
    if report.previous_year_label:
        label = escape(report.previous_year_label)
        columns += [
            (f"前年度<br/>{label}", 5, lambda r: fmt_points(r.previous_points), True),
            ("前年<br/>度比", 3.5, lambda r: fmt_signed(r.previous_difference), True),
        ]
    left = 100 - sum(width for _h, width, _c, _n in columns)
    columns += [
        ("主な減点に関する項目", left * 0.5, _lost_html, False),
        ("今後の対応", left * 0.28, lambda r: _text(r.planned_response), False),
        ("備考", left * 0.22, lambda r: _text(r.remarks), False),
    ]
    return [(header, f"{width:.1f}%", cell, numeric) for header, width, cell, numeric in columns]


def _row_colour(row: ReportRow) -> str | None:
    if row.kind in (ROW_GOAL_TOTAL, ROW_GRANT_TOTAL, ROW_TOTAL):
        return TOTAL_COLOUR
    if row.figure.official:
        return OFFICIAL_COLOUR
    if row.is_estimate and row.kind in (ROW_GROUP, ROW_FRAME):
        return ESTIMATE_COLOUR
    return None


def _lost_html(row: ReportRow) -> str:
    """主な減点: indicator headings in bold, their sub-items listed under them."""
    if not row.lost or row.state_scored:
        return _text(row.lost_text)
    lines = []
    current = None
    for item in row.lost:
        if item.indicator_id != current:
            current = item.indicator_id
            lines.append(f"<b>{escape(item.indicator_heading)}</b>")
        lines.append(f"・{escape(item.line)}")
    return "<br/>".join(lines)


def _table(report: Report, rows: list[ReportRow]) -> str:
    """One grant's table; the goal cell spans its group rows and its total row."""
    columns = _columns(report)
    head = "".join(
        f'<th width="{width}" bgcolor="{HEADER_COLOUR}">{header}</th>'
        for header, width, _cell, _numeric in columns
    )
    spans = _goal_spans(rows)
    body = []
    for index, row in enumerate(rows):
        colour = _row_colour(row)
        attributes = f' bgcolor="{colour}"' if colour else ""
        bold = row.kind in (ROW_GOAL_TOTAL, ROW_GRANT_TOTAL, ROW_TOTAL)
        cells = []
        for column_index, (_header, _width, cell, numeric) in enumerate(columns):
            if column_index == 0:
                span = spans.get(index)
                if span is None:
                    continue  # covered by the goal cell above
                content = _text(row.goal_label)
                cells.append(f'<td rowspan="{span}">{content}</td>')
                continue
            content = cell(row)
            if bold and content:
                content = f"<b>{content}</b>"
            align = ' align="right"' if numeric else ""
            cells.append(f"<td{align}{attributes}>{content}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<table width="100%" border="1" cellspacing="0" cellpadding="3" '
        'style="border-collapse: collapse; border-color: #808080;">'
        f"<thead><tr>{head}</tr></thead>{''.join(body)}</table>"
    )


def _goal_spans(rows: list[ReportRow]) -> dict[int, int]:
    """Row index → rowspan of its goal cell; rows inside a span have no entry."""
    spans: dict[int, int] = {}
    start = None
    for index, row in enumerate(rows):
        if start is not None and rows[start].goal_label == row.goal_label and row.goal_label:
            spans[start] += 1
            continue
        start = index
        spans[index] = 1
    return spans


def report_html(
    report: Report,
    official_rows: list[OfficialDifference] | None = None,
    *,
    font_family: str = "IPAexGothic",
) -> str:
    parts = [
        "<html><head><meta charset='utf-8'/></head>",
        f"<body style=\"font-family: '{escape(font_family)}'; font-size: 7.5pt;\">",
        f'<p style="font-size: 13pt;"><b>{escape(report.title)}</b></p>',
        f"<p>{escape(report.municipality)}　作成日 {japanese_date(report.created_on)}　"
        f"評価指標: {escape(report.catalog_name)}</p>",
    ]
    for note in report.notes:
        parts.append(f'<p style="font-size: 7pt;">※ {escape(note)}</p>')
    legend = (
        f'<span style="background-color: {ESTIMATE_COLOUR};">　見込み（国が算定）　</span>　'
        f'<span style="background-color: {OFFICIAL_COLOUR};">　国による評価結果　</span>'
    )
    parts.append(f'<p style="font-size: 7pt;">{legend}</p>')
    for index, table in enumerate(report.grants):
        style = ' style="page-break-before: always;"' if index else ""
        parts.append(
            f'<p{style}><b style="font-size: 10pt;">{escape(table.name)}（{escape(table.short_label)}）</b></p>'
        )
        parts.append(_table(report, list(table.rows)))
    parts.append('<p><b style="font-size: 10pt;">合計</b></p>')
    parts.append(_table(report, [report.total, *report.frames]))
    parts.append(_gaps_html(report))
    if official_rows:
        parts.append(_official_html(official_rows))
    parts.append("</body></html>")
    return "".join(parts)


def _gaps_html(report: Report) -> str:
    head = "".join(
        f'<th bgcolor="{HEADER_COLOUR}" width="{width}">{header}</th>'
        for header, width in (
            ("順位", "3%"),
            ("区分", "16%"),
            ("減点に関する項目", "37%"),
            ("加点", "4%"),
            ("全国<br/>該当率", "5%"),
            ("指標群の得点率<br/>現在 → 達成後", "10%"),
            ("自己評価合計<br/>現在 → 達成後", "9%"),
            ("備考", "16%"),
        )
    )
    rows = []
    for rank, gap in enumerate(report.gaps, start=1):
        rate = "" if gap.national_rate_pct is None else f"{gap.national_rate_pct:.1f}%"
        text = _text(gap.lost.text)
        if gap.high_share:
            text = f"<b>{text}</b>"
        rows.append(
            "<tr>"
            f'<td align="right">{rank}</td><td>{_text(gap.reference)}</td><td>{text}</td>'
            f'<td align="right">+{gap.gain}</td><td align="right">{rate}</td>'
            f'<td align="right">{fmt_rate(gap.group_rate_before)} → {fmt_rate(gap.group_rate_after)}</td>'
            f'<td align="right">{gap.total_before} → {gap.total_after}</td>'
            f"<td>{_text(gap.note)}</td>"
            "</tr>"
        )
    if not rows:
        rows.append('<tr><td colspan="8">未該当の小項目はありません。</td></tr>')
    shown = len(report.gaps)
    return (
        '<p style="page-break-before: always;"><b style="font-size: 10pt;">'
        "伸びしろ（未該当の小項目）</b></p>"
        f'<p style="font-size: 7pt;">未該当の小項目 {report.gap_count}件のうち上位 {shown}件。'
        "全国該当率 60% 以上の項目（全国の多くが該当しているのに当市町村は未該当）を先に、加点の大きい順。</p>"
        '<table width="100%" border="1" cellspacing="0" cellpadding="3" '
        'style="border-collapse: collapse; border-color: #808080;">'
        f"<thead><tr>{head}</tr></thead>{''.join(rows)}</table>"
    )


def _official_html(rows: list[OfficialDifference]) -> str:
    body = []
    for row in rows:
        colour = f' bgcolor="{DIFFERENCE_COLOUR}"' if row.difference != 0 else ""
        title = escape(row.title) + ("" if row.entered else "（入力値の合計）")
        body.append(
            f"<tr><td{colour}>{title}</td><td align='right'{colour}>{row.max_points}</td>"
            f"<td align='right'{colour}>{fmt_points(row.self_points)}</td>"
            f"<td align='right'{colour}>{fmt_points(row.official_points)}</td>"
            f"<td align='right'{colour}>{fmt_signed(row.difference)}</td></tr>"
        )
    return (
        '<p style="page-break-before: always;"><b style="font-size: 10pt;">'
        "国による評価結果と自己評価の比較</b></p>"
        '<table width="100%" border="1" cellspacing="0" cellpadding="3" '
        'style="border-collapse: collapse; border-color: #808080;">'
        f'<thead><tr><th bgcolor="{HEADER_COLOUR}" width="60%">区分</th>'
        f'<th bgcolor="{HEADER_COLOUR}">配点</th><th bgcolor="{HEADER_COLOUR}">自己評価（見込みを含む）</th>'
        f'<th bgcolor="{HEADER_COLOUR}">国による評価結果</th><th bgcolor="{HEADER_COLOUR}">差（国-自己）</th>'
        f"</tr></thead>{''.join(body)}</table>"
    )
