"""The one error of the national results: a Japanese message that says what and where."""

from __future__ import annotations


class NationalFileError(Exception):
    """The workbook (or a stored dataset) cannot be used; nothing was stored."""


def column_name(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def cell_name(row: int, column: int) -> str:
    """0-based row and column → 「AB12」."""
    return f"{column_name(column)}{row + 1}"
