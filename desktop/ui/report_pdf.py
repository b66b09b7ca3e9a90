"""Print the result report to PDF with Qt alone (QPdfWriter + QTextDocument).

No extra service or library: the report's HTML (:mod:`desktop.report.html`) is laid
out by QTextDocument on an A4 landscape page and painted page by page, with the
page number in the footer. The Japanese font is the one shipped with the app
(:mod:`desktop.ui.fonts`), registered here if the caller has not done so, so that the
PDF is the same on every machine; QPdfWriter embeds a subset of it. Installed fonts
are only a fallback for a build whose font file is missing.

Needs a QGuiApplication (the command line creates an offscreen one).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
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

from desktop.report.html import report_html
from desktop.report.model import Report
from desktop.report.official import OfficialDifference
from desktop.report.pdf_unicode import fix_pdf_file
from desktop.report.xlsx import ReportWriteError
from desktop.safe_save import save_atomically
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


def render_pdf(
    report: Report, path: str | Path, official_rows: list[OfficialDifference] | None = None
) -> Path:
    """Write the report as a PDF to ``path``; returns the path. Replaces it only when done."""

    def write(temporary: str) -> None:
        _paint(report, official_rows, temporary)
        fix_pdf_file(temporary)  # copy and search give 金, not the radical ⾦

    return save_atomically(path, write, error=ReportWriteError, opened_in="PDF の閲覧ソフトなど")


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
    font = QFont(family)
    font.setPointSizeF(7.5)

    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    document.setHtml(report_html(report, official_rows, font_family=family))

    width = writer.width()
    footer_height = FOOTER_PT / 72 * RESOLUTION_DPI * 2
    body_height = writer.height() - footer_height
    document.setPageSize(QSizeF(width, body_height))
    pages = document.pageCount()

    footer_font = QFont(family)
    footer_font.setPointSizeF(FOOTER_PT)
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(0, "PDF を作成できません")
    try:
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * body_height)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = QRectF(0, page * body_height, width, body_height)
            painter.setClipRect(context.clip)  # nothing of the next page bleeds in
            document.documentLayout().draw(painter, context)
            painter.restore()
            painter.setFont(footer_font)
            painter.drawText(
                QRectF(0, body_height, width, footer_height),
                Qt.AlignmentFlag.AlignCenter,
                f"{report.municipality}　{report.year_label} 評価結果　{page + 1} / {pages} ページ",
            )
    finally:
        painter.end()
