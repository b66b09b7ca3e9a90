"""The drop-down lists of the 回答 cells as Excel shows them: values, messages, blanks, limits."""

from __future__ import annotations

import openpyxl
import pytest

from desktop.catalog.model import CHECK, CHOICE, EXTERNAL, MET, NOT_MET, Item, Option
from desktop.workbook.layout import ROW_ITEM, ROW_PART, SHEET_CHOICES
from desktop.workbook.validation import (
    LIST_LITERAL_LIMIT,
    PROMPT_LIMIT,
    AnswerValidations,
    answer_values,
)

NO_CHOICE = "なし"


def _choice(labels, item_id="x.y.choice") -> Item:
    options = tuple(Option(label=label, points=1) for label in labels)
    return Item(id=item_id, label="ア", rule=CHOICE, points=1, options=options)


def _check() -> Item:
    return Item(id="x.y.check", label="イ", rule=CHECK, points=2)


def _external(points: int) -> Item:
    return Item(id="x.y.points", label="ウ", rule=EXTERNAL, points=points)


def _saved(tmp_path, fill) -> openpyxl.Workbook:
    """Add validations with ``fill(validations, sheet)``, save, and read the file back."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "回答"
    validations = AnswerValidations(workbook)
    fill(validations, sheet)
    validations.finish(sheet)
    workbook.save(tmp_path / "v.xlsx")
    return openpyxl.load_workbook(tmp_path / "v.xlsx")


def _rule(workbook, coordinate: str):
    rules = [
        dv for dv in workbook["回答"].data_validations.dataValidation if coordinate in dv.sqref
    ]
    assert len(rules) == 1, rules
    return rules[0]


def test_a_list_rule_says_what_to_pick_and_allows_blank(tmp_path):
    workbook = _saved(tmp_path, lambda v, s: v.add(s, "G5", _check(), ROW_ITEM))
    rule = _rule(workbook, "G5")
    assert (rule.type, rule.formula1) == ("list", '"該当,非該当"')
    assert rule.allow_blank is True  # an empty cell is 未回答, never an error
    assert (rule.showErrorMessage, rule.errorTitle, rule.error) == (
        True,
        "回答の値",
        "一覧の値から選んでください（空欄は未回答）。",
    )
    assert (rule.showInputMessage, rule.promptTitle, rule.prompt) == (
        True,
        "回答",
        "該当・非該当（空欄は未回答）",
    )


def test_a_number_of_points_has_a_whole_number_rule_with_its_range(tmp_path):
    workbook = _saved(tmp_path, lambda v, s: v.add(s, "G5", _external(30), ROW_ITEM))
    rule = _rule(workbook, "G5")
    assert (rule.type, rule.operator, rule.formula1, rule.formula2) == (
        "whole",
        "between",
        "0",
        "30",
    )
    assert rule.allow_blank is True
    assert (rule.showErrorMessage, rule.errorTitle, rule.error) == (
        True,
        "回答の値",
        "0〜30 の整数を入力してください。",
    )
    assert (rule.showInputMessage, rule.promptTitle, rule.prompt) == (
        True,
        "回答",
        "0〜30 の整数（空欄は未回答）",
    )


def test_a_part_row_of_an_external_item_is_a_list_not_a_number(tmp_path):
    assert answer_values(_external(30), ROW_PART) == [MET, NOT_MET]
    workbook = _saved(tmp_path, lambda v, s: v.add(s, "G6", _external(30), ROW_PART))
    assert (_rule(workbook, "G6").type, _rule(workbook, "G6").formula1) == (
        "list",
        '"該当,非該当"',
    )


def test_cells_of_one_rule_share_one_validation_and_other_rules_get_their_own(tmp_path):
    def fill(validations, sheet):
        validations.add(sheet, "G5", _check(), ROW_ITEM)
        validations.add(sheet, "G7", _check(), ROW_ITEM)
        validations.add(sheet, "G8", _external(30), ROW_ITEM)
        validations.add(sheet, "G9", _external(40), ROW_ITEM)

    workbook = _saved(tmp_path, fill)
    rules = workbook["回答"].data_validations.dataValidation
    assert sorted(str(rule.sqref) for rule in rules) == ["G5 G7", "G8", "G9"]
    assert _rule(workbook, "G9").formula2 == "40"


def _labels_of_literal_length(length: int) -> list[str]:
    """Option labels whose list literal (なし + labels, comma-joined) is ``length`` long."""
    return ["選択肢", "あ" * (length - len(f"{NO_CHOICE},選択肢,"))]


@pytest.mark.parametrize(
    ("literal_length", "in_sheet"),
    [(LIST_LITERAL_LIMIT - 2, False), (LIST_LITERAL_LIMIT - 1, True)],
)
def test_a_list_up_to_excel_s_255_characters_stays_literal(tmp_path, literal_length, in_sheet):
    """The formula is the literal in quotes: 253 characters + 2 fit, 254 + 2 do not."""
    labels = _labels_of_literal_length(literal_length)
    literal = ",".join([NO_CHOICE, *labels])
    assert len(literal) == literal_length
    workbook = _saved(tmp_path, lambda v, s: v.add(s, "G5", _choice(labels), ROW_ITEM))
    formula = _rule(workbook, "G5").formula1
    if in_sheet:
        assert formula == f"'{SHEET_CHOICES}'!$A$1:$A${len(labels) + 1}"
        choices = workbook[SHEET_CHOICES]
        assert [choices.cell(row=r, column=1).value for r in range(1, len(labels) + 2)] == [
            NO_CHOICE,
            *labels,
        ]
    else:
        assert formula == f'"{literal}"' and len(formula) == LIST_LITERAL_LIMIT
        assert SHEET_CHOICES not in workbook.sheetnames


def test_a_value_with_a_quote_goes_to_the_choices_sheet(tmp_path):
    workbook = _saved(tmp_path, lambda v, s: v.add(s, "G5", _choice(['「"A"」', "B"]), ROW_ITEM))
    assert _rule(workbook, "G5").formula1 == f"'{SHEET_CHOICES}'!$A$1:$A$3"


def test_the_choices_sheet_is_very_hidden_protected_and_holds_each_list_once(tmp_path):
    long_a = [f"選択肢A{n:03d}" for n in range(40)]
    long_b = [f"選択肢B{n:03d}" for n in range(35)]

    def fill(validations, sheet):
        validations.add(sheet, "G5", _choice(long_a, "x.a"), ROW_ITEM)
        validations.add(sheet, "G6", _choice(long_b, "x.b"), ROW_ITEM)
        validations.add(sheet, "G7", _choice(long_a, "x.c"), ROW_ITEM)  # the same list again

    workbook = _saved(tmp_path, fill)
    choices = workbook[SHEET_CHOICES]
    assert choices.sheet_state == "veryHidden"
    assert choices.protection.sheet is True
    assert choices.max_column == 2  # two distinct lists, one column each
    column_a = [choices.cell(row=r, column=1).value for r in range(1, choices.max_row + 1)]
    column_b = [choices.cell(row=r, column=2).value for r in range(1, len(long_b) + 2)]
    assert column_a == [NO_CHOICE, *long_a]
    assert column_b == [NO_CHOICE, *long_b]
    assert all(choices.cell(row=r, column=c).data_type == "s" for r in (1, 2) for c in (1, 2))
    assert str(_rule(workbook, "G5").sqref) == "G5 G7"
    assert _rule(workbook, "G6").formula1 == f"'{SHEET_CHOICES}'!$B$1:$B${len(long_b) + 1}"


def _labels_of_prompt_length(length: int) -> list[str]:
    suffix = "（空欄は未回答）"
    body = length - len(suffix) - len(NO_CHOICE) - 1  # "なし・" + the label
    return ["あ" * body]


@pytest.mark.parametrize(
    ("prompt_length", "shortened"), [(PROMPT_LIMIT, False), (PROMPT_LIMIT + 1, True)]
)
def test_an_input_message_over_255_characters_is_replaced(tmp_path, prompt_length, shortened):
    labels = _labels_of_prompt_length(prompt_length)
    workbook = _saved(tmp_path, lambda v, s: v.add(s, "G5", _choice(labels), ROW_ITEM))
    prompt = _rule(workbook, "G5").prompt
    if shortened:
        assert prompt == "一覧から選んでください（空欄は未回答）"
    else:
        assert prompt == f"{NO_CHOICE}・{labels[0]}（空欄は未回答）"
        assert len(prompt) == PROMPT_LIMIT


def test_a_sheet_without_answer_cells_gets_no_validation(tmp_path):
    workbook = _saved(tmp_path, lambda v, s: None)
    assert workbook["回答"].data_validations.dataValidation == []
    assert SHEET_CHOICES not in workbook.sheetnames


def test_a_long_list_on_two_sheets_is_written_to_the_choices_sheet_once(tmp_path):
    labels = [f"選択肢{n:03d}" for n in range(40)]
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "回答"
    second = workbook.create_sheet("回答2")
    validations = AnswerValidations(workbook)
    validations.add(first, "G5", _choice(labels), ROW_ITEM)
    validations.finish(first)
    validations.add(second, "G9", _choice(labels), ROW_ITEM)
    validations.finish(second)
    workbook.save(tmp_path / "two.xlsx")
    reloaded = openpyxl.load_workbook(tmp_path / "two.xlsx")
    formula = f"'{SHEET_CHOICES}'!$A$1:$A${len(labels) + 1}"
    assert [dv.formula1 for dv in reloaded["回答"].data_validations.dataValidation] == [formula]
    assert [dv.formula1 for dv in reloaded["回答2"].data_validations.dataValidation] == [formula]
    assert reloaded[SHEET_CHOICES].max_column == 1
