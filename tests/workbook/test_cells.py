"""Cell-level helpers: literal text, and drop-downs that respect Excel's list limits."""

from __future__ import annotations

import openpyxl
import pytest

from desktop.catalog.model import CHOICE, Item, Option
from desktop.workbook.layout import ROW_ITEM, SHEET_CHOICES
from desktop.workbook.safe_text import clean, write_text
from desktop.workbook.validation import LIST_LITERAL_LIMIT, AnswerValidations


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-1", "@SUM(A1)", '=HYPERLINK("http://example.invalid","x")']
)
def test_formula_like_text_is_stored_as_text(tmp_path, text):
    workbook = openpyxl.Workbook()
    write_text(workbook.active["A1"], text)
    workbook.save(tmp_path / "t.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "t.xlsx").active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_plain_text_has_no_quote_prefix_and_empty_text_leaves_the_cell_empty():
    sheet = openpyxl.Workbook().active
    assert write_text(sheet["A1"], "該当").quotePrefix is False
    assert write_text(sheet["A2"], "").value is None
    assert write_text(sheet["A3"], None).value is None


def test_clean_strips_what_openpyxl_refuses():
    assert clean("a\x00b\x07c\td\r\ne\rf\x1f") == "abc\td\ne\nf"
    assert len(clean("あ" * 40000)) == 32767


def _choice_item(labels: list[str]) -> Item:
    options = tuple(Option(label=label, points=1) for label in labels)
    return Item(id="x.y.z", label="ア", rule=CHOICE, points=1, options=options)


def test_long_or_comma_lists_go_to_a_hidden_choices_sheet(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "回答"
    validations = AnswerValidations(workbook)
    long_labels = [f"選択肢{n:03d}" for n in range(40)]
    assert len(",".join(long_labels)) > LIST_LITERAL_LIMIT
    validations.add(sheet, "G5", _choice_item(long_labels), ROW_ITEM)
    validations.add(sheet, "G6", _choice_item(["1,000人以上", "それ未満"]), ROW_ITEM)
    validations.add(sheet, "G7", _choice_item(["ア", "イ"]), ROW_ITEM)
    validations.finish(sheet)
    workbook.save(tmp_path / "v.xlsx")
    reloaded = openpyxl.load_workbook(tmp_path / "v.xlsx")
    rules = {str(dv.sqref): dv.formula1 for dv in reloaded["回答"].data_validations.dataValidation}
    assert rules["G7"] == '"なし,ア,イ"'
    assert rules["G5"] == f"'{SHEET_CHOICES}'!$A$1:$A${len(long_labels) + 1}"
    assert rules["G6"] == f"'{SHEET_CHOICES}'!$B$1:$B$3"
    choices = reloaded[SHEET_CHOICES]
    assert choices.sheet_state == "veryHidden"
    assert [choices.cell(row=r, column=2).value for r in range(1, 4)] == [
        "なし",
        "1,000人以上",
        "それ未満",
    ]
