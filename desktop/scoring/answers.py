"""What a sub-item accepts as an answer, and turning typed input into a stored value.

Answers are stored as short strings: 該当/非該当 for checks and all-of parts, an
option label (ア, イ②, …) or なし for tiers/count/choice, a whole number for
external items. ``None`` means unanswered (未回答).
"""

from __future__ import annotations

import re
import unicodedata

from desktop.catalog.model import (
    ALL_OF,
    CHECK,
    CLEAR,
    EXTERNAL,
    MET,
    NONE_OPTION,
    NOT_MET,
    OPTION_RULES,
    Catalog,
    Item,
)

_YES = {MET, "yes", "y", "true", "1", "はい", "○", "〇"}
_NO = {NOT_MET, "no", "n", "false", "0", "いいえ", "×"}
_CLEAR = {CLEAR, "", "clear", "-"}


class AnswerError(ValueError):
    """A value the sub-item does not accept; the message says what it does accept."""


def allowed_values(item: Item) -> list[str]:
    return [value for value, _points in item.allowed_answers()]


def describe_allowed(item: Item) -> str:
    if item.rule == EXTERNAL:
        return f"0〜{item.points} の整数"
    return "・".join(allowed_values(item))


def normalize(catalog: Catalog, target_id: str, raw: str | None) -> str | None:
    """Check ``raw`` against the item or all-of part ``target_id`` and return the stored form.

    Raises :class:`KeyError` for an unknown id and :class:`AnswerError` for a value the
    target does not accept.
    """
    text = "" if raw is None else unicodedata.normalize("NFKC", str(raw)).strip()
    if text.lower() in _CLEAR or text == CLEAR:
        return None
    if catalog.has_part(target_id):
        return _check_value(text, f"{target_id}（{MET}・{NOT_MET}）")
    item = catalog.item(target_id)
    if item.rule in (CHECK, ALL_OF):
        return _check_value(text, f"{target_id}（{describe_allowed(item)}）")
    if item.rule in OPTION_RULES:
        if text in (NONE_OPTION, "0") or text.lower() == "none":
            return NONE_OPTION
        for option in item.options:
            if unicodedata.normalize("NFKC", option.label) == text:
                return option.label
        raise AnswerError(
            f"「{raw}」は {target_id} の回答として使えません。使える値: {describe_allowed(item)}"
        )
    if item.rule == EXTERNAL:
        try:
            if not is_plain_number(raw):
                raise ValueError(raw)
            number = int(text)
        except ValueError:
            raise AnswerError(
                f"「{raw}」は {target_id} の回答として使えません。{describe_allowed(item)}で入力してください。"
            ) from None
        if not 0 <= number <= item.points:
            raise AnswerError(
                f"{target_id} の得点は {describe_allowed(item)}です（入力: {number}）。"
            )
        return str(number)
    raise AnswerError(f"{target_id} の種類 {item.rule} は回答を受け付けません。")


_DIGITS = re.compile(r"\s*[-－]?[0-9０-９]+\s*")


def is_plain_number(raw: object) -> bool:
    """Digits 0-9, half- or full-width, after an optional minus (refused later as out of range).

    ``int()`` would also take Arabic-Indic or other scripts' digits (「٥」), "+1",
    "1_0", and NFKC would turn 「①」 or 「²」 into digits: none of them is a number of
    points a user means to type.
    """
    return bool(_DIGITS.fullmatch(str(raw)))


def _check_value(text: str, where: str) -> str:
    lowered = text.lower()
    if text in _YES or lowered in _YES:
        return MET
    if text in _NO or lowered in _NO:
        return NOT_MET
    raise AnswerError(f"「{text}」は {where} の回答として使えません。")


def expand_all_of(catalog: Catalog, item_id: str, value: str | None) -> dict[str, str | None]:
    """Answering an all-of item sets each of its parts; other targets answer themselves."""
    if catalog.has_item(item_id):
        item = catalog.item(item_id)
        if item.rule == ALL_OF:
            return {part.id: value for part in item.parts}
    return {item_id: value}
