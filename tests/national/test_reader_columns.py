"""Which columns the national results reader takes: every catalog item exactly once, and
nothing from the ~1,200 columns after 推進・支援合計."""

from __future__ import annotations

import pytest

from desktop.cli import main
from desktop.national.columns import catalog_columns
from desktop.national.errors import NationalFileError
from desktop.national.reader import read_national
from tests.national.synthetic import STAT_ORDER, expected_total, make_workbook

FEATURES_D = "suishin.I.process.features.d"  # 推進 目標Ⅰ 体制・取組 1 エ


def _refused(tmp_path, mutate) -> str:
    info = make_workbook(tmp_path / "bad.xlsx", year=2026, count=20, mutate=mutate)
    with pytest.raises(NationalFileError) as caught:
        read_national(info.path)
    return str(caught.value)


def _letters(index: int) -> str:
    """0-based column index → 「Q」 (as the reader's messages name columns); openpyxl's
    own letters, so the test does not share the reader's arithmetic."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def test_a_catalog_item_without_a_column_is_refused_naming_it(tmp_path):
    """The file lacks the column of 1-エ (the column is gone from every row)."""

    def drop(rows, info):
        c = info.score_columns[FEATURES_D]
        assert rows[6][c] == "エ" and rows[2][c] is None  # not the first of a merged run
        for row in rows:
            del row[c]

    message = _refused(tmp_path, drop)
    assert message == "令和8年度の評価指標と列が合いません: 推進 目標Ⅰ 体制・取組 1 エ の列がありません。"


def test_two_columns_for_one_item_are_refused_naming_both(tmp_path, capsys):
    """1-エ's column is relabelled ウ: two columns map to 1-ウ, and 1-エ has none."""
    names = {}

    def relabel(rows, info):
        c = info.score_columns[FEATURES_D]
        rows[6][c] = "ウ"
        names["uh"] = _letters(info.score_columns["suishin.I.process.features.c"])
        names["eh"] = _letters(c)

    message = _refused(tmp_path, relabel)
    assert message.startswith(
        f"令和8年度の評価指標と列が合いません: {names['eh']}列（推進 目標Ⅰ 体制・取組 1 ウ）が"
        f"{names['uh']}列と同じ小項目を指しています"
    )
    assert "（ほか1件）" in message  # and 1-エ has no column

    # Nothing is stored: the command refuses with the same message.
    code = main(["national", "import", "--db", str(tmp_path / "t.sqlite"), str(tmp_path / "bad.xlsx")])
    _out, err = capsys.readouterr()
    assert code == 1
    assert "同じ小項目を指しています" in err
    assert not (tmp_path / "hyoka-desk-national.sqlite").exists()


def test_about_1200_trailing_columns_that_look_like_scores_are_ignored(tmp_path):
    """Beyond 推進・支援合計: 配点, sub-item letters and even another 推進・支援合計."""
    plain = make_workbook(tmp_path / "plain.xlsx", year=2026, count=30, trailing=0, seed=3)

    def tempt(rows, info):
        first_trailing = info.total_column + 2  # after 今年度順位
        max_row = 8 + STAT_ORDER[2026].index("配点")
        for c in range(first_trailing, len(rows[0])):
            rows[max_row][c] = 5
            rows[6][c] = "アイウエオ"[c % 5]
        rows[1][first_trailing + 600] = "推進・支援合計"

    info = make_workbook(
        tmp_path / "wide.xlsx",
        year=2026,
        trailing=1200,
        municipalities=plain.municipalities,
        mutate=tempt,
    )
    assert info.total_column + 1200 < 1600  # about the real file's 1,563 columns
    wide = read_national(info.path)
    assert wide.count == 30
    assert set(wide.columns) == {s.key for s in catalog_columns(info.catalog).specs}
    for muni in info.municipalities:
        assert wide.by_serial()[muni.serial].total == expected_total(muni)
    # The same figures as the file without them.
    narrow = read_national(plain.path)
    assert wide.columns == narrow.columns
    assert wide.municipalities == narrow.municipalities
