"""The national section of the result report: ranks and the histogram, its bin marked."""

from __future__ import annotations

import openpyxl

from desktop import paths
from desktop.catalog import registry
from desktop.evaluation.session import create_evaluation
from desktop.national.analysis import rank_of
from desktop.national.library import NationalLibrary
from desktop.national.reader import read_national
from desktop.national.standing import histogram_bins, session_standing
from desktop.report.html import report_html
from desktop.report.model import build_report
from desktop.report.xlsx import NATIONAL_SHEET, build_workbook
from desktop.store import EvaluationFile


def test_bins_count_every_total_and_mark_the_one_given():
    bins = histogram_bins([0, 49.5, 50, 799, 800], marked=120, maximum=800, width=50)
    assert len(bins) == 16
    assert [b.count for b in bins][:2] == [2, 1]
    assert bins[-1].count == 2  # the full score counts in the last bin
    assert [b.low for b in bins if b.marked] == [100]
    assert bins[2].label == "100〜150点"


def test_no_section_without_a_picked_municipality(tmp_path, national_r8):
    with EvaluationFile.open(tmp_path / "town.sqlite", user="t") as store:
        session = create_evaluation(store, registry.for_year(2026))
        assert session_standing(session) is None  # nothing imported
        with NationalLibrary.open(paths.national_library_path(store.path)) as library:
            library.store(read_national(national_r8.path))
        assert session_standing(session) is None  # imported, nobody picked, no own municipality
        assert build_report(session).national is None
        assert NATIONAL_SHEET not in build_workbook(build_report(session)).sheetnames


def test_report_carries_rank_and_histogram(picked_session):
    session, dataset, me = picked_session
    report = build_report(session)
    standing = report.national
    totals = [m.total for m in dataset.municipalities]
    assert standing.rank == rank_of(me.total, totals)
    assert standing.of == len(totals) == sum(b.count for b in standing.bins)
    (marked,) = [b for b in standing.bins if b.marked]
    assert marked.low <= me.total < marked.high or me.total == marked.high
    assert standing.per_point["suishin"] is None or standing.per_point["suishin"] > 0

    html = report_html(report)
    assert "全国の中での位置" in html
    assert f"全国 {standing.rank}位／{standing.of}市町村" in html
    assert html.count("#d9534f") == 1 + 1  # the marked bar and the legend's ■

    sheet = build_workbook(report)[NATIONAL_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    bin_rows = [r for r in rows if str(r[0])[:1].isdigit()]
    assert [r[1] for r in bin_rows] == [b.count for b in standing.bins]
    assert [r[0] for r in bin_rows if r[3]] == [marked.label]
    assert sheet.cell(3, 1).data_type == "s"
    (chart,) = sheet._charts
    assert [p.idx for p in chart.series[0].dPt] == [standing.bins.index(marked)]


def test_xlsx_file_opens_with_the_section(tmp_path, picked_session):
    from desktop.report.xlsx import save_report_xlsx

    session, _dataset, me = picked_session
    out = save_report_xlsx(build_report(session), tmp_path / "report.xlsx")
    sheet = openpyxl.load_workbook(out)[NATIONAL_SHEET]
    assert me.name in sheet.cell(2, 1).value


def test_every_group_line_has_its_mean_median_and_quartiles(picked_session):
    """The report's rank lines give each group's own distribution, not only the nation's."""
    from desktop.national.analysis import distribution, peers

    session, dataset, me = picked_session
    lines = session_standing(session).rank_lines
    for index, kind in ((1, "prefecture"), (2, "band"), (3, "kaso")):
        stats = distribution([m.total for m in peers(dataset, me, kind)])
        assert lines[index].endswith(
            f"（平均 {stats.mean:.1f}点、中央値 {stats.median:g}点、"
            f"四分位 {stats.q1:g}〜{stats.q3:g}点）"
        ), lines[index]
