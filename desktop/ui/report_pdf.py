"""Print the result report to PDF with Qt alone (QPdfWriter + QTextDocument).

No extra service or library: the report's HTML (:mod:`desktop.report.html`) is laid
out block by block by QTextDocument on A4 landscape and painted page by page, with
the page number in the footer. Blocks are placed on pages here (:func:`paginate`), so
that a group's figures and each indicator's lost sub-items are never split between
pages. The Japanese font is the one shipped with the app
(:mod:`desktop.ui.fonts`), registered here if the caller has not done so, so that the
PDF is the same on every machine; QPdfWriter embeds a subset of it. Installed fonts
are only a fallback for a build whose font file is missing.

Needs a QGuiApplication (the command line creates an offscreen one).
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontDatabase,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from desktop.report.html import BODY_PT, Block, document_html, report_blocks
from desktop.report.model import Report
from desktop.report.official import OfficialDifference
from desktop.report.pdf_unicode import fix_pdf_file
from desktop.report.xlsx import report_saver
from desktop.ui.fonts import BUNDLED_FAMILY, register_bundled_font

# The bundled font first; the rest only if its file is missing (Yu Gothic ships with
# Windows 8.1+, Meiryo with Vista+, MS Gothic always, then what Linux machines have).
PDF_FONT_FAMILIES = (
    BUNDLED_FAMILY,
    "Yu Gothic",
    "Meiryo",
    "MS Gothic",
    "Noto Sans CJK JP",
    "IPAGothic",
)
RESOLUTION_DPI = 300
MARGINS_MM = QMarginsF(10, 10, 10, 8)
FOOTER_PT = 9.0


def japanese_font_family() -> str:
    """The bundled family, else the first installed family of :data:`PDF_FONT_FAMILIES`."""
    bundled = register_bundled_font()
    if bundled:
        return bundled
    installed = set(QFontDatabase.families())
    for family in PDF_FONT_FAMILIES:
        if family in installed:
            return family
    # No known Japanese font: let Qt choose, the text still renders with its fallback.
    return QFont().defaultFamily()


def _write_pdf(report: Report, official_rows: list[OfficialDifference] | None, target: str) -> None:
    _paint(report, official_rows, target)
    _check_written_whole(target)
    fix_pdf_file(target)  # copy and search give 金, not the radical ⾦


def _check_written_whole(target: str) -> None:
    """QPdfWriter reports no write error (QPainter.end() is true on a full disk), so the
    file itself is checked: a whole PDF ends with its %%EOF marker."""
    with open(target, "rb") as written:
        written.seek(0, os.SEEK_END)
        written.seek(max(0, written.tell() - 1024))
        if b"%%EOF" not in written.read():
            raise OSError(errno.ENOSPC, "PDF を最後まで書けませんでした")


# Saved like the xlsx (same arguments, same ReportWriteError), so callers treat both alike.
render_pdf = report_saver(_write_pdf, opened_in="PDF の閲覧ソフトなど")


def _paint(report: Report, official_rows, target: str) -> None:
    family = japanese_font_family()
    writer = QPdfWriter(target)
    writer.setResolution(RESOLUTION_DPI)
    writer.setTitle(report.title)
    writer.setCreator("交付金評価デスク")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
    )
    width = writer.width()
    footer_height = FOOTER_PT / 72 * RESOLUTION_DPI * 2
    body_height = writer.height() - footer_height
    font = QFont(family)
    font.setPointSizeF(BODY_PT)

    def laid_out(html: str) -> QTextDocument:
        document = QTextDocument()
        document.documentLayout().setPaintDevice(writer)
        document.setDefaultFont(font)
        document.setDocumentMargin(0)
        document.setHtml(document_html(html, family))
        document.setTextWidth(width)
        return document

    blocks = report_blocks(report, official_rows)
    documents = [laid_out(block.html) for block in blocks]
    headers = {block.header: laid_out(block.header) for block in blocks if block.header}
    heights = [document.size().height() for document in documents]
    header_heights = {html: document.size().height() for html, document in headers.items()}
    pages = paginate(blocks, heights, header_heights, body_height)

    footer_font = QFont(family)
    footer_font.setPointSizeF(FOOTER_PT)
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(0, "PDF を作成できません")
    try:
        for number, placements in enumerate(pages):
            if number:
                writer.newPage()
            for placement in placements:
                document = (
                    headers[placement.header] if placement.header else documents[placement.block]
                )
                painter.save()
                clip = QRectF(0, placement.top, width, placement.height)
                painter.setClipRect(clip)  # a slice of a block taller than a page
                painter.translate(0, placement.top - placement.offset)
                context = QAbstractTextDocumentLayout.PaintContext()
                context.clip = QRectF(0, placement.offset, width, placement.height)
                document.documentLayout().draw(painter, context)
                painter.restore()
            painter.setFont(footer_font)
            painter.drawText(
                QRectF(0, body_height, width, footer_height),
                Qt.AlignmentFlag.AlignCenter,
                f"{report.municipality}　{report.year_label} 評価結果　"
                f"{number + 1} / {len(pages)} ページ",
            )
    finally:
        painter.end()


@dataclass(frozen=True)
class Placement:
    """Where a block (or a repeated table header) goes on a page."""

    block: int  # index into the blocks
    top: float  # on the page
    height: float
    offset: float = 0.0  # from the block's own top (a block taller than a page is sliced)
    header: str = ""  # set: this is the repeated header of ``block``'s table


def paginate(
    blocks: list[Block], heights: list[float], header_heights: dict[str, float], page: float
) -> list[list[Placement]]:
    """Place the blocks on pages: none split, headings kept with what follows.

    A block goes to a new page when it (with the blocks it is kept with) does not fit
    what is left of the page, or when it asks for one; a continued table's header is
    repeated at the top. Only a block taller than a whole page is sliced.
    """
    pages: list[list[Placement]] = [[]]
    used = 0.0

    def new_page(index: int) -> None:
        nonlocal used
        pages.append([])
        used = 0.0
        header = blocks[index].header
        if header:
            pages[-1].append(Placement(index, 0.0, header_heights[header], header=header))
            used = header_heights[header]

    for index, block in enumerate(blocks):
        kept = heights[index]
        following = index
        while blocks[following].keep_with_next and following + 1 < len(blocks):
            following += 1
            kept += heights[following]
        if kept > page - header_heights.get(block.header, 0.0):
            kept = heights[index]  # too much to keep together: keep only the block whole
        if used and (block.page_break_before or used + kept > page):
            new_page(index)
        height = heights[index]
        if height <= page - used:
            pages[-1].append(Placement(index, used, height))
            used += height
            continue
        offset = 0.0  # taller than a page: slice it over as many pages as it needs
        while offset < height:
            if used >= page:
                new_page(index)
            piece = min(height - offset, page - used)
            pages[-1].append(Placement(index, used, piece, offset))
            used += piece
            offset += piece
    return pages
