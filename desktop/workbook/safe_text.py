"""User text into cells: always a string, never a formula, never a character Excel rejects.

A memo that starts with ``=``, ``+``, ``-`` or ``@`` would be run as a formula by
Excel or LibreOffice if it were stored as one (formula injection). We store every
piece of user text as a string cell (``data_type = "s"``) and also set the
「文字列として扱う」 flag (quotePrefix), so that editing the cell in Excel keeps it text.
"""

from __future__ import annotations

import re

from openpyxl.cell.cell import Cell

# What openpyxl refuses (IllegalCharacterError): C0 controls other than tab, LF and CR.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_STARTS = ("=", "+", "-", "@")
MAX_CELL_CHARS = 32767  # Excel's limit for one cell


def clean(value: object) -> str:
    """The text as it will be stored: line breaks as LF, no control characters."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ILLEGAL.sub("", text)
    return text[:MAX_CELL_CHARS]


def write_text(cell: Cell, value: object) -> Cell:
    """Store ``value`` as literal text (empty text leaves the cell empty)."""
    text = clean(value)
    if not text:
        cell.value = None
        return cell
    cell.value = text
    # Assigning a string that starts with "=" makes openpyxl mark it as a formula;
    # force it back to a plain string cell.
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def write_number(cell: Cell, value: int | float | None, number_format: str) -> Cell:
    """Numbers stay numbers (so Excel can sum them), with an explicit display format."""
    if value is None:
        cell.value = None
        return cell
    cell.value = value
    cell.number_format = number_format
    return cell
