"""Split an indicator's official text, as pasted from the ministry's PDF or Excel, into sub-items.

The block looks like this once copied (page furniture and broken lines included)::

    4 保険者機能強化推進交付金等に係る評価結果を関係者間で共有し、…活用しているか。
    ア　年に１回以上、評価結果を庁内の関係者間で説明・共有する場
    がある
    - 12 -
    イ．アの場には、庁内のみならず、外部の関係者が参画している
    （ウ）アの場における意見を、施策の改善・見直し等に活用している

Sub-items start at a line beginning with a marker: a katakana letter (ア イ ウ …,
full- or half-width, bare or in brackets, followed by a space, 「．」「）」 or a circled
number) or a circled number (① ② …, which belongs to the last letter seen: イ then ①
is イ①). Page numbers and running headers (a short line repeated on every page) are
dropped; the lines of one sub-item are joined, without a space between Japanese
characters. Whatever cannot be placed on a sub-item of the indicator is returned as
``unplaced`` so that the preview shows it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from desktop.catalog.model import OPTION_RULES, Indicator
from desktop.wording.text import normalize_text, squash

LETTERS = "アイウエオカキクケコサシスセソタチツテト"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_SPACE = " \t　"
_AFTER_LETTER = f"[{_SPACE}．.、)）:：]"
MARKER = re.compile(
    rf"^[{_SPACE}]*"
    rf"(?:[(（](?P<bracketed>[{LETTERS}])[)）]|(?P<letter>[{LETTERS}])(?={_AFTER_LETTER}|[{CIRCLED}]|$))?"
    rf"[{_SPACE}．.、)）:：]*"
    rf"(?P<circled>[{CIRCLED}])?"
)
PAGE_NUMBER = re.compile(
    r"^[\s　]*(?:[-－‐―ー–—]\s*\d{1,4}\s*[-－‐―ー–—]|\d{1,4}\s*/\s*\d{1,4}|"
    r"[pPＰ][.．]?\s*\d{1,4}|\d{1,4}\s*(?:ページ|頁)|(?:ページ|頁)\s*\d{1,4}|\d{1,4})[\s　]*$"
)
_CJK = r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff60]"


@dataclass
class Segment:
    label: str  # ア, イ①, ① (a circled number before any letter)
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_lines(self.lines)


@dataclass
class SplitBlock:
    preamble: list[str]  # lines before the first marker (usually the indicator's title)
    segments: list[Segment]


def drop_page_furniture(lines: list[str], *, repeats: int = 2) -> list[str]:
    """Without page numbers and running headers or footers (a line seen on several pages).

    A repeated line counts as furniture only from 8 characters on: a short piece of a
    broken sentence (「がある」) may well repeat and must stay.
    """
    stripped = [line.strip(_SPACE) for line in lines]
    counts = Counter(line for line in stripped if line)
    kept = []
    for line in stripped:
        if not line:
            continue
        if PAGE_NUMBER.match(line):
            continue
        letter, circled = _marker_of(line)
        if counts[line] >= repeats and 8 <= len(line) <= 80 and not (letter or circled):
            continue  # a running header or footer
        kept.append(line)
    return kept


def _marker_of(line: str) -> tuple[str, str]:
    """(letter, circled) at the start of a line; both empty when the line has no marker."""
    match = MARKER.match(line)
    if not match:
        return "", ""
    letter = match.group("bracketed") or match.group("letter") or ""
    circled = match.group("circled") or ""
    if not letter and not circled:
        return "", ""
    return letter, circled


def split_block(text: str) -> SplitBlock:
    lines = drop_page_furniture(normalize_text(text).split("\n"))
    preamble: list[str] = []
    segments: list[Segment] = []
    letter = ""
    for line in lines:
        found_letter, circled = _marker_of(line)
        if not found_letter and not circled:
            if segments:
                segments[-1].lines.append(line)
            else:
                preamble.append(line)
            continue
        if found_letter:
            letter = found_letter
        label = f"{letter}{circled}"
        body = line[MARKER.match(line).end() :].strip(_SPACE)
        segments.append(Segment(label, [body] if body else []))
    return SplitBlock(preamble, segments)


def join_lines(lines: list[str]) -> str:
    """Lines broken by the PDF made one text: Japanese joins directly, Latin with a space."""
    text = ""
    for line in lines:
        line = line.strip(_SPACE)
        if not line:
            continue
        if text and not (re.search(_CJK + "$", text) or re.match(_CJK, line)):
            text += " "
        text += line
    return text


# --- placing the segments on an indicator's sub-items -----------------------------------------
@dataclass(frozen=True)
class Placement:
    target_id: str
    label: str
    text: str


@dataclass
class IndicatorPaste:
    """What one pasted block would give an indicator: a text per sub-item, and the rest."""

    indicator: Indicator
    placements: list[Placement]
    unplaced: list[str]  # text that belongs to no sub-item (shown in the preview)
    missing: list[str]  # labels of sub-items the block had no text for

    @property
    def texts(self) -> dict[str, str]:
        return {p.target_id: p.text for p in self.placements}


def place_block(indicator: Indicator, text: str) -> IndicatorPaste:
    """Split ``text`` and give each segment to the sub-item (or all-of condition) it names."""
    block = split_block(text)
    targets: dict[str, str] = {}  # label → target id
    option_labels: set[str] = set()
    for item in indicator.items:
        targets[item.label] = item.id
        for part in item.parts:
            targets[f"{item.label}{part.label}"] = part.id
        if item.rule in OPTION_RULES:
            option_labels.update(option.label for option in item.options)
    unplaced = [line for line in block.preamble if not _is_title(line, indicator)]
    unplaced = [join_lines(unplaced)] if unplaced else []
    placements: dict[str, Placement] = {}
    for segment in block.segments:
        segment_text = segment.text
        target_id = targets.get(segment.label)
        if target_id is None or target_id in placements:
            if segment.label in option_labels and target_id is None:
                continue  # a tier's definition (上位3割 …): the options already say it
            unplaced.append(f"{segment.label} {segment_text}".strip())
            continue
        if not segment_text:
            continue
        # Whole, even when too long: saving refuses it with the limit, never cuts it.
        placements[target_id] = Placement(target_id, segment.label, segment_text)
    order = list(targets.values())
    placed = sorted(placements.values(), key=lambda p: order.index(p.target_id))
    missing = [label for label, target in targets.items() if target not in placements]
    return IndicatorPaste(indicator, placed, unplaced, missing)


def _is_title(line: str, indicator: Indicator) -> bool:
    """The indicator's number and title (評価の視点), or a piece of it, before the sub-items."""
    squashed = squash(line)
    title = squash(indicator.title)
    if not squashed:
        return True
    without_number = re.sub(r"^\(?[0-9０-９]+\)?", "", squashed)
    return bool(without_number) and (without_number in title or title in without_number)
