"""The report workbook, read back with openpyxl: figures are numbers, user text is text."""

from __future__ import annotations

import openpyxl
import pytest

from desktop.report.model import ROW_GROUP, build_report
from desktop.report.official import compare
from desktop.report.xlsx import (
    GAPS_SHEET,
    IDS_SHEET,
    MAIN_SHEET,
    OFFICIAL_SHEET,
    ReportWriteError,
    save_report_xlsx,
)


def write(session, path):
    report = build_report(session)
    rows = compare(
        session.catalog, session.score(), session.store.official_results(session.evaluation_id)
    )
    save_report_xlsx(report, path, rows)
    return report, openpyxl.load_workbook(path)


def header_columns(sheet) -> tuple[int, dict[str, int]]:
    for row in sheet.iter_rows(min_row=1, max_row=20):
        if row[0].value == "目標":
            return row[0].row, {cell.value: cell.column for cell in row if cell.value}
    raise AssertionError("header row not found")


def rows_by_node(workbook, sheet_name=MAIN_SHEET) -> dict[tuple[str, str, str], int]:
    """(kind, node id, grant) → row number, from the hidden id sheet."""
    ids = workbook[IDS_SHEET]
    found = {}
    for sheet, row, kind, node_id, grant in ids.iter_rows(min_row=2, values_only=True):
        if sheet == sheet_name:
            found[(kind, node_id, grant or "")] = row
    return found


def test_figures_are_number_cells_matching_the_report(mixed_r8, tmp_path):
    report, workbook = write(mixed_r8, tmp_path / "評価結果.xlsx")
    sheet = workbook[MAIN_SHEET]
    _header, columns = header_columns(sheet)
    positions = rows_by_node(workbook)
    checked = 0
    for table in report.grants:
        for row in table.rows:
            line = positions[(row.kind, row.node_id, table.grant_id)]
            max_cell = sheet.cell(line, columns["配点"])
            points_cell = sheet.cell(line, columns["得点"])
            rate_cell = sheet.cell(line, columns["得点率"])
            national_cell = sheet.cell(line, columns["全国平均得点率"])
            assert max_cell.data_type == "n" and max_cell.value == row.max_points
            assert points_cell.data_type == "n" and points_cell.value == row.points
            assert rate_cell.data_type == "n"
            assert rate_cell.value == pytest.approx(row.points / row.max_points)
            assert rate_cell.number_format == "0.0%"
            assert national_cell.data_type == "n"
            assert national_cell.value == pytest.approx(row.national_avg_rate)
            assert national_cell.number_format == "0.0%"
            checked += 1
    assert checked == 2 * (7 + 4 + 1)  # groups, goal totals, grant total per grant
    total_line = positions[("total", "total", "")]
    assert sheet.cell(total_line, columns["配点"]).value == 800
    assert sheet.cell(total_line, columns["得点"]).value == report.total.points


def test_lost_items_and_planned_response_are_text_cells(mixed_r8, tmp_path, planned_texts):
    report, workbook = write(mixed_r8, tmp_path / "評価結果.xlsx")
    sheet = workbook[MAIN_SHEET]
    _header, columns = header_columns(sheet)
    positions = rows_by_node(workbook)
    line = positions[(ROW_GROUP, "shien.II.process", "shien")]
    planned = sheet.cell(line, columns["今後の対応"])
    assert planned.data_type == "s"
    assert planned.value == planned_texts["shien.II.process"]  # not turned into a formula
    lost = sheet.cell(line, columns["主な減点に関する項目"])
    assert lost.data_type == "s"
    group = report.row(ROW_GROUP, "shien.II.process")
    assert lost.value == group.lost_summary and lost.value.startswith("減点 ")
    # each indicator with lost points has its own row under the group: title, then items
    indicator_rows = [
        row for (kind, _node, grant), row in positions.items() if kind == "indicator"
    ]
    below = sorted(r for r in indicator_rows if r > line)[: len(group.lost_blocks)]
    texts = [sheet.cell(r, columns["主な減点に関する項目"]).value for r in below]
    heading, items = group.lost_blocks[0]
    assert texts[0].split("\n")[0] == heading
    assert all(f"・{item.line}" in texts[0] for item in items)
    assert any("ウ 〔参考〕受診を勧めた人が実際に受診したか" in t and "（5点）" in t for t in texts)
    line = positions[(ROW_GROUP, "suishin.I.process", "suishin")]
    assert sheet.cell(line, columns["今後の対応"]).value == planned_texts["suishin.I.process"]


def test_print_setup_is_a4_landscape_with_repeated_header(mixed_r8, tmp_path):
    _report, workbook = write(mixed_r8, tmp_path / "評価結果.xlsx")
    sheet = workbook[MAIN_SHEET]
    header, _columns = header_columns(sheet)
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.fitToWidth) == 1
    assert sheet.print_title_rows.replace("$", "") == f"{header}:{header}"
    assert "&P" in sheet.oddFooter.center.text
    assert workbook[IDS_SHEET].sheet_state == "veryHidden"
    normal = next(style for style in workbook._named_styles if style.name == "Normal")
    assert (normal.font.name, normal.font.charset) == ("游ゴシック", 128)
    assert len(sheet.row_breaks.brk) == 1  # 支援 starts on a new page


def test_gap_sheet_lists_ranked_gaps_as_numbers(mixed_r8, tmp_path):
    report, workbook = write(mixed_r8, tmp_path / "評価結果.xlsx")
    sheet = workbook[GAPS_SHEET]
    first = report.gaps[0]
    assert sheet.cell(4, 1).value == 1
    assert sheet.cell(4, 6).value == "未設定"  # 実現性: nobody has marked it yet
    assert sheet.cell(4, 7).value == first.gain and sheet.cell(4, 7).data_type == "n"
    assert sheet.cell(4, 8).value == pytest.approx(first.national_rate_pct / 100)
    assert sheet.cell(4, 8).number_format == "0.0%"
    assert sheet.cell(4, 3).value == first.indicator_title
    assert sheet.cell(4, 4).value == first.lost.line
    assert sheet.cell(4, 9).value == ("★" if first.high_share else "")
    assert "本村は未該当" in sheet.cell(2, 1).value  # said once, for 北塩原村
    ids = rows_by_node(workbook, GAPS_SHEET)
    assert ids[("gap", first.item_id, first.grant)] == 4


def test_official_results_add_columns_and_a_comparison_sheet(mixed_r8, tmp_path):
    mixed_r8.store.set_official_results(mixed_r8.evaluation_id, {"suishin.I.activity": 12.0})
    _report, workbook = write(mixed_r8, tmp_path / "評価結果.xlsx")
    sheet = workbook[MAIN_SHEET]
    _header, columns = header_columns(sheet)
    line = rows_by_node(workbook)[(ROW_GROUP, "suishin.I.activity", "suishin")]
    assert sheet.cell(line, columns["得点"]).value == 12
    assert sheet.cell(line, columns["自己評価"]).value == 6
    assert sheet.cell(line, columns["差（国−自己）"]).value == 6
    assert sheet.cell(line, columns["差（国−自己）"]).data_type == "n"
    assert "国による評価結果" in sheet.cell(line, columns["備考"]).value
    comparison = workbook[OFFICIAL_SHEET]
    values = [[cell.value for cell in row] for row in comparison.iter_rows(min_row=3)]
    assert ["推進 目標Ⅰ 活動指標群", 36, 6, 12, 6] in values


def test_a_failed_save_leaves_the_old_file_untouched(mixed_r8, tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "評価結果.xlsx"
    target.write_bytes(b"old report")

    def refuse(src, dst):
        raise PermissionError(13, "in use")

    monkeypatch.setattr("desktop.safe_save.os.replace", refuse)
    with pytest.raises(ReportWriteError, match="閉じてから"):
        save_report_xlsx(build_report(mixed_r8), target)
    assert target.read_bytes() == b"old report"
    assert [p.name for p in folder.iterdir()] == ["評価結果.xlsx"]  # no temporary left
