"""The report as PDF (Qt only): its text, its fonts, and a rendered page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from desktop.report.html import fmt_points, fmt_rate
from desktop.report.model import ROW_GROUP, build_report
from desktop.report.official import compare
from desktop.ui.report_pdf import PDF_FONT_FAMILIES, japanese_font_family, render_pdf

ANSWERS = {
    "suishin.I.process.features.a": "該当",
    "suishin.I.process.features.b": "非該当",
    "suishin.II.process.optimization-programs.a.p1": "該当",
    "suishin.II.process.optimization-programs.b": "イ①",
    "shien.II.process.hearing-loss.a": "非該当",
    "shien.II.process.hearing-loss.b": "該当",
    "shien.II.process.hearing-loss.c": "該当",
    "suishin.I.activity.score-rank.tier": "イ",
}
PLANNED = "会議で共有し公表する。"  # short: one line of its cell, so text extraction keeps it whole


@pytest.fixture
def mixed(session_r8):
    session_r8.set_answers(ANSWERS)
    session_r8.store.set_planned_response(session_r8.evaluation_id, "suishin.I.process", PLANNED)
    session_r8.store.set_official_results(session_r8.evaluation_id, {"shien.II.activity": 20})
    return session_r8


def pdf_text(path, mode: str = "-layout") -> str:
    """-layout keeps a table row on one line; the default keeps a cell's text together."""
    done = subprocess.run(["pdftotext", mode, str(path), "-"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def squeeze(text: str) -> str:
    """pdftotext breaks wrapped cells into lines; compare without the breaks."""
    return "".join(text.split())


def test_a_japanese_font_is_chosen_explicitly(qapp):
    family = japanese_font_family()
    assert family in PDF_FONT_FAMILIES


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext がありません")
def test_pdf_text_carries_the_reports_figures(qapp, mixed, tmp_path):
    report = build_report(mixed)
    rows = compare(mixed.catalog, mixed.score(), mixed.store.official_results(mixed.evaluation_id))
    out = render_pdf(report, tmp_path / "評価結果.pdf", rows)
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out)
    flat = squeeze(pdf_text(out, "-nopgbrk"))
    assert squeeze(report.title) in flat
    assert "保険者機能強化推進交付金（推進）" in text
    assert "介護保険保険者努力支援交付金（支援）" in text
    assert squeeze(PLANNED) in flat
    # Every group row's figures appear: 配点, 得点, 得点率 and the national rate.
    process = report.row(ROW_GROUP, "suishin.I.process")
    for row in (process, report.row(ROW_GROUP, "shien.II.process")):
        line = next(
            line
            for line in text.splitlines()
            if fmt_rate(row.rate) in line and str(row.max_points) in line
        )
        assert fmt_points(row.points) in line
        assert fmt_rate(row.national_avg_rate) in line
    # The lost sub-items, as a reader sees them.
    assert squeeze("1 地域の介護保険事業の特徴を把握しているか。") in flat
    assert "・イ（4点）" in flat
    assert squeeze("未該当: ②ケアプラン等の点検") in flat
    # Estimates are marked; the official figure is used and compared.
    assert "国が算定（見込み6点）" in flat
    assert "国による評価結果:20点／36点" in flat
    assert "国による評価結果と自己評価の比較" in text
    assert "伸びしろ（未該当の小項目）" in text
    assert "合計（800点満点）" in flat
    assert "成果指向配分枠" in flat
    pages = squeeze(text).count("ページ")
    assert pages >= 3
    assert f"1/{pages}ページ" in flat


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts がありません")
def test_the_japanese_font_is_embedded(qapp, mixed, tmp_path):
    out = render_pdf(build_report(mixed), tmp_path / "r.pdf")
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    lines = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert lines, fonts
    assert japanese_font_family().replace(" ", "") in fonts.replace(" ", "")
    for line in lines:
        assert " yes " in line  # emb column: every font is embedded


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm がありません")
def test_first_page_renders_to_an_image(qapp, mixed, tmp_path):
    out = render_pdf(build_report(mixed), tmp_path / "r.pdf")
    subprocess.run(
        ["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(out), str(tmp_path / "page")],
        check=True,
    )
    (image,) = tmp_path.glob("page*.png")
    data = image.read_bytes()
    assert data.startswith(b"\x89PNG")
    # A4 landscape at 60 dpi: 702 × 496 pixels (width and height from the PNG header).
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert (width, height) == (702, 496)


def test_an_unwritable_folder_says_so(qapp, mixed, tmp_path):
    from desktop.report.xlsx import ReportWriteError

    with pytest.raises(ReportWriteError, match="フォルダ"):
        render_pdf(build_report(mixed), tmp_path / "ない" / "r.pdf")


def test_a_pdf_cut_short_by_a_full_disk_is_refused_and_the_old_one_kept(
    qapp, mixed, tmp_path, monkeypatch
):
    """QPdfWriter says nothing when the disk fills up (QPainter.end() is still true): the
    file it leaves ends early. That must be an error, not 「出力しました」 over a good PDF."""
    from desktop.report.xlsx import ReportWriteError
    from desktop.ui import report_pdf

    out = tmp_path / "r.pdf"
    out.write_bytes(b"%PDF- last week's report")
    paint = report_pdf._paint

    def paint_on_a_full_disk(report, rows, target):
        paint(report, rows, target)
        whole = Path(target).read_bytes()
        Path(target).write_bytes(whole[: len(whole) // 2])

    monkeypatch.setattr(report_pdf, "_paint", paint_on_a_full_disk)
    with pytest.raises(ReportWriteError, match="空き容量"):
        render_pdf(build_report(mixed), out)
    assert out.read_bytes() == b"%PDF- last week's report"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~hyoka-")]


def test_pagination_never_splits_a_block_and_repeats_the_header():
    from desktop.report.html import Block
    from desktop.ui.report_pdf import paginate

    blocks = [
        Block("heading", keep_with_next=True),
        Block("header", keep_with_next=True),
        *[Block(f"row {i}", header="header") for i in range(12)],
        Block("next section", page_break_before=True),
    ]
    heights = [10.0, 5.0, *[30.0 + 7 * (i % 3) for i in range(12)], 10.0]
    pages = paginate(blocks, heights, {"header": 5.0}, 100.0)
    placed = [p for page in pages for p in page if not p.header]
    assert [p.block for p in placed] == list(range(len(blocks)))  # each block once, whole
    for page in pages:
        assert sum(p.height for p in page) <= 100.0
        assert all(p.offset == 0 and p.height == heights[p.block] for p in page if not p.header)
    for page in pages[1:-1]:  # a continued table starts with its header
        assert page[0].header == "header"
    assert pages[-1][0].block == len(blocks) - 1  # the new section starts its own page
    # a block taller than a page is the only thing ever sliced
    sliced = paginate([Block("huge")], [250.0], {}, 100.0)
    assert [p.height for page in sliced for p in page] == [100.0, 100.0, 50.0]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext がありません")
def test_each_indicator_block_is_on_one_page_with_its_title(qapp, mixed, tmp_path):
    report = build_report(mixed)
    out = render_pdf(report, tmp_path / "r.pdf")
    pages = [squeeze(page) for page in pdf_text(out, "-raw").split("\f")]
    for table in report.grants:
        for row in table.rows:
            for heading, items in row.lost_blocks:
                lines = [squeeze(heading), *(squeeze(f"・{item.line}") for item in items)]
                assert any(all(line in page for line in lines) for page in pages), heading
