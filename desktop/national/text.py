"""Label matching: the workbook's labels carry full-width spaces, line breaks and
full-width or half-width forms that change from year to year."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
# NFKC turns ① into 1 and Ⅳ into IV; circled numbers must survive as sub-item marks.
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PROTECT = {ch: f"\x00{i}\x00" for i, ch in enumerate(_CIRCLED)}
_RESTORE = re.compile(r"\x00(\d+)\x00")
KATAKANA_LETTERS = "アイウエオカキクケコサシスセソタチツテト"
GOAL_CODES = ("IV", "III", "II", "I")  # longest first when matching NFKC text


def norm(value) -> str:
    """A cell's text for matching: NFKC (circled numbers kept), no whitespace at all."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if not text:
        return ""
    for ch, mark in _PROTECT.items():
        if ch in text:
            text = text.replace(ch, mark)
    text = unicodedata.normalize("NFKC", text)
    text = _RESTORE.sub(lambda m: _CIRCLED[int(m.group(1))], text)
    return _SPACE.sub("", text)


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def sub_item_mark(text: str) -> str:
    """The letter or circled number a row-7/8 label holds (「ア」「①」), or ''."""
    for ch in text:
        if ch in KATAKANA_LETTERS or ch in _CIRCLED:
            return ch
    return ""


def goal_code(text: str) -> str | None:
    """「目標Ⅰ 持続可能…」/「IV合計」→ 'I' / 'IV' (text already normalised)."""
    match = re.search(r"目標(IV|III|II|I|[1-4])", text) or re.match(
        r"^(IV|III|II|I)(?![A-Za-z])", text
    )
    if not match:
        return None
    code = match.group(1)
    return {"1": "I", "2": "II", "3": "III", "4": "IV"}.get(code, code)


def group_kind(text: str) -> str | None:
    """「目標Ⅰｰ（ⅰ）体制・取組指標群」→ process; 活動 → activity; 成果/アウトカム → outcome."""
    if "体制" in text or "取組" in text:
        return "process"
    if "活動" in text:
        return "activity"
    if "成果" in text or "アウトカム" in text:
        return "outcome"
    return None
