"""The rows the national view shows, the export, and the own result as official results."""

from __future__ import annotations

import openpyxl

from desktop.catalog import registry
from desktop.evaluation.session import create_evaluation
from desktop.national.analysis import item_rates, peers
from desktop.national.reader import read_national
from desktop.national.views import gap_table, official_values, peer_table, save_table_xlsx
from desktop.report.gaps import session_gaps
from desktop.report.official import enter_official_results
from desktop.store import EvaluationFile
from tests.national.synthetic import expected_total


def test_peer_table_export(tmp_path, national_r8):
    dataset = read_national(national_r8.path)
    catalog = registry.for_year(2026)
    me = dataset.municipalities[0]
    table = peer_table(dataset, catalog, peers(dataset, me, "band"), "同じ規模区分")
    assert len(table.rows) == sum(1 for m in national_r8.municipalities if m.band == me.band)
    assert table.rows == sorted(table.rows, key=lambda r: -r[5])
    out = tmp_path / "peers.xlsx"
    save_table_xlsx(table, out, note="全国集計結果から")
    sheet = openpyxl.load_workbook(out).active
    assert sheet.cell(3, 3).value == "市町村"
    assert sheet.cell(4, 6).value == table.rows[0][5]
    assert sheet.cell(4, 3).data_type == "s"


def test_own_result_fills_the_official_results_and_gaps_get_real_rates(tmp_path, national_r8):
    dataset = read_national(national_r8.path)
    catalog = registry.for_year(2026)
    me = dataset.municipalities[2]
    values = official_values(catalog, dataset, me)
    assert values["total"] == expected_total(national_r8.municipalities[2])
    with EvaluationFile.open(tmp_path / "t.sqlite", user="t") as store:
        session = create_evaluation(store, catalog)
        enter_official_results(session, values)
        stored = store.official_results(session.evaluation_id)
        assert stored["total"] == values["total"]
        assert stored["suishin.I.process"] == me.totals["suishin.I.process"]
        gaps = session_gaps(session)
        table = gap_table(session, dataset, peers(dataset, me, "band"), {"suishin": 10.0})
        assert len(table.rows) == len(gaps)
        first = table.rows[0]
        assert first[3] == round(item_rates(dataset)[gaps[0].item_id], 1)
        suishin_row = next(r for r, g in zip(table.rows, gaps, strict=True) if g.grant == "suishin")
        assert suishin_row[6] == suishin_row[2] * 10.0


def test_the_municipality_itself_is_marked_in_the_peers(national_r8):
    dataset = read_national(national_r8.path)
    me = dataset.municipalities[4]
    table = peer_table(dataset, registry.for_year(2026), peers(dataset, me, "kaso"), "x", mark=me)
    (row,) = table.highlight
    assert (table.rows[row][1], table.rows[row][2]) == (me.prefecture, me.name)


def test_the_prefecture_table_ranks_within_the_prefecture(national_r8):
    from collections import Counter

    from desktop.national.views import prefecture_table

    dataset = read_national(national_r8.path)
    catalog = registry.for_year(2026)
    number, _count = Counter(m.prefecture_no for m in dataset.municipalities).most_common(1)[0]
    members = [m for m in dataset.municipalities if m.prefecture_no == number]
    assert len(members) >= 2
    name = members[0].prefecture
    table, view = prefecture_table(dataset, catalog, name, mark=members[1])
    assert table.headers[:2] == ("都道府県内順位", "全国順位")
    assert table.headers[-1] == "大きく下回る"
    local = [m.total for m in members]
    every = [m.total for m in dataset.municipalities]
    assert sorted(r[0] for r in table.rows) == sorted(1 + sum(t > x for t in local) for x in local)
    for row in table.rows:
        mine = row[6]  # 合計
        assert row[0] == 1 + sum(t > mine for t in local)  # within the prefecture
        assert row[1] == 1 + sum(t > mine for t in every)  # nationally
    assert table.rows[0][0] == 1
    assert any(r[0] != r[1] for r in table.rows)  # the two ranks are told apart
    (marked,) = table.highlight
    assert table.rows[marked][3] == members[1].name
    assert view["count"] == len(members)
