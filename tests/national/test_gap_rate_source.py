"""伸びしろ's 全国該当率 come from the year's imported national results, else the catalog:
the same rule for the result report, the ``gaps`` command and the window."""

from __future__ import annotations

import json

import pytest

from desktop import paths
from desktop.cli import main
from desktop.evaluation.session import create_evaluation
from desktop.national.analysis import item_rates
from desktop.national.library import NationalLibrary
from desktop.national.reader import read_national
from desktop.national.standing import session_national
from desktop.report.gaps import CATALOG_RATES_LABEL, RateSource, session_gaps
from desktop.report.model import build_report
from desktop.report.xlsx import GAPS_SHEET, build_workbook
from desktop.store import EvaluationFile


def _some_unmet(session) -> None:
    """Every check item 非該当: gaps in every grant, many with a catalog rate."""
    answers = {}
    for group in session.catalog.all_groups():
        for indicator in group.indicators:
            for item in indicator.items:
                if item.rule == "check":
                    answers[item.id] = "非該当"
    session.set_answers(answers)


def _import(store_path, dataset) -> None:
    with NationalLibrary.open(paths.national_library_path(store_path)) as library:
        library.store(dataset)


@pytest.fixture
def imported(session_r8, national_r8):
    """An R8 evaluation of a town not in the dataset, with the R8 results imported beside
    it: the year's rates exist, the rank and the peers do not."""
    dataset = read_national(national_r8.path)
    _import(session_r8.store.path, dataset)
    _some_unmet(session_r8)
    assert session_national(session_r8) is None  # no municipality: no rank, no peers
    return session_r8, dataset


def _catalog_rates(session) -> dict[str, float | None]:
    return {g.item_id: g.national_rate_pct for g in session_gaps(session, rates=RateSource())}


def test_the_report_uses_the_years_rates_where_imported(imported):
    session, dataset = imported
    real = item_rates(dataset)
    catalog = _catalog_rates(session)
    report = build_report(session, gap_limit=0)
    assert report.gaps
    assert report.gap_rates_source == "令和8年度の全国集計結果"
    changed = 0
    for gap in report.gaps:
        if gap.item_id in real:
            assert gap.national_rate_pct == real[gap.item_id]
            changed += real[gap.item_id] != catalog[gap.item_id]
        else:
            assert gap.national_rate_pct == catalog[gap.item_id]
    assert changed > 10  # the real figures differ from the catalog's: the test can tell
    # Ranked by the real rates: items ≥ 60 % nationally first.
    high = [g.high_share for g in report.gaps if g.gain > 0 and not g.state_scored]
    assert high == sorted(high, reverse=True)
    # The 伸びしろ sheet says where the rates come from, and shows them.
    sheet = build_workbook(report)[GAPS_SHEET]
    assert "全国該当率は令和8年度の全国集計結果による" in sheet.cell(2, 1).value
    first = report.gaps[0]
    rates_shown = [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] == 1]
    assert pytest.approx(first.national_rate_pct / 100) in rates_shown[0]


def test_another_years_results_leave_the_catalogs_rates(session_r8, national_r7):
    _import(session_r8.store.path, read_national(national_r7.path))
    _some_unmet(session_r8)
    report = build_report(session_r8, gap_limit=0)
    assert report.gap_rates_source == CATALOG_RATES_LABEL
    catalog = _catalog_rates(session_r8)
    assert {g.item_id: g.national_rate_pct for g in report.gaps} == catalog
    assert "評価指標の資料による" in build_workbook(report)[GAPS_SHEET].cell(2, 1).value


def test_gaps_command_uses_the_years_rates(tmp_path, capsys, r8, national_r8):
    db = tmp_path / "town.sqlite"
    with EvaluationFile.open(db, user="t") as store:
        _some_unmet(create_evaluation(store, r8))
    assert main(["gaps", "--db", str(db), "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert before["rates_source"] == CATALOG_RATES_LABEL
    dataset = read_national(national_r8.path)
    _import(db, dataset)
    real = item_rates(dataset)
    assert main(["gaps", "--db", str(db), "--json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["rates_source"] == "令和8年度の全国集計結果"
    assert after["count"] == before["count"]
    rates = {gap["item_id"]: gap["national_rate_pct"] for gap in after["gaps"]}
    assert any(gap["national_rate_pct"] != rates[gap["item_id"]] for gap in before["gaps"])
    for item_id, rate in rates.items():
        if item_id in real:
            assert rate == real[item_id]
    assert main(["gaps", "--db", str(db), "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "全国該当率は令和8年度の全国集計結果による" in out
    first = after["gaps"][0]
    assert f"全国{first['national_rate_pct']:.1f}%" in out


@pytest.mark.usefixtures("qapp")
def test_the_window_list_uses_the_years_rates_without_a_municipality(qtbot, imported):
    from desktop.ui.gap_view import COL_PEER_SHARE, COL_SHARE, ItemIdRole
    from desktop.ui.report_actions import show_gaps

    session, dataset = imported
    real = item_rates(dataset)
    dialog = show_gaps(None, session, lambda _item: None)
    qtbot.addWidget(dialog)
    view = dialog.gap_view
    proxy = view.proxy
    for row in range(min(proxy.rowCount(), 10)):
        item_id = proxy.index(row, 0).data(ItemIdRole)
        if item_id in real:
            assert proxy.index(row, COL_SHARE).data() == f"{real[item_id]:.1f}%"
    assert "令和8年度の全国集計結果" in view.rates_label.text()
    assert view.table.isColumnHidden(COL_PEER_SHARE)  # peers need the municipality
