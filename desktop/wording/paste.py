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
is イ①). Page numbers, running headers or footers (a line repeated on every page, or
one made only of the document's name, year and grant: a block spanning one page break
holds it once) and the document's headings (目標Ⅱ …) are dropped and listed for the
preview; the lines of one sub-item are joined, without a space between Japanese
characters. Whatever cannot be placed on a sub-item of the indicator is returned as
``unplaced`` so that the preview shows it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from desktop.catalog.model import OPTION_RULES, Indicator, Item
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
    dropped: list[str] = field(default_factory=list)  # page numbers, headers, headings


# What a running header or footer is made of: the document's name, year and grant, page
# words and numbers. A line made only of these (and naming the document) is furniture even
# when it appears once in the pasted text, as it does when a block spans one page break.
_HEADER_WORDS = re.compile(
    r"(?:令和|平成)\s*[0-9０-９元]+\s*年度|保険者機能強化推進交付金|介護保険保険者努力支援交付金|"
    r"推進交付金|努力支援交付金|交付金|評価指標|市町村分|都道府県分|別添|別紙|参考資料|資料|"
    r"厚生労働省|老健局|ページ|頁|及び|並びに|に係る|等|[0-9０-９]+|"
    r"[\s　・、,，.．:：()（）\[\]［］【】〔〕〈〉《》「」/／\-－‐―ー–—~〜]"
)
# It names the document, not just the grant or a year: a title broken by the PDF may leave
# 「保険者機能強化推進交付金等に係る」 or 「令和８年度」 alone on a line, and those stay.
_HEADER_ANCHOR = re.compile(r"評価指標|市町村分|都道府県分|年度.*交付金|交付金.*年度")
# Headings of the document's structure: 目標Ⅱ …, （ⅰ）体制・取組指標群.
_GOAL_HEADING = re.compile(r"^目標[\s　]*[ⅠⅡⅢⅣ](?![のをにはでとがや])")
_GROUP_HEADING = re.compile(
    r"^[(（]?[ⅰⅱⅲⅳ1-4１-４]?[)）]?[\s　]*(?:体制・取組指標群|活動指標群|成果指標群|成果指向型?配分枠)$"
)


def is_running_header(line: str) -> bool:
    """A page's header or footer, or a heading of the document, recognised by what it says."""
    line = line.strip(_SPACE)
    if _GOAL_HEADING.match(line) or _GROUP_HEADING.match(line):
        return True
    return bool(_HEADER_ANCHOR.search(line)) and not _HEADER_WORDS.sub("", line)


def split_furniture(lines: list[str], *, repeats: int = 2) -> tuple[list[str], list[str]]:
    """(lines kept, furniture dropped): page numbers, running headers or footers, headings.

    A header is recognised by what it says (:func:`is_running_header`) or by repeating on
    several pages; a repeated line counts only from 8 characters on: a short piece of a
    broken sentence (「がある」) may well repeat and must stay. The dropped lines come
    once each, in order, for the preview.
    """
    stripped = [line.strip(_SPACE) for line in lines]
    counts = Counter(line for line in stripped if line)
    kept: list[str] = []
    dropped: list[str] = []
    for line in stripped:
        if not line:
            continue
        letter, circled = _marker_of(line)
        furniture = (
            PAGE_NUMBER.match(line)
            or (counts[line] >= repeats and 8 <= len(line) <= 80 and not (letter or circled))
            or (not (letter or circled) and is_running_header(line))
        )
        if not furniture:
            kept.append(line)
        elif line not in dropped:
            dropped.append(line)
    return kept, dropped


def describe_dropped(dropped: list[str]) -> str:
    """The dropped lines as the preview names them: each header quoted, page numbers counted."""
    pages = [line for line in dropped if PAGE_NUMBER.match(line)]
    parts = [f"「{line}」" for line in dropped if not PAGE_NUMBER.match(line)]
    if pages:
        parts.append(f"ページ番号 {len(pages)}件")
    return "、".join(parts)


def drop_page_furniture(lines: list[str], *, repeats: int = 2) -> list[str]:
    """The lines without page numbers, running headers or footers (see split_furniture)."""
    return split_furniture(lines, repeats=repeats)[0]


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
    lines, dropped = split_furniture(normalize_text(text).split("\n"))
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
    return SplitBlock(preamble, segments, dropped)


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
    dropped: list[str] = field(default_factory=list)  # page numbers, headers (for the preview)
    definitions: list[str] = field(default_factory=list)  # tier definitions, not stored

    @property
    def texts(self) -> dict[str, str]:
        return {p.target_id: p.text for p in self.placements}


def place_block(indicator: Indicator, text: str) -> IndicatorPaste:
    """Split ``text`` and give each segment to the sub-item (or all-of condition) it names.

    A tier item (ア 上位7割 … answered by choosing one) keeps its markers for its tiers:
    their definitions are not stored (the options already say them) but listed as
    ``definitions`` for the preview. A tier item whose tiers are the letters themselves
    (label 「ア〜エ」) has no marker of its own: it takes the description between the
    indicator's title and the first tier.
    """
    block = split_block(text)
    targets: dict[str, str] = {}  # label → target id
    option_labels: set[str] = set()
    described: list[Item] = []  # tier items whose text is the description before the tiers
    for item in indicator.items:
        targets[item.label] = item.id
        for part in item.parts:
            targets[f"{item.label}{part.label}"] = part.id
        if item.rule in OPTION_RULES:
            option_labels.update(option.label for option in item.options)
            tiers = [option.label for option in item.options]
            if tiers and item.label not in tiers and all(len(t) == 1 and t in LETTERS for t in tiers):
                described.append(item)
    placements: dict[str, Placement] = {}
    preamble = [line for line in block.preamble if not _is_title(line, indicator)]
    preamble = [join_lines(preamble)] if preamble else []
    unplaced: list[str] = []
    if preamble and len(described) == 1:
        item = described[0]
        placements[item.id] = Placement(item.id, item.label, preamble[0])
    else:
        unplaced.extend(preamble)
    definitions: list[str] = []
    for segment in block.segments:
        segment_text = segment.text
        target_id = targets.get(segment.label)
        if target_id is None or target_id in placements:
            if segment.label in option_labels and target_id is None:
                # A tier's definition (上位3割 …): the options already say it.
                definitions.append(f"{segment.label} {segment_text}".strip())
                continue
            unplaced.append(f"{segment.label} {segment_text}".strip())
            continue
        if not segment_text:
            continue
        # Whole, even when too long: saving refuses it with the limit, never cuts it.
        placements[target_id] = Placement(target_id, segment.label, segment_text)
    order = list(targets.values())
    placed = sorted(placements.values(), key=lambda p: order.index(p.target_id))
    missing = [label for label, target in targets.items() if target not in placements]
    return IndicatorPaste(indicator, placed, unplaced, missing, block.dropped, definitions)


def _is_title(line: str, indicator: Indicator) -> bool:
    """The indicator's number and title (評価の視点), or a piece of it, before the sub-items."""
    squashed = squash(line)
    title = squash(indicator.title)
    if not squashed:
        return True
    without_number = re.sub(r"^\(?[0-9０-９]+\)?", "", squashed)
    return bool(without_number) and (without_number in title or title in without_number)
