"""Repair the text layer of Qt's PDFs: Kangxi radicals back to the kanji they stand for.

Japanese fonts (IPAexGothic, Meiryo, Yu Gothic) map one glyph to two code points, for
example 金 (U+91D1) and the Kangxi radical ⾦ (U+2FA6). Qt's PDF writer builds the
ToUnicode table from the font's reverse map and picks the radical, so the PDF looks
right but copying or searching it yields ⾦ instead of 金 (the same happens in
wkhtmltopdf, which uses Qt: wkhtmltopdf#4414). A council member searching the
published PDF for 「金」 would find nothing.

Qt writes the ToUnicode CMap uncompressed with four hex digits per code point, and
every radical (U+2E80–U+2FDF) has a kanji in the same Basic Multilingual Plane, so
each ``<2FA6>`` can be replaced by ``<91D1>`` in place: the file keeps its length,
its object offsets and its cross-reference table. Only destination code points
inside ToUnicode streams are touched; anything unexpected leaves the file as it is.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

_TO_UNICODE_REF = re.compile(rb"/ToUnicode\s+(\d+)\s+0\s+R")
_HEX4 = re.compile(rb"<([0-9A-Fa-f]{4})>")
RADICAL_BLOCKS = (range(0x2E80, 0x2F00), range(0x2F00, 0x2FE0))
# CJK Radicals Supplement forms that share a glyph with a whole kanji in Japanese fonts
# (IPAexGothic: 長 is drawn by the glyph of ⻑) but have no NFKC decomposition.
SUPPLEMENT_KANJI = {
    0x2EA0: 0x6C11,  # ⺠ 民
    0x2EC1: 0x864E,  # ⻁ 虎
    0x2EC4: 0x897F,  # ⻄ 西
    0x2ED1: 0x9577,  # ⻑ 長
    0x2ED8: 0x9752,  # ⻘ 青
    0x2EE4: 0x9B3C,  # ⻤ 鬼
    0x2EE8: 0x9EA6,  # ⻨ 麦
    0x2EE9: 0x9EC4,  # ⻩ 黄
    0x2EEB: 0x6589,  # ⻫ 斉
    0x2EED: 0x6B6F,  # ⻭ 歯
    0x2EEF: 0x7ADC,  # ⻯ 竜
    0x2EF2: 0x4E80,  # ⻲ 亀
}


def unified_for(code_point: int) -> int | None:
    """The kanji a radical stands for (NFKC), or None when it is not a radical or has none."""
    if code_point in SUPPLEMENT_KANJI:
        return SUPPLEMENT_KANJI[code_point]
    if not any(code_point in block for block in RADICAL_BLOCKS):
        return None
    normalized = unicodedata.normalize("NFKC", chr(code_point))
    if len(normalized) != 1 or normalized == chr(code_point) or ord(normalized) > 0xFFFF:
        return None
    return ord(normalized)


def _fix_destinations(cmap: bytes) -> bytes:
    """Rewrite destination code points in bfchar/bfrange lines, never source glyph codes."""
    lines = cmap.split(b"\n")
    section = None
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.endswith(b"beginbfchar"):
            section = "char"
            continue
        if stripped.endswith(b"beginbfrange"):
            section = "range"
            continue
        if stripped in (b"endbfchar", b"endbfrange"):
            section = None
            continue
        if section is None:
            continue
        tokens = list(_HEX4.finditer(line))
        # bfchar: <src> <dst>; bfrange: <lo> <hi> <dst> or <lo> <hi> [<dst> …]
        first_destination = 1 if section == "char" else 2
        if len(tokens) <= first_destination:
            continue
        fixed = bytearray(line)
        for match in tokens[first_destination:]:
            replacement = unified_for(int(match.group(1), 16))
            if replacement is not None:
                fixed[match.start(1) : match.end(1)] = f"{replacement:04X}".encode("ascii")
        lines[index] = bytes(fixed)
    return b"\n".join(lines)


def fix_to_unicode(data: bytes) -> bytes:
    """The PDF with radicals in its ToUnicode CMaps replaced by kanji (same length)."""
    result = bytearray(data)
    for object_number in sorted({int(m.group(1)) for m in _TO_UNICODE_REF.finditer(data)}):
        header = re.search(rb"(?:^|\n)" + str(object_number).encode() + rb" 0 obj\b", data)
        if header is None:
            continue
        start = data.find(b"stream\n", header.end())
        end = data.find(b"endstream", start)
        if start < 0 or end < 0:
            continue
        start += len(b"stream\n")
        stream = data[start:end]
        if b"begincmap" not in stream:  # compressed or not a CMap: leave it alone
            continue
        fixed = _fix_destinations(stream)
        if len(fixed) == len(stream):
            result[start:end] = fixed
    return bytes(result)


def fix_pdf_file(path: str | Path) -> None:
    path = Path(path)
    data = path.read_bytes()
    fixed = fix_to_unicode(data)
    if fixed != data:
        path.write_bytes(fixed)
