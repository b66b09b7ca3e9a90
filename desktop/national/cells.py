"""What one cell of the national results workbook holds: a score, a 過疎 mark, an
insurer number, a count. Kept apart from the reader, which finds where the cells are.
"""

from __future__ import annotations

from desktop.national.errors import NationalFileError, cell_name, column_name
from desktop.national.text import is_number, norm


def int_or_none(value) -> int | None:
    if is_number(value):
        return int(value)
    text = norm(value)
    return int(text) if text.isdigit() else None


def insurer_code(value) -> str | None:
    if value is None:
        return None
    if is_number(value):
        return f"{int(value):06d}"
    text = norm(value)
    return text or None


def score_value(rows, r: int, c: int, value, columns) -> float:
    """An empty score cell is 0; anything else that is not a number stops the import."""
    if value is None or value == "":
        return 0
    if is_number(value):
        return value
    raise NationalFileError(
        f"{cell_name(r, c)}（{label_of(columns, c)}）: 得点の欄に数値でない「{value}」があります。"
    )


NOT_KASO = {"", "×", "-", "ー", "―", "0", "非該当", "なし", "無"}


def is_kaso(value) -> bool:
    """○ (or 〇, 該当, 一部 …) marks a 過疎 municipality; blank, ×, - or 0 do not."""
    return norm(value) not in NOT_KASO


def as_float(value) -> float | None:
    return float(value) if is_number(value) else None


def label_of(columns, c: int) -> str:
    for column in columns:
        if column.index == c:
            return column.label
    return column_name(c) + "列"
