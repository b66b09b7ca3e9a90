"""The submission workbook: sheets, rows, figures, text safety and print set-up."""

from __future__ import annotations

import openpyxl
import pytest

from desktop.workbook.layout import COL, COLUMNS, FIRST_DATA_ROW, HEADER_ROW, SHEET_MANIFEST


def _sheet_rows(sheet):
    return list(sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True))


def test_sheets_in_order_with_manifest_very_hidden_and_protected(exported):
    workbook = openpyxl.load_workbook(exported)
    assert workbook.sheetnames == [
        "表紙",
        "推進交付金",
        "努力支援交付金",
        "目標Ⅳ（両交付金共通）",
        "成果指向配分枠（別枠）",
        "集計",
        SHEET_MANIFEST,
    ]
    assert all(len(name) <= 31 for name in workbook.sheetnames)
    manifest = workbook[SHEET_MANIFEST]
    assert manifest.sheet_state == "veryHidden"
    assert manifest.protection.sheet is True
    assert all(workbook[name].sheet_state == "visible" for name in workbook.sheetnames[:-1])


def test_manifest_records_catalog_evaluation_and_every_row(filled, exported, wb):
    manifest = wb.manifest(exported)
    assert manifest.catalog_id == "municipal-r8"
    assert manifest.catalog_hash == filled.catalog.content_hash
    assert manifest.catalog_revision == filled.catalog.revision
    assert manifest.evaluation_id == filled.evaluation_id
    assert manifest.municipality == "北塩原村"
    assert manifest.fiscal_year == 2026
    assert manifest.exported_by == "テスト担当"
    assert manifest.audit_high_water == filled.store.history(newest_first=True, limit=1)[0].id
    targets = {row.target for row in manifest.rows}
    for item in filled.catalog.all_items():
        assert item.id in targets
        for part in item.parts:
            assert part.id in targets
    assert filled.catalog.common.groups[0].indicators[0].id in targets


def test_header_and_columns(exported):
    sheet = openpyxl.load_workbook(exported)["推進交付金"]
    header = [sheet.cell(row=HEADER_ROW, column=c).value for c in range(1, len(COLUMNS) + 1)]
    assert header == list(COLUMNS)
    for name in (
        "目標",
        "指標群",
        "番号",
        "小項目",
        "内容",
        "回答",
        "配点",
        "得点",
        "根拠資料",
        "担当課",
        "備考",
        "参考・注記",
    ):
        assert name in header


def test_common_goal_only_on_its_own_sheet(exported):
    workbook = openpyxl.load_workbook(exported)
    for title in ("推進交付金", "努力支援交付金"):
        goals = {row[COL["目標"] - 1] for row in _sheet_rows(workbook[title])}
        assert goals == {"目標Ⅰ", "目標Ⅱ", "目標Ⅲ"}
    common_goals = {row[COL["目標"] - 1] for row in _sheet_rows(workbook["目標Ⅳ（両交付金共通）"])}
    assert common_goals == {"目標Ⅳ"}


def test_answers_points_and_indicator_subtotals(filled, exported, wb):
    workbook = openpyxl.load_workbook(exported)
    tree = filled.score()
    sheet_name, row = wb.row_of(exported, "suishin.I.process.features.a")
    sheet = workbook[sheet_name]
    assert sheet.cell(row=row, column=COL["回答"]).value == "該当"
    assert sheet.cell(row=row, column=COL["得点"]).value == 4
    assert sheet.cell(row=row, column=COL["得点"]).data_type == "n"
    _, row_b = wb.row_of(exported, "suishin.I.process.features.b")
    assert sheet.cell(row=row_b, column=COL["回答"]).value == "非該当"
    _, row_c = wb.row_of(exported, "suishin.I.process.features.c")
    assert sheet.cell(row=row_c, column=COL["回答"]).value is None  # 未回答
    _, head = wb.row_of(exported, "suishin.I.process.features")
    assert (
        sheet.cell(row=head, column=COL["得点"]).value
        == tree.node("suishin.I.process.features").points
    )
    assert sheet.cell(row=head, column=COL["配点"]).value == 16
    # the indicator's title is on its own row, in the same column as the sub-items' wording
    assert sheet.cell(row=head, column=COL["内容"]).value.startswith("地域の介護保険事業")


def test_state_scored_answer_is_clean_and_marked_as_estimate(filled, exported, wb):
    workbook = openpyxl.load_workbook(exported)
    sheet_name, row = wb.row_of(exported, "suishin.I.activity.score-rank.tier")
    sheet = workbook[sheet_name]
    node = filled.score().node("suishin.I.activity.score-rank.tier")
    assert sheet.cell(row=row, column=COL["回答"]).value == "イ"
    assert sheet.cell(row=row, column=COL["得点"]).value == 0  # never 自己評価
    assert sheet.cell(row=row, column=COL["見込み"]).value == node.projected_points > 0
    assert "見込み" in sheet.cell(row=row, column=COL["参考・注記"]).value


def test_all_of_item_has_a_row_per_part(exported, wb):
    workbook = openpyxl.load_workbook(exported)
    sheet_name, item_row = wb.row_of(exported, "suishin.II.process.optimization-programs.a")
    sheet = workbook[sheet_name]
    labels = [sheet.cell(row=item_row + i, column=COL["小項目"]).value for i in range(4)]
    assert labels == ["ア", "ア①", "ア②", "ア③"]
    assert sheet.cell(row=item_row + 1, column=COL["回答"]).value == "該当"
    assert sheet.cell(row=item_row + 2, column=COL["回答"]).value is None


def test_hint_is_in_its_own_grey_column_never_in_the_wording(filled, exported, wb):
    item = filled.catalog.item("suishin.II.process.optimization-programs.a")
    assert not item.wording and item.hint
    workbook = openpyxl.load_workbook(exported)
    sheet_name, row = wb.row_of(exported, item.id)
    sheet = workbook[sheet_name]
    assert not sheet.cell(row=row, column=COL["内容"]).value  # no official wording known
    remark = sheet.cell(row=row, column=COL["参考・注記"])
    assert f"〔参考〕{item.hint}" in remark.value.split("\n")
    assert remark.font.color.rgb.endswith("555555")
    assert sheet.cell(row=row, column=COL["内容"]).font.color is None or not str(
        sheet.cell(row=row, column=COL["内容"]).font.color.rgb
    ).endswith("555555")


def test_user_wording_is_used_when_there_is_no_official_one(filled, tmp_path, wb):
    from desktop.workbook.submission import export_submission

    filled.store.set_wording(filled.evaluation_id, "suishin.I.process.features.a", "独自の文言")
    path = export_submission(filled, tmp_path / "w.xlsx")
    sheet_name, row = wb.row_of(path, "suishin.I.process.features.a")
    assert (
        openpyxl.load_workbook(path)[sheet_name].cell(row=row, column=COL["内容"]).value
        == "〔要旨〕独自の文言"
    )


def test_memo_formula_injection_stays_literal_text(exported, wb):
    workbook = openpyxl.load_workbook(exported)  # data_only=False: a formula would read as "f"
    sheet_name, row = wb.row_of(exported, "suishin.I.process.features")
    cell = workbook[sheet_name].cell(row=row, column=COL["備考"])
    assert cell.value == wb.MEMO_INJECTION
    assert cell.data_type == "s"
    assert cell.quotePrefix is True
    evidence = workbook[sheet_name].cell(row=row, column=COL["根拠資料"])
    assert evidence.value == "介護保険事業計画 p.12" and evidence.data_type == "s"
    assert workbook[sheet_name].cell(row=row, column=COL["担当課"]).value == "介護保険課"


@pytest.mark.parametrize("text", ["+SUM(A1:A2)", "-1+2", "@cmd", "=1+1"])
def test_every_formula_prefix_is_written_as_text(filled, tmp_path, wb, text):
    from desktop.workbook.submission import export_submission

    filled.note("shien.I.process.data-issues", memo=text, evidence=text)
    path = export_submission(filled, tmp_path / "f.xlsx")
    sheet_name, row = wb.row_of(path, "shien.I.process.data-issues")
    sheet = openpyxl.load_workbook(path)[sheet_name]
    for column in ("備考", "根拠資料"):
        cell = sheet.cell(row=row, column=COL[column])
        assert (cell.value, cell.data_type) == (text, "s")


def test_control_characters_are_removed_not_fatal(filled, tmp_path, wb):
    from desktop.workbook.submission import export_submission

    filled.note("shien.I.process.data-issues", memo="前\x01後\x0bです\r\n次の行")
    path = export_submission(filled, tmp_path / "c.xlsx")
    sheet_name, row = wb.row_of(path, "shien.I.process.data-issues")
    cell = openpyxl.load_workbook(path)[sheet_name].cell(row=row, column=COL["備考"])
    assert cell.value == "前後です\n次の行"


def test_cover_shows_who_what_and_totals(filled, exported):
    sheet = openpyxl.load_workbook(exported)["表紙"]
    facts = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(3, 11)
    }
    assert facts["市町村名"] == "北塩原村"
    assert facts["市町村コード"] == "073059"
    assert facts["都道府県"] == "福島県"
    assert facts["年度"] == "令和8年度（市町村分）"
    assert facts["担当者"] == "テスト担当"  # the name set for the change history
    assert facts["作成日"].endswith("日") and "年" in facts["作成日"]
    assert facts["未回答の小項目"].endswith("）") and "推進交付金 目標Ⅰ" in facts["未回答の小項目"]
    texts = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    for internal in ("municipal-r8", "第1版", "暫定"):
        assert internal not in texts
    tree = filled.score()
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r[0] == "交付金")
    assert header[3:8] == ["配点", "自己評価", "自己評価の得点率", "見込み", "見込みの得点率"]
    total = next(r for r in rows if str(r[0]).startswith("合計（800点満点）"))
    assert total[3:8] == [
        800,
        tree.root.points,
        pytest.approx(tree.root.rate),
        tree.root.projected_points,
        pytest.approx(tree.root.projected_rate),
    ]
    assert tree.root.projected_points > tree.root.points  # the fixture has estimates
    grant = next(r for r in rows if r[0] == "保険者機能強化推進交付金")
    assert grant[4] == tree.node("suishin").points
    frame = next(r for r in rows if str(r[0]).startswith("成果指向配分枠（別枠"))
    assert frame[3] == 100


def test_summary_has_goals_groups_and_national_averages(filled, exported):
    sheet = openpyxl.load_workbook(exported)["集計"]
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=3)]
    header = [c.value for c in rows[0]]
    assert header == [
        "交付金",
        "目標",
        "指標群",
        "配点",
        "自己評価",
        "自己評価の得点率",
        "見込み",
        "見込みの得点率",
        "全国平均（点）",
        "全国平均の得点率",
    ]
    tree = filled.score()
    group_rows = [r for r in rows[1:] if r[2].value]
    assert len(group_rows) == sum(
        len(goal.children) for grant in tree.grants for goal in grant.children
    )
    first = group_rows[0]
    node = tree.node("suishin.I.process")
    assert first[2].value == "体制・取組指標群"
    assert (first[3].value, first[4].value) == (node.max_points, node.points)
    assert first[5].number_format == "0.0%"
    assert isinstance(first[5].value, float)
    with_average = [
        n for n in tree.index.values() if n.national_avg_points is not None and n.level == "group"
    ]
    if with_average:
        node = with_average[0]
        line = next(
            r
            for r in group_rows
            if r[3].value == node.max_points
            and r[8].value == pytest.approx(node.national_avg_points)
        )
        assert line[9].value == pytest.approx(node.national_avg_rate)


def test_print_setup_fonts_and_frozen_header(exported):
    workbook = openpyxl.load_workbook(exported)
    for name in workbook.sheetnames[:-1]:
        sheet = workbook[name]
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.page_setup.fitToWidth == 1
        assert sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
        fonts = {
            cell.font.name for row in sheet.iter_rows() for cell in row if cell.value is not None
        }
        assert fonts == {"游ゴシック"}
    grant = workbook["推進交付金"]
    assert grant.freeze_panes == f"A{FIRST_DATA_ROW}"
    assert grant.print_title_rows == f"$1:${HEADER_ROW}"
    assert grant.page_setup.orientation == "landscape"
    assert grant.column_dimensions["E"].width > 30  # 内容 is wide and wraps
    assert grant.cell(row=FIRST_DATA_ROW, column=COL["内容"]).alignment.wrap_text


def test_submission_answer_cells_have_dropdowns(exported, wb):
    workbook = openpyxl.load_workbook(exported)
    sheet_name, row = wb.row_of(exported, "suishin.I.process.features.a")
    sheet = workbook[sheet_name]
    coordinate = sheet.cell(row=row, column=COL["回答"]).coordinate
    rules = [dv for dv in sheet.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(rules) == 1 and rules[0].formula1 == '"該当,非該当"'


def test_external_item_is_a_number_with_a_whole_number_rule(filled, tmp_path, wb):
    from desktop.workbook.submission import export_submission

    filled.answer("suishin.outcome-frame.efforts.points", "35")
    path = export_submission(filled, tmp_path / "e.xlsx")
    sheet_name, row = wb.row_of(path, "suishin.outcome-frame.efforts.points")
    assert sheet_name == "成果指向配分枠（別枠）"
    sheet = openpyxl.load_workbook(path)[sheet_name]
    cell = sheet.cell(row=row, column=COL["回答"])
    assert (cell.value, cell.data_type) == (35, "n")
    rules = [dv for dv in sheet.data_validations.dataValidation if cell.coordinate in dv.sqref]
    assert rules[0].type == "whole" and rules[0].formula2 == "100"


def test_export_refuses_a_non_xlsx_name_and_leaves_no_file(filled, tmp_path):
    from desktop.workbook.submission import ExportError, export_submission

    with pytest.raises(ExportError, match=r"\.xlsx"):
        export_submission(filled, tmp_path / "out.csv")
    assert list(tmp_path.glob("out*")) == []
    assert list(tmp_path.glob(".hyoka-*")) == []


def test_cover_leaves_the_person_blank_rather_than_the_os_login(filled, tmp_path, monkeypatch):
    import getpass

    from desktop.workbook.submission import export_submission, responsible_person

    assert responsible_person(getpass.getuser()) == ""
    assert responsible_person("介護 花子") == "介護 花子"
    filled.store.user = getpass.getuser()  # nothing set in the app: the OS login name
    sheet = openpyxl.load_workbook(export_submission(filled, tmp_path / "p.xlsx"))["表紙"]
    facts = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(3, 12)}
    assert facts["担当者"] in (None, "")


def test_unanswered_sub_items_are_counted_by_goal_and_marked(filled, exported, wb):
    from desktop.workbook.layout import build_rows, sheet_plans
    from desktop.workbook.submission import unanswered_items

    found = unanswered_items(filled)
    # every self-assessed sub-item or part without an answer, no state-scored estimate
    expected = 0
    tree = filled.score()
    for plan in sheet_plans(filled.catalog):
        for row in build_rows(plan, tree, {}, {}):
            expected += row.unanswered
    assert found.count == expected > 0
    goals = dict(found.by_goal)
    assert goals["推進交付金 目標Ⅰ"] >= 2  # features.c and .d at least
    assert "件（推進交付金 目標Ⅰ" in found.summary()
    workbook = openpyxl.load_workbook(exported)
    sheet_name, row = wb.row_of(exported, "suishin.I.process.features.c")
    sheet = workbook[sheet_name]
    answer = sheet.cell(row=row, column=COL["回答"])
    assert answer.value is None and answer.fill.start_color.rgb.endswith("F8CBAD")
    assert sheet.cell(row=row, column=COL["参考・注記"]).value.startswith("未回答")
    _, answered = wb.row_of(exported, "suishin.I.process.features.a")
    assert not sheet.cell(row=answered, column=COL["回答"]).fill.start_color.rgb.endswith("F8CBAD")
    assert not (sheet.cell(row=answered, column=COL["参考・注記"]).value or "").startswith("未回答")


def test_rows_are_tall_enough_for_their_wrapped_text(exported):
    from desktop.workbook.text_fit import row_height, wrapped_lines

    sheet = openpyxl.load_workbook(exported)["推進交付金"]
    checked = 0
    for row in sheet.iter_rows(min_row=HEADER_ROW, max_row=sheet.max_row):
        for cell in row:
            if (isinstance(cell.value, str) and "\n" in cell.value) or (
                isinstance(cell.value, str) and len(cell.value) > 20
            ):
                width = sheet.column_dimensions[cell.column_letter].width
                lines = wrapped_lines(cell.value, width, cell.font.sz)
                assert sheet.row_dimensions[cell.row].height >= row_height(lines, cell.font.sz)
                checked += 1
    assert checked > 20


def test_every_sheet_prints_at_9pt_or_more_and_goals_start_new_pages(exported):
    from desktop.workbook import styles

    workbook = openpyxl.load_workbook(exported)
    for name in workbook.sheetnames[:-1]:
        sheet = workbook[name]
        widths = [
            sheet.column_dimensions[letter].width
            for letter in "ABCDEFGHIJKLM"
            if sheet.column_dimensions[letter].width and sheet[f"{letter}3"].value is not None
        ]
        scale = styles.print_scale(widths, sheet.page_setup.orientation)
        smallest = min(
            cell.font.sz for row in sheet.iter_rows() for cell in row if cell.value is not None
        )
        assert smallest * scale >= 9, (name, smallest, scale)
    grant = workbook["推進交付金"]
    breaks = {brk.id + 1 for brk in grant.row_breaks.brk}
    goal_starts = []
    previous = None
    for row in range(FIRST_DATA_ROW, grant.max_row + 1):
        goal = grant.cell(row=row, column=COL["目標"]).value
        if previous is not None and goal != previous:
            goal_starts.append(row)
        previous = goal
    assert goal_starts and set(goal_starts) <= breaks
    # a break falls inside an indicator only when the indicator is taller than a page
    from desktop.workbook.sheets import ORIENTATION, PAGE_SAFETY

    def height(row):
        return grant.row_dimensions[row].height

    room = styles.printable_height_pt(ORIENTATION) * PAGE_SAFETY - sum(
        height(r) for r in range(1, HEADER_ROW + 1)
    )
    starts = [
        r for r in range(FIRST_DATA_ROW, grant.max_row + 1) if grant.cell(r, COL["内容"]).font.b
    ]
    inside = 0
    for row in breaks:
        if row in starts:
            continue
        first = max(r for r in starts if r < row)
        last = min([r for r in starts if r > row] or [grant.max_row + 1]) - 1
        assert sum(height(r) for r in range(first, last + 1)) > room, row
        inside += 1
    assert inside < len(breaks) / 2


def test_workbook_fonts_are_windows_japanese_ones_never_the_bundled_one(exported):
    import zipfile

    with zipfile.ZipFile(exported) as package:
        styles_xml = package.read("xl/styles.xml").decode("utf-8")
        theme = package.read("xl/theme/theme1.xml").decode("utf-8")
    assert 'name val="游ゴシック"' in styles_xml and 'charset val="128"' in styles_xml
    assert "IPAex" not in styles_xml
    # the theme's Japanese font, Excel's fallback: ＭＳ Ｐゴシック
    assert 'script="Jpan" typeface="ＭＳ Ｐゴシック"' in theme or (
        'script="Jpan" typeface="&#xFF2D;&#xFF33; &#xFF30;' in theme
    )
