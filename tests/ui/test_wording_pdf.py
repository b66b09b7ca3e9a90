"""The ministry's indicator PDF, as Qt writes a real one: text layer read with pypdf, then split.

QPdfWriter embeds a subset TrueType font with a ToUnicode map, like the PDFs the
ministry publishes; pypdf cannot write text, so the PDFs are made here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMarginsF, QPointF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

from desktop.cli import main
from desktop.wording.document import SourceError, place_document, read_source

FEATURES = "suishin.I.process.features"
PROGRESS = "suishin.I.process.plan-progress"
HEADER = "令和８年度 保険者機能強化推進交付金 評価指標（市町村分）"


def write_pdf(path: Path, pages: list[list[str]]) -> Path:
    """One line of text per list entry, a running header and a page number on every page."""
    writer = QPdfWriter(str(path))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
        )
    )
    writer.setResolution(72)
    painter = QPainter(writer)
    font = QFont()
    font.setFamilies(["IPAexGothic", "Noto Sans CJK JP", "IPAGothic"])
    font.setPointSize(10)
    painter.setFont(font)
    try:
        for number, lines in enumerate(pages, start=1):
            if number > 1:
                writer.newPage()
            painter.drawText(QPointF(20, 20), HEADER)
            for row, line in enumerate(lines):
                painter.drawText(QPointF(20, 60 + row * 18), line)
            painter.drawText(QPointF(260, 780), f"- {number} -")
    finally:
        painter.end()
    return path


@pytest.fixture
def indicator_pdf(tmp_path, r8, qapp) -> Path:
    features = r8.indicator(FEATURES).title
    progress = r8.indicator(PROGRESS).title
    return write_pdf(
        tmp_path / "評価指標.pdf",
        [
            ["目標Ⅰ 持続可能な地域のあるべき姿をかたちにする", f"1 {features}", "ア　地域の特徴を見える化システムで把握し", "ている"],
            ["イ．日常生活圏域ごとの特徴を把握している", f"2 {progress[:20]}", progress[20:], "ア 計画値と実績値の乖離を⽂⾔で記録している"],
            ["（イ）乖離の要因を外部の関係者と検証している", "エ）結果を公表している"],
        ],
    )


def test_a_real_pdf_is_read_and_each_indicator_split(indicator_pdf, r8):
    text = read_source(indicator_pdf)
    # The text layer is there, with the Kangxi radicals Japanese PDFs carry (⾦ for 金).
    assert "⾦" in text and "金" not in text.split("\n")[0]
    result = place_document(r8, text)
    texts = result.texts
    assert texts[f"{FEATURES}.a"] == "地域の特徴を見える化システムで把握している"
    assert texts[f"{FEATURES}.b"] == "日常生活圏域ごとの特徴を把握している"
    assert texts[f"{PROGRESS}.a"] == "計画値と実績値の乖離を文言で記録している"
    assert texts[f"{PROGRESS}.b"] == "乖離の要因を外部の関係者と検証している"
    assert texts[f"{PROGRESS}.d"] == "結果を公表している"
    pastes = {p.indicator.id: p for p in result.found}
    assert pastes[FEATURES].unplaced == [] and pastes[PROGRESS].unplaced == []


def test_paste_command_reads_the_pdf(indicator_pdf, session_r8, capsys):
    db = session_r8.store.path
    session_r8.store.close()
    code = main(["wording", "paste", "--db", str(db), str(indicator_pdf), "--yes"])
    out, _ = capsys.readouterr()
    assert code == 0 and "5件を保存しました" in out


def test_a_pdf_without_text_or_a_broken_one_says_so(tmp_path, qapp, r8):
    empty = write_pdf(tmp_path / "空.pdf", [[]])
    # Only the header and page number: text, but no indicator in it.
    assert place_document(r8, read_source(empty)).found == []
    blank = tmp_path / "画像だけ.pdf"
    writer = QPdfWriter(str(blank))
    painter = QPainter(writer)
    painter.fillRect(0, 0, 100, 100, painter.brush())
    painter.end()
    with pytest.raises(SourceError, match="画像だけ"):
        read_source(blank)
    broken = tmp_path / "壊れた.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(SourceError, match=r"PDF として読めません|文字を取り出せません"):
        read_source(broken)
