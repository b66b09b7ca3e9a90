"""Reading the national results workbook: found by label, checked, refused with a place."""

from __future__ import annotations

import os
import statistics
from pathlib import Path

import pytest

from desktop.national.columns import catalog_columns
from desktop.national.errors import NationalFileError
from desktop.national.reader import read_national
from tests.national.synthetic import (
    STAT_ORDER,
    expected_total,
    make_municipalities,
    make_workbook,
)


@pytest.mark.parametrize("fixture", ["national_r6", "national_r7", "national_r8"])
def test_reads_every_year_with_its_traps(fixture, request):
    info = request.getfixturevalue(fixture)
    dataset = read_national(info.path)
    assert dataset.fiscal_year == info.catalog.fiscal_year
    assert dataset.count == len(info.municipalities) == 80
    # Every catalog column once (目標Ⅳ once although it is in the file twice).
    assert set(dataset.columns) == {s.key for s in catalog_columns(info.catalog).specs}
    by_serial = dataset.by_serial()
    for muni in info.municipalities:
        row = by_serial[muni.serial]
        assert row.total == expected_total(muni)
        assert row.insurer == muni.insurer
        assert (row.prefecture, row.name) == (muni.prefecture, muni.name)
        assert row.band == muni.band
        assert row.kaso == muni.kaso
        # Suishin total counts 目標Ⅳ, as the ministry's 推進合計 does.
        assert row.totals["suishin"] + row.totals["shien"] == row.total
    # Rows without 保険者番号 (広域連合 members) are municipalities too.
    assert (
        sum(1 for m in dataset.municipalities if m.insurer is None)
        == sum(1 for m in info.municipalities if m.insurer is None)
        > 0
    )
    assert len(dataset.checks) == 4
    # The window shows these lines to the user: the catalog by its year, never by its id.
    assert dataset.checks[-1].startswith(
        f"得点の列はすべて{info.catalog.year_label}（市町村分）の評価指標の小項目に"
    )
    assert not any(info.catalog.id in line for line in dataset.checks)


def test_r6_left_block_lacks_the_band_column_and_the_band_is_derived(national_r6):
    dataset = read_national(national_r6.path)
    assert dataset.band_derived
    assert "規模区分の列なし" in dataset.layout


def test_statistics_rows_in_another_order(tmp_path):
    order = list(reversed(STAT_ORDER[2025]))
    info = make_workbook(tmp_path / "x.xlsx", year=2025, count=30, stat_order=order)
    dataset = read_national(info.path)
    assert dataset.count == 30


def test_year_is_found_from_the_columns_when_the_title_has_none(tmp_path):
    def no_title(rows, info):
        rows[0][0] = "保険者機能強化推進交付金・介護保険保険者努力支援交付金 評価結果"

    info = make_workbook(tmp_path / "x.xlsx", year=2025, count=20, mutate=no_title)
    dataset = read_national(info.path)
    assert dataset.fiscal_year == 2025
    assert "年度は列の形から判定" in dataset.layout


def _refused(tmp_path, mutate, **kwargs) -> str:
    info = make_workbook(tmp_path / "bad.xlsx", year=2026, count=20, mutate=mutate, **kwargs)
    with pytest.raises(NationalFileError) as caught:
        read_national(info.path)
    return str(caught.value)


def test_a_changed_score_cell_is_refused_naming_row_and_column(tmp_path):
    def bump(rows, info):
        key = "suishin.I.process.features.a"
        c = info.score_columns[key]
        r = info.first_data_row - 1 + 4  # serial 5
        rows[r][c] = 4 if rows[r][c] == 0 else 0

    message = _refused(tmp_path, bump)
    assert "23行目" in message
    assert "小項目の合計" in message


def test_a_wrong_rate_is_refused_naming_the_cell(tmp_path):
    def wrong_rate(rows, info):
        c = (
            info.score_columns["shien.II.process.initial-team.a"]
            if "shien.II.process.initial-team.a" in info.score_columns
            else list(info.score_columns.values())[100]
        )
        r = 8 + STAT_ORDER[2026].index("該当率")
        rows[r][c] = rows[r][c] + 5

    message = _refused(tmp_path, wrong_rate)
    assert "該当率" in message
    assert "市町村数が合いません" in message


def test_a_missing_municipality_row_is_refused_by_the_count(tmp_path):
    def drop(rows, info):
        rows[info.first_data_row - 1 + 7][0] = None  # 通し番号 gone: not a municipality row

    message = _refused(tmp_path, drop)
    assert "市町村数が合いません" in message or "全国合計" in message


def test_goal_iv_must_agree_under_both_grants(tmp_path):
    def differ(rows, info):
        key = next(k for k in info.score_columns if k.startswith("common.IV"))
        first = info.score_columns[key]
        # the 支援 copy is the column in the second half with the same header
        r = info.first_data_row - 1
        row = rows[r]
        for c in range(info.total_column - 1, first, -1):
            if (
                rows[7][c] == rows[7][first]
                and rows[6][c] == rows[6][first]
                and rows[4][c] == rows[4][first]
                and c != first
            ):
                row[c] = 0 if row[first] else 5
                return

    message = _refused(tmp_path, differ)
    assert "目標Ⅳ" in message


def test_a_column_without_a_catalog_item_is_refused(tmp_path):
    def rename(rows, info):
        c = info.score_columns["suishin.I.process.features.d"]
        rows[6][c] = "キ"  # row 7 letter: 1-エ becomes 1-キ, no such sub-item

    message = _refused(tmp_path, rename)
    assert "列" in message and "小項目" in message


def test_not_an_excel_file(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("これは Excel ではありません", encoding="utf-8")
    with pytest.raises(NationalFileError, match="Excel ファイルとして読めません"):
        read_national(path)


def test_the_wrong_year_is_refused(national_r7):
    with pytest.raises(NationalFileError, match="令和7年度の結果ですが、令和8年度"):
        read_national(national_r7.path, expected_year=2026)


REAL = os.environ.get("HYOKA_NATIONAL_XLSX")
# Figures from shared/research/national-results.md: count, mean, median, SD per year.
PUBLISHED = {
    2024: (1741, 422.35, 428, 95.9),
    2025: (1741, 434.99, 446, 92.3),
    2026: (1741, 455.13, 469, 87.7),
}
# R8 in more detail (same note): the sum of totals, the municipalities and mean total per
# 規模区分 1–5 and per 過疎 (該当, not), and the "far below" line (national mean rate −
# 2 × SD) in points with the number of municipalities under it. Means are published to
# one decimal.
PUBLISHED_R8 = {
    "sum": 792_375,
    "band_counts": [451, 535, 608, 83, 64],
    "band_means": [407.6, 448.8, 481.1, 508.0, 527.8],
    "kaso_counts": [885, 856],
    "kaso_means": [437.4, 473.5],
    "far_below_line": 279.7,
    "far_below_count": 55,
}


def detailed_figures(dataset) -> dict:
    """The figures of PUBLISHED_R8 as the app finds them (far below: the ``national
    prefecture`` figures, the same for every prefecture)."""
    from desktop.catalog import registry
    from desktop.national.analysis import prefecture_view

    def mean(members) -> float | None:
        return statistics.fmean(m.total for m in members) if members else None

    munis = dataset.municipalities
    bands = [[m for m in munis if m.band == band] for band in range(1, 6)]
    kaso = [[m for m in munis if m.kaso], [m for m in munis if not m.kaso]]
    catalog = registry.for_year(dataset.fiscal_year)
    far = prefecture_view(dataset, catalog, munis[0].prefecture)["far_below"]
    return {
        "sum": sum(m.total for m in munis),
        "band_counts": [len(b) for b in bands],
        "band_means": [mean(b) for b in bands],
        "kaso_counts": [len(k) for k in kaso],
        "kaso_means": [mean(k) for k in kaso],
        "far_below_line": far["line_points"],
        "far_below_count": far["national_count"],
    }


def test_detailed_figures_on_a_generated_file(tmp_path):
    """The real-file test's figures, checked against the generator's own numbers (two
    municipalities with nothing met, so that some are far below)."""
    from desktop.catalog import registry

    munis = make_municipalities(registry.for_year(2026), 40, seed=5)
    for m in munis[:2]:
        m.points = dict.fromkeys(m.points, 0)
    info = make_workbook(tmp_path / "r8.xlsx", year=2026, count=40, municipalities=munis)
    found = detailed_figures(read_national(info.path))
    totals = {m.serial: expected_total(m) for m in info.municipalities}
    values = list(totals.values())
    assert found["sum"] == sum(values)

    def means(groups):
        return [statistics.fmean(totals[m.serial] for m in g) if g else None for g in groups]

    bands = [[m for m in info.municipalities if m.band == b] for b in range(1, 6)]
    kaso = [
        [m for m in info.municipalities if m.kaso],
        [m for m in info.municipalities if not m.kaso],
    ]
    assert found["band_counts"] == [len(b) for b in bands]
    assert found["band_means"] == pytest.approx(means(bands))
    assert found["kaso_counts"] == [len(k) for k in kaso] and all(found["kaso_counts"])
    assert found["kaso_means"] == pytest.approx(means(kaso))
    line = statistics.fmean(values) - 2 * statistics.pstdev(values)
    assert found["far_below_line"] == pytest.approx(line, abs=0.01)
    assert found["far_below_count"] == sum(1 for v in values if v < line) > 0


@pytest.mark.skipif(not REAL, reason="HYOKA_NATIONAL_XLSX が未設定（実ファイルがない）")
def test_the_real_file_reproduces_the_published_figures():
    dataset = read_national(Path(REAL))
    count, mean, median, sd = PUBLISHED[dataset.fiscal_year]
    totals = [m.total for m in dataset.municipalities]
    assert dataset.count == count
    assert abs(statistics.fmean(totals) - mean) < 0.01
    assert statistics.median(totals) == median
    assert abs(statistics.pstdev(totals) - sd) < 0.1
    assert sum(1 for m in dataset.municipalities if m.insurer is None) > 150
    if dataset.fiscal_year == 2026:
        found = detailed_figures(dataset)
        expected = PUBLISHED_R8
        assert found["sum"] == expected["sum"]
        assert found["band_counts"] == expected["band_counts"]
        assert found["kaso_counts"] == expected["kaso_counts"]
        assert found["band_means"] == pytest.approx(expected["band_means"], abs=0.051)
        assert found["kaso_means"] == pytest.approx(expected["kaso_means"], abs=0.051)
        assert found["far_below_line"] == pytest.approx(expected["far_below_line"], abs=0.051)
        assert found["far_below_count"] == expected["far_below_count"]


def test_benchmark_child_reads_stores_and_views(tmp_path, national_r8):
    """Smoke test of the benchmark's measurement (tiny workbook; no time asserted)."""
    from benchmarks.national import one_run

    result = one_run(str(national_r8.path), str(tmp_path / "lib.sqlite"))
    assert result["municipalities"] == 80
    assert all(result[key] >= 0 for key in ("read_check_s", "store_s", "load_s", "views_s"))


def test_label_variants_of_other_years(tmp_path):
    """該当率（％）, 〇 and × for 過疎, a group subtotal titled without its goal."""

    def vary(rows, info):
        for r in range(8, 18):
            for c in range(14):
                if rows[r][c] == "該当率":
                    rows[r][c] = "該当率\n（％）"
        kaso_column = 11
        for m in info.municipalities:
            rows[info.first_data_row - 1 + m.serial - 1][kaso_column] = "〇" if m.kaso else "×"
        for c, value in enumerate(rows[4]):
            if value == "Ⅱ（ⅰ）　計":
                rows[4][c] = "体制・取組\n指標群　計"
                break

    info = make_workbook(tmp_path / "v.xlsx", year=2026, count=20, mutate=vary)
    dataset = read_national(info.path)
    assert [m.kaso for m in dataset.municipalities] == [m.kaso for m in info.municipalities]
    assert "小計22列" in dataset.checks[0]


def test_a_folder_or_missing_file_is_a_clear_message(tmp_path):
    with pytest.raises(NationalFileError, match="見つかりません"):
        read_national(tmp_path / "none.xlsx")
    with pytest.raises(NationalFileError, match="読めません"):
        read_national(tmp_path)  # a folder: read_bytes fails
