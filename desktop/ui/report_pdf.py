"""Print the result report to PDF with Qt alone (QPdfWriter + QTextDocument).

No extra service or library: the report's HTML (:mod:`desktop.report.html`) is laid
out by QTextDocument on an A4 landscape page and painted page by page, with the
page number in the footer. The Japanese font is chosen explicitly, because Qt's
fallback follows the Windows display language and could pick Chinese glyph shapes;
QPdfWriter embeds the (subset) TrueType font, so the PDF reads the same everywhere.

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

# Windows first (Yu Gothic ships with Windows 8.1+, Meiryo with Vista+, MS Gothic always),
# then what Linux test machines have.
PDF_FONT_FAMILIES = (
    "Yu Gothic",
    "Meiryo",
    "MS Gothic",
    "IPAexGothic",
    "Noto Sans CJK JP",
    "IPAGothic",
)
RESOLUTION_DPI = 300
MARGINS_MM = QMarginsF(10, 10, 10, 8)
FOOTER_PT = 9.0


def japanese_font_family() -> str:
    """The first installed family of :data:`PDF_FONT_FAMILIES`."""
    installed = set(QFontDatabase.families())
    for family in PDF_FONT_FAMILIES:
        if family in installed:
            return family
    # No known Japanese font: let Qt choose, the text still renders with its fallback.
    return QFont().defaultFamily()


def render_pdf(
    report: Report,
    path: str | Path,
    official_rows: list[OfficialDifference] | None = None,
    *,
    evaluation_file: str | Path | None = None,
) -> Path:
    """Write the report as a PDF to ``path``; returns the path. Replaces it only when done.

    ``evaluation_file`` (the session's file) and any other evaluation are never written over.
    """

    def write(temporary: str) -> None:
        _paint(report, official_rows, temporary)
        fix_pdf_file(temporary)  # copy and search give 金, not the radical ⾦

    return save_atomically(
        path,
        write,
        error=ReportWriteError,
        opened_in="PDF の閲覧ソフトなど",
        evaluation_file=evaluation_file,
    )


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
