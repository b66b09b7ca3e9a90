"""The ministry's whole indicator document at once: find each indicator, then split its block.

The document follows the catalog's order (grant → goal → group → number), so each
indicator's title (評価の視点, official in our catalogs) is looked for after the
previous one found; its block runs to the next indicator found. Titles are compared
without spaces, line breaks and width differences, because the PDF breaks them
anywhere. A title the document does not contain leaves that indicator out of the
preview (listed as not found); nothing is guessed.

Text comes from a text file, pasted text, or a PDF (:func:`pdf_text`, with pypdf:
pure Python, maintained, and able to extract the text layer of the ministry's PDFs;
it cannot write PDFs, which the tests make with Qt).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from desktop.catalog.model import Catalog, Indicator
from desktop.wording.limits import MAX_PDF_BYTES, MAX_PDF_PAGES, MAX_SOURCE_CHARS
from desktop.wording.paste import IndicatorPaste, describe_dropped, place_block, split_furniture
from desktop.wording.text import normalize_text, squash


class SourceError(Exception):
    """The document cannot be read; the message says why (Japanese)."""


@dataclass
class DocumentPaste:
    found: list[IndicatorPaste]
    not_found: list[Indicator] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # page numbers, headers, headings

    @property
    def texts(self) -> dict[str, str]:
        texts: dict[str, str] = {}
        for paste in self.found:
            texts.update(paste.texts)
        return texts


def read_source(path: str | Path) -> str:
    """The text of a PDF or a text file (UTF-8, or Shift_JIS as Japanese Windows saves it)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(f"{path} を開けません（{exc.strerror}）。") from None
    if path.suffix.lower() == ".pdf":
        return pdf_text(path)
    if size > MAX_SOURCE_CHARS * 4:
        raise SourceError(f"{path.name} は大きすぎます。評価指標の部分だけを保存して使ってください。")
    raw = path.read_bytes()
    if raw.startswith(b"%PDF"):
        return pdf_text(path)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SourceError(
            f"{path.name} の文字コードが読めません。UTF-8 か Shift_JIS のテキストで保存してください。"
        )
    return limit(text, path.name)


def limit(text: str, name: str = "貼り付けた文") -> str:
    if len(text) > MAX_SOURCE_CHARS:
        raise SourceError(f"{name} は長すぎます（{MAX_SOURCE_CHARS:,}文字まで）。")
    return text


def pdf_text(path: str | Path) -> str:
    """The text layer of a PDF, page after page (a scanned PDF has none: say so)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    path = Path(path)
    if path.stat().st_size > MAX_PDF_BYTES:
        raise SourceError(f"{path.name} は大きすぎます（{MAX_PDF_BYTES // 1024 // 1024} MB まで）。")
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise SourceError(f"{path.name} にはパスワードがかかっているため読めません。")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise SourceError(f"{path.name} のページが多すぎます（{MAX_PDF_PAGES}ページまで）。")
        # Layout mode keeps each printed line whole; the plain mode splits a line at
        # every font run (「ア」「の」「場」 …), which would turn a word into a marker.
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except SourceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise SourceError(f"{path.name} を PDF として読めません（{type(exc).__name__}）。") from None
    text = "\n".join(pages)
    if not text.strip():
        raise SourceError(
            f"{path.name} から文字を取り出せません（画像だけの PDF のようです）。"
            "文字を選んでコピーできる PDF を使ってください。"
        )
    return limit(text, path.name)


def place_document(catalog: Catalog, text: str) -> DocumentPaste:
    """Find every indicator of ``catalog`` in the document and split its block."""
    lines, dropped = split_furniture(normalize_text(limit(text)).split("\n"), repeats=3)
    # One squashed string of the whole document, with where each line starts in it.
    starts, parts, position = [], [], 0
    for line in lines:
        starts.append(position)
        piece = squash(line)
        parts.append(piece)
        position += len(piece)
    squashed = "".join(parts)
    indicators = [i for i in catalog.all_indicators() if any(True for _ in i.items)]
    spans: list[tuple[int, int, Indicator]] = []  # (title line, first body line, indicator)
    cursor = 0
    for indicator in indicators:
        title = squash(indicator.title)
        if len(title) < 4:
            continue
        at = squashed.find(title, cursor)
        if at < 0:
            at = squashed.find(title)  # out of order: still the indicator's own title
            if at < 0 or any(at == _offset(starts, s[0]) for s in spans):
                continue
        first = bisect.bisect_right(starts, at) - 1
        last = bisect.bisect_right(starts, at + len(title) - 1) - 1
        spans.append((first, last + 1, indicator))
        cursor = at + len(title)
    spans.sort(key=lambda span: span[0])
    found: list[IndicatorPaste] = []
    for index, (_first, body, indicator) in enumerate(spans):
        end = spans[index + 1][0] if index + 1 < len(spans) else len(lines)
        block_lines = lines[body:end]
        # The next indicator's number ("5", "(5)") sits on the line before its title.
        while block_lines and re.fullmatch(r"[\s　]*[(（]?[0-9０-９]{1,2}[)）]?[\s　．.]*", block_lines[-1]):
            block_lines.pop()
        found.append(place_block(indicator, "\n".join(block_lines)))
    located = {span[2].id for span in spans}
    return DocumentPaste(found, [i for i in indicators if i.id not in located], dropped)


def _offset(starts: list[int], line: int) -> int:
    return starts[line]


def shipped_official(catalog: Catalog, target_id: str) -> bool:
    """The catalog ships official wording for it: a pasted text would never be shown."""
    target = catalog.part(target_id)[1] if catalog.has_part(target_id) else catalog.item(target_id)
    return bool(target.wording)


def preview_lines(
    catalog: Catalog, pastes: list[IndicatorPaste], not_found, dropped: list[str] = ()
) -> list[str]:
    """The preview: each indicator, each sub-item with its text, what could not be placed,
    and what was dropped as page furniture (``dropped``: the whole document's)."""
    from desktop.report.wording import indicator_reference

    lines = []
    for paste in pastes:
        indicator = paste.indicator
        lines.append(f"{indicator_reference(catalog, indicator.id)} {indicator.title}")
        for placement in paste.placements:
            kept = "（同梱の公式文言を表示）" if shipped_official(catalog, placement.target_id) else ""
            lines.append(f"  {placement.label}: {placement.text}{kept}")
        if paste.missing:
            lines.append(f"  文のない小項目: {'・'.join(paste.missing)}")
        for text in paste.unplaced:
            lines.append(f"  置き場所のない文: {text}")
        if paste.definitions:
            lines.append(
                f"  使わなかった段階の定義（各段階の内容は選択肢に表示）: {'／'.join(paste.definitions)}"
            )
        if paste.dropped:
            lines.append(f"  除いた行（ページ番号・見出しなど）: {describe_dropped(paste.dropped)}")
    if dropped:
        lines.append(f"除いた行（ページ番号・見出しなど）: {describe_dropped(list(dropped))}")
    if not_found:
        lines.append(f"資料に見つからなかった評価指標: {len(not_found)}件")
    return lines
