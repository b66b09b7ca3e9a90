"""Proof that the outputs print clean: rendered by LibreOffice (and Qt) to PDF and read back.

The submission workbook and the report workbook go through LibreOffice headless (a
private profile per test), the report PDF comes from the app itself. Checked: the
page count, every page A4, no text (footers included) printed smaller than 9 pt,
and no cell's text cut: on every page of an answer sheet, each character of the
cells the page holds (and of its repeated title rows and footer) is in the page's
text. LibreOffice writes only what is visible, so a row too short for its text
loses characters here.

Skipped only where soffice or poppler's pdftotext/pdfinfo are missing (CI installs them).
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from desktop.workbook.layout import FIRST_DATA_ROW, HEADER_ROW, TITLE_ROW

SOFFICE = shutil.which("soffice")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        SOFFICE is None or shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
        reason="LibreOffice（soffice）または poppler（pdftotext・pdfinfo）がありません",
    ),
]
A4_PT = (595.3, 841.9)
MIN_TEXT_PT = 9.0


def to_pdf(source: Path, out_dir: Path) -> Path:
    out_dir.mkdir(exist_ok=True)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(out_dir / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out_dir / f"{source.stem}.pdf"


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return [
        (float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    ]


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def smallest_text_pt(pdf: Path) -> float:
    """The smallest font size any visible text is printed at, in points.

    Read from the page's drawing operators with pypdf: the size given to ``Tf`` times
    the vertical scale of the text matrix and of the current transformation (which is
    where LibreOffice applies "fit to page"). Blank runs are not text a reader sees.
    """
    from pypdf import PdfReader

    sizes: list[float] = []

    def visit(text, matrix, text_matrix, _font, size):
        if not text.strip():
            return
        # the text space's vertical unit vector, mapped to the page: (c, d) of Tm × CTM
        c = text_matrix[2] * matrix[0] + text_matrix[3] * matrix[2]
        d = text_matrix[2] * matrix[1] + text_matrix[3] * matrix[3]
        sizes.append(size * math.hypot(c, d))

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    assert sizes
    return min(sizes)


def chars(*texts: object) -> Counter:
    return Counter("".join("".join(str(t).split()) for t in texts if t is not None))


def assert_a4(pdf: Path) -> list[tuple[float, float]]:
    sizes = page_sizes(pdf)
    assert sizes
    for size in sizes:
        assert sorted(size) == pytest.approx(A4_PT, abs=1.0), size
    return sizes


def cell_text(cell) -> str | None:
    value = cell.value
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def row_chars(sheet, rows) -> Counter:
    return chars(*(cell_text(cell) for row in rows for cell in sheet[row]))


@pytest.fixture
def submission_pdf(filled, tmp_path):
    from desktop.workbook.submission import export_submission

    xlsx = export_submission(filled, tmp_path / "提出用.xlsx")
    return xlsx, to_pdf(xlsx, tmp_path / "lo")


def test_submission_prints_on_a4_at_9pt_with_no_cell_cut(submission_pdf):
    xlsx, pdf = submission_pdf
    sizes = assert_a4(pdf)
    assert smallest_text_pt(pdf) >= MIN_TEXT_PT
    workbook = openpyxl.load_workbook(xlsx)
    texts = page_texts(pdf)
    assert len(texts) == len(sizes)
    footer_left = workbook["推進交付金"].oddFooter.left.text
    checked_pages = 0
    for name in ("推進交付金", "努力支援交付金", "目標Ⅳ（両交付金共通）", "成果指向配分枠（別枠）"):
        sheet = workbook[name]
        pages = [i for i, text in enumerate(texts) if text.rstrip().endswith(name)]
        breaks = sorted(brk.id for brk in sheet.row_breaks.brk)
        starts = [FIRST_DATA_ROW, *(b + 1 for b in breaks)]
        ends = [*breaks, sheet.max_row]
        # LibreOffice breaks the pages exactly where the workbook says, nowhere else
        assert len(pages) == len(starts), (name, len(pages), len(starts))
        for page_index, first, last in zip(pages, starts, ends, strict=True):
            expected = row_chars(sheet, range(TITLE_ROW, HEADER_ROW + 1))
            expected += row_chars(sheet, range(first, last + 1))
            expected += chars(footer_left, name, "ページ")
            missing = expected - chars(texts[page_index])
            assert not missing, (name, page_index + 1, first, last, missing)
            checked_pages += 1
        # landscape, as the sheet asks
        assert all(sizes[i][0] > sizes[i][1] for i in pages)
    assert checked_pages >= 10


def test_cover_and_summary_lose_no_text(submission_pdf):
    xlsx, pdf = submission_pdf
    workbook = openpyxl.load_workbook(xlsx)
    texts = page_texts(pdf)
    for name in ("表紙", "集計"):
        sheet = workbook[name]
        pages = "".join(text for text in texts if text.rstrip().endswith(name))
        missing = row_chars(sheet, range(1, sheet.max_row + 1)) - chars(pages)
        # figures print formatted (13.8%), so compare the text cells only
        missing = Counter({ch: n for ch, n in missing.items() if not ch.isdigit() and ch not in ".%"})
        assert not missing, (name, missing)


def test_report_workbook_prints_on_a4_at_9pt_with_no_text_lost(filled, tmp_path):
    from desktop.report.model import build_report
    from desktop.report.xlsx import GAPS_SHEET, MAIN_SHEET, save_report_xlsx

    xlsx = save_report_xlsx(build_report(filled), tmp_path / "評価結果.xlsx")
    pdf = to_pdf(xlsx, tmp_path / "lo")
    sizes = assert_a4(pdf)
    assert all(width > height for width, height in sizes)  # landscape
    assert 3 <= len(sizes) <= 40
    assert smallest_text_pt(pdf) >= MIN_TEXT_PT
    workbook = openpyxl.load_workbook(xlsx)
    printed = chars(*page_texts(pdf))
    for name in (MAIN_SHEET, GAPS_SHEET):
        sheet = workbook[name]
        missing = row_chars(sheet, range(1, sheet.max_row + 1)) - printed
        # numbers print formatted (0.0%), so compare the text cells only
        missing = Counter(
            {ch: n for ch, n in missing.items() if not ch.isdigit() and ch not in ".%+-"}
        )
        assert not missing, (name, missing)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm がありません")
def test_report_pdf_is_a4_at_9pt(qapp, filled, tmp_path):
    from desktop.report.model import build_report
    from desktop.ui.report_pdf import render_pdf

    pdf = render_pdf(build_report(filled), tmp_path / "評価結果.pdf")
    sizes = assert_a4(pdf)
    assert len(sizes) >= 4
    assert smallest_text_pt(pdf) >= MIN_TEXT_PT
