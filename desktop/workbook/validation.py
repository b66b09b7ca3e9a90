"""Drop-down lists (data validation) on the answer cells.

Excel limits a literal list (``"該当,非該当"``) to 255 characters and splits it at
commas, so a list that is too long or has a comma in a label goes to a very hidden
「選択肢」 sheet and the validation refers to its cells instead. External items (a
number of points) get a whole-number rule instead of a list.
"""

from __future__ import annotations

from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from desktop.catalog.model import EXTERNAL, MET, NOT_MET, Item
from desktop.scoring.answers import allowed_values
from desktop.workbook.layout import ROW_PART, SHEET_CHOICES
from desktop.workbook.safe_text import write_text

LIST_LITERAL_LIMIT = 255


def answer_values(item: Item, kind: str) -> list[str]:
    """The values the 回答 cell of a row accepts (empty = 未回答 is always allowed)."""
    if kind == ROW_PART:
        return [MET, NOT_MET]
    return allowed_values(item)


class AnswerValidations:
    """Collects answer cells per distinct rule and adds one validation per rule to a sheet."""

    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self._choices_sheet: Worksheet | None = None
        self._choice_ranges: dict[tuple[str, ...], str] = {}
        self._pending: dict[str, dict[tuple[str, ...], list[str]]] = {}  # sheet → rule → cells

    def add(self, sheet: Worksheet, coordinate: str, item: Item, kind: str) -> None:
        rules = self._pending.setdefault(sheet.title, {})
        if item.rule == EXTERNAL and kind != ROW_PART:
            key = ("whole", str(item.points))
        else:
            key = ("list", *answer_values(item, kind))
        rules.setdefault(key, []).append(coordinate)

    def finish(self, sheet: Worksheet) -> None:
        rules = self._pending.pop(sheet.title, {})
        for key, coordinates in rules.items():
            validation = self._validation(key)
            for coordinate in coordinates:
                validation.add(coordinate)
            sheet.add_data_validation(validation)

    def _validation(self, key: tuple[str, ...]) -> DataValidation:
        if key[0] == "whole":
            maximum = key[1]
            return DataValidation(
                type="whole",
                operator="between",
                formula1="0",
                formula2=maximum,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="回答の値",
                error=f"0〜{maximum} の整数を入力してください。",
                promptTitle="回答",
                prompt=f"0〜{maximum} の整数（空欄は未回答）",
                showInputMessage=True,
            )
        values = list(key[1:])
        literal = ",".join(values)
        if len(literal) + 2 > LIST_LITERAL_LIMIT or any("," in v or '"' in v for v in values):
            formula = self._range_for(tuple(values))
        else:
            formula = f'"{literal}"'
        return DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="回答の値",
            error="一覧の値から選んでください（空欄は未回答）。",
            promptTitle="回答",
            prompt=_prompt(values),
            showInputMessage=True,
        )

    def _range_for(self, values: tuple[str, ...]) -> str:
        if values in self._choice_ranges:
            return self._choice_ranges[values]
        if self._choices_sheet is None:
            self._choices_sheet = self.workbook.create_sheet(SHEET_CHOICES)
            self._choices_sheet.sheet_state = "veryHidden"
            self._choices_sheet.protection.sheet = True
        sheet = self._choices_sheet
        column = len(self._choice_ranges) + 1
        for row, value in enumerate(values, start=1):
            write_text(sheet.cell(row=row, column=column), value)
        letter = sheet.cell(row=1, column=column).column_letter
        formula = f"'{SHEET_CHOICES}'!${letter}$1:${letter}${len(values)}"
        self._choice_ranges[values] = formula
        return formula


PROMPT_LIMIT = 255  # Excel refuses a longer input message


def _prompt(values: list[str]) -> str:
    text = "・".join(values) + "（空欄は未回答）"
    return text if len(text) <= PROMPT_LIMIT else "一覧から選んでください（空欄は未回答）"
