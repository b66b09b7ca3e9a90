"""Text as Japanese PDFs and spreadsheets hand it over, made plain.

Copying from a PDF brings characters that look right and compare wrong: Kangxi
radicals (⽂⾔ instead of 文言), CJK radical supplement forms (⻄ for 西), half-width
katakana, compatibility ideographs; plus NBSP and zero-width characters. We fold
only those. A full NFKC would also turn ① into 1, （ into ( and １ into 1 — changing
the official text and the markers we split by — so NFKC is applied per character and
only in the blocks where it means "the same character".
"""

from __future__ import annotations

import re
import unicodedata

# CJK Radicals Supplement forms used as ordinary kanji in Japanese PDFs. Most of this
# block has no Unicode decomposition (NFKC leaves it alone), hence a table.
RADICAL_SUPPLEMENT = {
    "\u2e8c": "小",
    "\u2e8d": "小",
    "\u2e95": "彐",
    "\u2e97": "心",
    "\u2e9c": "日",
    "\u2e9d": "月",
    "\u2e9f": "母",
    "\u2ea0": "民",
    "\u2ea4": "爫",
    "\u2ea7": "牛",
    "\u2ea8": "犭",
    "\u2eab": "目",
    "\u2eae": "竹",
    "\u2eb7": "羊",
    "\u2ebc": "肉",
    "\u2ec1": "虎",
    "\u2ec3": "覀",
    "\u2ec4": "西",
    "\u2ec6": "角",
    "\u2ec7": "角",
    "\u2eca": "足",
    "\u2ecc": "辶",
    "\u2ecd": "辶",
    "\u2ed1": "長",
    "\u2ed2": "镸",
    "\u2ed7": "雨",
    "\u2ed8": "青",
    "\u2edd": "食",
    "\u2ede": "飠",
    "\u2ee1": "首",
    "\u2ee3": "骨",
    "\u2ee4": "鬼",
    "\u2ee8": "麦",
    "\u2ee9": "黄",
    "\u2eeb": "斉",
    "\u2eed": "歯",
    "\u2eef": "竜",
    "\u2ef2": "亀",
    "\u2ef3": "龟",
}
_DROP = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2009\u202f"), " ")


def _fold(char: str) -> str:
    code = ord(char)
    if 0x2F00 <= code <= 0x2FDF:  # Kangxi Radicals: NFKC maps each to its kanji
        return unicodedata.normalize("NFKC", char)
    if 0x2E80 <= code <= 0x2EFF:
        return RADICAL_SUPPLEMENT.get(char, unicodedata.normalize("NFKC", char))
    if 0xF900 <= code <= 0xFAFF:  # CJK compatibility ideographs (those with a mapping)
        return unicodedata.normalize("NFKC", char)
    if 0xFF61 <= code <= 0xFF9F:  # half-width katakana → full-width
        return unicodedata.normalize("NFKC", char)
    return char


_FOLDED = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff\uff61-\uff9f]+")


def normalize_text(text: str) -> str:
    """Fold look-alike characters and odd spaces; line breaks become ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.translate(_DROP).translate(_SPACES)
    text = _FOLDED.sub(lambda m: "".join(_fold(c) for c in m.group(0)), text)
    # A half-width dakuten left over from folding: join it with its kana (ｶﾞ → ガ).
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """For comparing titles: no spaces, line breaks or full/half-width differences."""
    folded = unicodedata.normalize("NFKC", normalize_text(text))
    return re.sub(r"[\s　・、，,。．.「」『』()（）]", "", folded)
