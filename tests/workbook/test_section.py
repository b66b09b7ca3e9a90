"""Section workbooks: only the section's indicators, protected, drop-downs, reimport."""

from __future__ import annotations

import openpyxl
import pytest

from desktop.workbook.importer import apply, preview_import
from desktop.workbook.layout import COL, ROW_INDICATOR, ROW_ITEM, ROW_PART
from desktop.workbook.section import export_section, sections_in_use
from desktop.workbook.submission import ExportError


@pytest.fixture
def care_book(filled, tmp_path, wb):
    return export_section(filled, wb.SECTION_CARE, tmp_path / "介護保険課.xlsx")


def test_sections_in_use(filled, wb):
    assert sections_in_use(filled) == sorted([wb.SECTION_CARE, wb.SECTION_HEALTH])


def test_only_the_sections_indicators_are_listed(filled, care_book, wb):
    manifest = wb.manifest(care_book)
    assert manifest.kind == "section" and manifest.section == wb.SECTION_CARE
    indicators = {row.target for row in manifest.rows if row.kind == ROW_INDICATOR}
    assert indicators == set(wb.CARE_INDICATORS)
    workbook = openpyxl.load_workbook(care_book)
    assert workbook.sheetnames == ["表紙", "推進交付金", "取込用情報"]
    for row in manifest.rows:
        indicator = row.target if row.kind == ROW_INDICATOR else None
        if indicator is None:
            item_id = (
                filled.catalog.part(row.target)[0].id
                if filled.catalog.has_part(row.target)
                else row.target
            )
            indicator = filled.catalog.indicator_of(item_id).id
        assert indicator in wb.CARE_INDICATORS


def test_only_input_cells_are_unlocked_and_sheets_protected(care_book, wb):
    workbook = openpyxl.load_workbook(care_book)
    assert workbook.security.lockStructure
    manifest = wb.manifest(care_book)
    sheet = workbook["推進交付金"]
    assert sheet.protection.sheet is True
    assert workbook["表紙"].protection.sheet is True
    for row in manifest.rows:
        unlocked = {
            name
            for name, column in COL.items()
            if not sheet.cell(row=row.row, column=column).protection.locked
        }
        if row.kind in (ROW_ITEM, ROW_PART):
            assert unlocked == {"回答"}, row
        elif row.kind == ROW_INDICATOR:
            assert unlocked == {"根拠資料", "備考"}, row
        else:
            assert unlocked == set(), row  # the all-of row follows from its parts


def test_answer_cells_have_the_items_allowed_values(filled, care_book, wb):
    from desktop.scoring.answers import allowed_values

    sheet = openpyxl.load_workbook(care_book)["推進交付金"]
    for row in wb.manifest(care_book).rows:
        if row.kind not in (ROW_ITEM, ROW_PART):
            continue
        coordinate = sheet.cell(row=row.row, column=COL["回答"]).coordinate
        rules = [dv for dv in sheet.data_validations.dataValidation if coordinate in dv.sqref]
        assert len(rules) == 1, coordinate
        if row.kind == ROW_PART:
            expected = ["該当", "非該当"]
        else:
            expected = allowed_values(filled.catalog.item(row.target))
        assert rules[0].type == "list"
        assert rules[0].formula1 == '"' + ",".join(expected) + '"'


def test_state_scored_items_are_offered_as_estimates(filled, tmp_path, wb):
    path = export_section(filled, wb.SECTION_HEALTH, tmp_path / "健康.xlsx")
    sheet_name, row = wb.row_of(path, "suishin.I.activity.score-rank.tier")
    sheet = openpyxl.load_workbook(path)[sheet_name]
    assert sheet.cell(row=row, column=COL["回答"]).protection.locked is False
    assert "見込み" in sheet.cell(row=row, column=COL["参考・注記"]).value


def test_section_reimport_changes_only_that_sections_rows(filled, care_book, wb, tmp_path):
    edited = wb.edit(
        care_book,
        tmp_path / "介護保険課_記入済み.xlsx",
        {
            ("suishin.I.process.features.c", "回答"): "該当",
            ("suishin.II.process.optimization-programs.a.p2", "回答"): "非該当",
            ("suishin.I.process.features", "根拠資料"): "第9期計画",
        },
    )
    others_before = {
        k: v
        for k, v in filled.answers().items()
        if not k.startswith(
            ("suishin.I.process.features", "suishin.II.process.optimization-programs")
        )
    }
    preview = preview_import(filled, edited)
    assert preview.ok, [str(p) for p in preview.errors]
    assert {c.target for c in preview.changes} == {
        "suishin.I.process.features.c",
        "suishin.II.process.optimization-programs.a.p2",
        "suishin.I.process.features",
    }
    apply(preview, {})
    answers = filled.answers()
    assert answers["suishin.I.process.features.c"] == "該当"
    assert answers["suishin.II.process.optimization-programs.a.p2"] == "非該当"
    assert {k: v for k, v in answers.items() if k in others_before} == others_before


def test_unknown_section_is_refused(filled, tmp_path):
    with pytest.raises(ExportError, match="総務課"):
        export_section(filled, "総務課", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
